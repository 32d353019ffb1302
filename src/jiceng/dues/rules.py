"""Party dues by 《关于中国共产党党费收缴、使用和管理的规定》(中组发〔2008〕3号).

Monthly dues on the regular part of after-tax pay (工资收入中相对固定的、经常性的部分):
- employed: 3,000 yuan or less 0.5 %; above 3,000 up to 5,000 1 %; above 5,000 up to 10,000
  1.5 %; above 10,000 2 % — each band includes its upper bound ("3000元以下（含3000元）");
- retired: 5,000 yuan or less 0.5 %; above 5,000 1 %;
- self-employed and others with variable income: the same bands as employed, on last quarter's
  average monthly net income;
- farmers: 0.2 to 1 yuan a month;
- students, laid-off or unemployed members, members on relief or the minimum living allowance:
  0.2 yuan a month;
- a hardship reduction or exemption needs the branch's review and the higher committee's approval.
Amounts are rounded to the fen (0.01 yuan), half up. Paying ahead is allowed up to 6 months; six
consecutive months unpaid without good reason counts as leaving the party (党章 第九条), so the
platform flags it. A single voluntary payment of 1,000 yuan or more goes wholly to the Centre.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    EMPLOYED = "employed", _("在职职工")
    RETIRED = "retired", _("离退休人员")
    SELF_EMPLOYED = "self_employed", _("个体或灵活就业人员")
    FARMER = "farmer", _("农民")
    STUDENT = "student", _("学生")
    UNEMPLOYED = "unemployed", _("下岗失业人员")
    RELIEF = "relief", _("领取救济或低保人员")


FEN = Decimal("0.01")
FLAT = Decimal("0.20")
FARMER_MIN, FARMER_MAX = Decimal("0.20"), Decimal("1.00")
# (upper bound included, rate in per cent); None: no upper bound.
EMPLOYED_BANDS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal(3000), Decimal("0.5")),
    (Decimal(5000), Decimal("1")),
    (Decimal(10000), Decimal("1.5")),
    (None, Decimal("2")),
)
RETIRED_BANDS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal(5000), Decimal("0.5")),
    (None, Decimal("1")),
)
BASED = (Category.EMPLOYED, Category.RETIRED, Category.SELF_EMPLOYED)
FLAT_CATEGORIES = (Category.STUDENT, Category.UNEMPLOYED, Category.RELIEF)
MAX_MONTHS_AHEAD = 6
ARREARS_MONTHS = 6
TO_CENTRE = Decimal(1000)


def rate_for(category: str, base: Decimal) -> Decimal:
    """The rate in per cent for a member paying on a base."""
    bands = RETIRED_BANDS if category == Category.RETIRED else EMPLOYED_BANDS
    for upper, rate in bands:
        if upper is None or base <= upper:
            return rate
    raise AssertionError("the last band has no upper bound")


def monthly_amount(
    category: str, base: Decimal | None = None, fixed: Decimal | None = None
) -> tuple[Decimal, Decimal | None]:
    """(monthly dues, rate in per cent or None for a fixed amount); raises ValueError with the
    reason when the inputs do not fit the category."""
    if category in BASED:
        if base is None or base < 0:
            raise ValueError("base")
        rate = rate_for(category, base)
        return (base * rate / 100).quantize(FEN, ROUND_HALF_UP), rate
    if category == Category.FARMER:
        if fixed is None or not FARMER_MIN <= fixed <= FARMER_MAX:
            raise ValueError("fixed")
        return fixed.quantize(FEN, ROUND_HALF_UP), None
    return FLAT, None


def goes_to_centre(amount: Decimal) -> bool:
    return amount >= TO_CENTRE
