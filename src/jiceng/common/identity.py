"""Validation of Chinese resident ID numbers (GB 11643) and phone numbers."""

import datetime
import re
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.iso7064 import mod_11_2

# An ID number already in its compact form, for which stdnum's compact() changes nothing but case.
_COMPACT_ID = re.compile(r"[0-9]{17}[0-9Xx]")
# A Chinese mobile number as people write it: 11 digits, no prefix. phonenumbers.parse reads it
# as national number and CN country code, and strips nothing from it: its international prefix
# and carrier codes (00, 11xxx, 12xxx, 179xx) and the national prefix 0 cannot start it.
_PLAIN_MOBILE = re.compile(r"1(?!79)[3-9][0-9]{9}")


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: datetime.date
    gender: str  # "M" or "F": the 17th digit, odd for men (GB 11643)


def parse_id_number(raw: str, today: datetime.date | None = None) -> IdNumber:
    """Check an 18-character ID number per GB 11643 and return it with its birth date and gender.

    The area code is not checked against today's divisions: numbers issued in divisions that
    were later abolished stay valid for life.
    """
    number = raw.upper() if raw and _COMPACT_ID.fullmatch(raw) else ric.compact(raw or "").upper()
    if len(number) != 18:
        raise ValidationError(_("身份证号码应为18位，当前为%(n)d位") % {"n": len(number)}, code="id_length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("身份证号码只能包含数字，最后一位可以是X"), code="id_format")
    if number[:6] == "000000":
        raise ValidationError(_("身份证号码的地区码无效"), code="id_area")
    try:
        # What ric.get_birth_date reads (digits 7–14), without compacting the number again.
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期无效"), code="id_birth_date") from None
    today = today or datetime.date.today()
    if birth > today or birth.year < 1890:
        raise ValidationError(_("身份证号码中的出生日期无效"), code="id_birth_date")
    if number[17] != mod_11_2.calc_check_digit(number[:17]):  # ISO 7064 MOD 11-2
        raise ValidationError(_("身份证号码校验位错误，请核对是否抄错"), code="id_checksum")
    return IdNumber(number=number, birth_date=birth, gender="M" if int(number[16]) % 2 else "F")


def normalize_phone(raw: str) -> str:
    """Return a valid Chinese mobile or landline number in national form (digits only)."""
    text = (raw or "").strip().replace(" ", "").replace("-", "")
    if _PLAIN_MOBILE.fullmatch(text):
        # What parse would give, without its general-purpose scanning (most of the cost).
        if not phonenumbers.is_valid_number(
            phonenumbers.PhoneNumber(country_code=86, national_number=int(text))
        ):
            raise ValidationError(_("电话号码格式不正确"), code="phone_format")
        return text
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("电话号码格式不正确"), code="phone_format") from None
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("电话号码格式不正确"), code="phone_format")
    return phonenumbers.national_significant_number(parsed)
