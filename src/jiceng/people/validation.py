"""Checks on a resident's personal data, shared by the pages, the API and roster imports."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jiceng.common import crypto
from jiceng.common.identity import normalize_phone, parse_id_number
from jiceng.common.masking import mask_id_number, mask_phone


@dataclass(frozen=True)
class Identity:
    id_number: str
    id_hash: str
    birth_date: datetime.date
    gender: str
    phone: str
    phone_hash: str

    def resident_fields(self) -> dict[str, object]:
        """The Resident columns that follow from the ID and phone numbers."""
        return {
            "id_number": self.id_number,
            "id_hash": self.id_hash,
            "id_tail": self.id_number[-4:],
            "birth_date": self.birth_date,
            "gender": self.gender,
            "phone": self.phone,
            "phone_hash": self.phone_hash,
            "phone_tail": self.phone[-4:],
            "id_mask": mask_id_number(self.id_number),
            "phone_mask": mask_phone(self.phone),
        }


def check_identity(
    id_number: str, phone: str = "", birth_date: datetime.date | None = None, gender: str | None = None
) -> Identity:
    """Validate the ID number (GB 11643) and phone; a birth date or gender given separately must
    agree with the ID number. Errors are keyed by field."""
    errors: dict[str, str] = {}
    parsed = None
    try:
        parsed = parse_id_number(id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages[0]
    if parsed and birth_date and birth_date != parsed.birth_date:
        errors["birth_date"] = _("出生日期%(given)s与身份证号码中的%(derived)s不一致") % {
            "given": birth_date.isoformat(),
            "derived": parsed.birth_date.isoformat(),
        }
    if parsed and gender and gender != parsed.gender:
        errors["gender"] = _("性别与身份证号码不一致")
    clean_phone = ""
    if phone and phone.strip():
        try:
            clean_phone = normalize_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    if errors or parsed is None:
        raise ValidationError(errors)
    return Identity(
        id_number=parsed.number,
        id_hash=crypto.lookup_hash(parsed.number),
        birth_date=parsed.birth_date,
        gender=parsed.gender,
        phone=clean_phone,
        phone_hash=crypto.lookup_hash(clean_phone) if clean_phone else "",
    )
