"""Calendar arithmetic for the limits in national rules ("within one month", "one year")."""

import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; a day the month lacks (31 January + 1 month) becomes the
    first day of the month after, so "within N months" never ends early."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return datetime.date(year + (month == 12), month % 12 + 1, 1)


def add_years(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, 12 * years)
