import datetime

import pytest
from django.core.exceptions import ValidationError

from jiceng.common.identity import normalize_phone, parse_id_number
from jiceng.common.masking import mask_id_number, mask_phone

# The sample number printed in GB 11643 itself.
STANDARD_SAMPLE = "11010519491231002X"


def test_the_standards_own_sample_is_valid_with_birth_date_and_gender():
    parsed = parse_id_number(STANDARD_SAMPLE)
    assert parsed.birth_date == datetime.date(1949, 12, 31)
    assert parsed.gender == "F"  # sequence 002 is even


def test_a_lower_case_x_and_spaces_are_accepted():
    assert parse_id_number(" 11010519491231002x ").number == STANDARD_SAMPLE


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_checksum"),
        ("11010519491231002", "id_length"),
        ("11010519491332002X", "id_birth_date"),
        ("1101051949123100AX", "id_format"),
        ("11010530001231002X", "id_birth_date"),
    ],
)
def test_invalid_numbers_are_rejected_with_a_specific_reason(number, code):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(number)
    assert exc.value.code == code


def test_an_area_code_no_longer_in_use_stays_valid():
    # 370321 is not among today's divisions (python-stdnum rejects it); old ID numbers keep it.
    from stdnum.iso7064 import mod_11_2

    body = "37032119650312003"
    assert parse_id_number(body + mod_11_2.calc_check_digit(body)).birth_date == datetime.date(1965, 3, 12)


def test_chinese_error_messages_by_default():
    with pytest.raises(ValidationError) as exc:
        parse_id_number("110105194912310021")
    assert "校验位" in exc.value.messages[0]


def test_english_error_messages_in_the_english_locale():
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        parse_id_number("110105194912310021")
    assert "check character" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("138 1234 5678", "13812345678"), ("+86 13812345678", "13812345678"), ("010-62345678", "1062345678")],
)
def test_phone_numbers_are_normalised(raw, clean):
    assert normalize_phone(raw) == clean


@pytest.mark.parametrize("raw", ["12345", "1381234567", "abc", "+1 202 555 0100"])
def test_invalid_phone_numbers_are_rejected(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_masks_follow_gb_t_35273():
    assert mask_id_number(STANDARD_SAMPLE) == "110***********002X"
    assert mask_phone("13812345678") == "138****5678"


def _phonenumbers_verdict(text: str) -> str | None:
    """What phonenumbers' full parse says of `text`: the national number, or None if invalid."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.national_significant_number(parsed)


def test_eleven_digit_numbers_get_the_same_verdict_as_a_full_parse():
    # Plain 11-digit numbers skip phonenumbers.parse; every 4-digit prefix, valid or not, and
    # those it would read as carrier codes (11, 12, 179) or an international prefix, must agree.
    for prefix in range(1000, 2000):
        for tail in ("0000000", "5678123", "9999999"):
            text = f"{prefix}{tail}"
            try:
                ours: str | None = normalize_phone(text)
            except ValidationError:
                ours = None
            assert ours == _phonenumbers_verdict(text), text


@pytest.mark.parametrize(
    "raw", ["１３８１２３４５６７８", "13812345678\u200b", "+8613812345678", "008613812345678"]
)
def test_other_spellings_of_a_mobile_number_still_go_through_phonenumbers(raw):
    assert normalize_phone(raw) == _phonenumbers_verdict(raw) == "13812345678"


def test_full_width_digits_in_an_id_number_are_read_as_ascii_digits():
    number = "370321196503120039"
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert parse_id_number(full_width).number == number
