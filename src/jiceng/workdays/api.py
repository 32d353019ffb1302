"""The working-day calendar under /api/v1/workdays/: read by anyone signed in, so that
integrations compute the same deadlines."""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from jiceng.workdays import calendar
from jiceng.workdays.models import CalendarDay, CalendarYear

router = Router(tags=["workdays"])


class DayOut(Schema):
    date: datetime.date
    kind: str
    name: str


class YearOut(Schema):
    year: int
    complete: bool
    days: list[DayOut]


class DueOut(Schema):
    start: datetime.datetime
    amount: int
    unit: str
    due: datetime.datetime
    counted_without_schedule: list[int]


@router.get("/years/{year}", response=YearOut)
def year(request: HttpRequest, year: int) -> YearOut:
    row = CalendarYear.objects.filter(year=year).first()
    days = [
        DayOut(date=d.date, kind=d.kind, name=d.name) for d in CalendarDay.objects.filter(date__year=year)
    ]
    return YearOut(year=year, complete=bool(row and row.complete), days=days)


@router.get("/due", response=DueOut)
def due(
    request: HttpRequest, start: datetime.datetime | None = None, amount: int = 1, unit: str = "working_days"
) -> DueOut:
    """When a limit of `amount` hours or working days started at `start` (default: now) runs out."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    start = start or timezone.localtime()
    if unit not in ("hours", "working_days") or not 0 <= amount <= 1000:
        raise ValidationError({"unit": "unit: hours | working_days; amount 0–1000 / 单位应为小时或工作日"})
    result = calendar.due_after(start, amount, unit)
    return DueOut(
        start=start,
        amount=amount,
        unit=unit,
        due=result,
        counted_without_schedule=calendar.missing_years(range(start.year, result.year + 1)),
    )
