"""The 2008 dues rules at every band boundary."""

from decimal import Decimal

import pytest

from jiceng.dues import rules

D = Decimal


@pytest.mark.parametrize(
    ("category", "base", "amount", "rate"),
    [
        ("employed", D("3000"), D("15.00"), D("0.5")),
        ("employed", D("3000.01"), D("30.00"), D("1")),
        ("employed", D("5000"), D("50.00"), D("1")),
        ("employed", D("5000.01"), D("75.00"), D("1.5")),
        ("employed", D("10000"), D("150.00"), D("1.5")),
        ("employed", D("10000.01"), D("200.00"), D("2")),
        ("self_employed", D("4321"), D("43.21"), D("1")),
        ("retired", D("5000"), D("25.00"), D("0.5")),
        ("retired", D("5000.01"), D("50.00"), D("1")),
        ("employed", D("2345.55"), D("11.73"), D("0.5")),  # 11.72775 rounds half up to the fen
    ],
)
def test_rates_by_band(category, base, amount, rate):
    assert rules.monthly_amount(category, base) == (amount, rate)


@pytest.mark.parametrize("category", ["student", "unemployed", "relief"])
def test_flat_point_two_yuan(category):
    assert rules.monthly_amount(category) == (D("0.20"), None)


@pytest.mark.parametrize(
    ("fixed", "ok"), [(D("0.19"), False), (D("0.2"), True), (D("1"), True), (D("1.01"), False)]
)
def test_farmers_pay_between_point_two_and_one_yuan(fixed, ok):
    if ok:
        assert rules.monthly_amount("farmer", fixed=fixed)[0] == fixed.quantize(D("0.01"))
    else:
        with pytest.raises(ValueError, match="fixed"):
            rules.monthly_amount("farmer", fixed=fixed)


def test_a_thousand_yuan_voluntary_payment_goes_to_the_centre():
    assert not rules.goes_to_centre(D("999.99"))
    assert rules.goes_to_centre(D("1000"))
