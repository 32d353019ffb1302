"""Counting in Chinese working days. Every deadline in working days goes through here, never
through a raw `timedelta`; a computation never fails for a year without a schedule (it counts
weekends only, and `missing_years` tells the administrators).

Convention: a limit of N working days started at moment t ends at the same time of day on the
Nth working day after t's day; if t falls on a rest day, counting starts from the next working
day's beginning (so N days from a Saturday end at the end of the Nth working day after it).
"""

import datetime
from collections.abc import Iterable

from django.core.cache import cache

from jiceng.workdays.models import CalendarDay, CalendarYear, DayKind

_CACHE_SECONDS = 3600


def _cache_key(year: int) -> str:
    return f"workdays:{year}"


def year_days(year: int) -> dict[datetime.date, str]:
    """The year's special days (date → kind), cached until the calendar is edited."""
    key = _cache_key(year)
    days: dict[datetime.date, str] | None = cache.get(key)
    if days is None:
        days = dict(CalendarDay.objects.filter(date__year=year).values_list("date", "kind"))
        cache.set(key, days, _CACHE_SECONDS)
    return days


def forget(years: Iterable[int]) -> None:
    cache.delete_many([_cache_key(y) for y in set(years)])


def is_working_day(day: datetime.date) -> bool:
    kind = year_days(day.year).get(day)
    if kind == DayKind.HOLIDAY:
        return False
    if kind == DayKind.WORKDAY:
        return True
    return day.weekday() < 5


def next_working_day(day: datetime.date) -> datetime.date:
    """The first working day strictly after `day`."""
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The Nth working day after `day` (n ≥ 0; 0 gives `day` itself, or the next working day if
    `day` is a rest day)."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return day if is_working_day(day) else next_working_day(day)
    for _ in range(n):
        day = next_working_day(day)
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end ≤ start)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count


def due_after_working_days(start: datetime.datetime, n: int) -> datetime.datetime:
    """The moment a limit of `n` working days started at `start` runs out (see the module note)."""
    day = start.date()
    if is_working_day(day):
        return datetime.datetime.combine(add_working_days(day, n), start.timetz())
    last = add_working_days(day, n)
    return datetime.datetime.combine(last, datetime.time.max.replace(tzinfo=start.tzinfo))


def due_after(start: datetime.datetime, amount: int, unit: str) -> datetime.datetime:
    """A limit in "hours" (clock time) or "working_days"."""
    if unit == "hours":
        return start + datetime.timedelta(hours=amount)
    if unit == "working_days":
        return due_after_working_days(start, amount)
    raise ValueError(f"unknown unit {unit!r}")


def missing_years(years: Iterable[int]) -> list[int]:
    """Which of these years have no official schedule entered (counted with weekends only)."""
    wanted = set(years)
    known = set(CalendarYear.objects.filter(year__in=wanted, complete=True).values_list("year", flat=True))
    return sorted(wanted - known)
