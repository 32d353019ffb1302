"""Political birthdays (政治生日): the anniversary of each member's joining the party."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from jiceng.accounts.roles import Perm
from jiceng.birthdays.models import OathActivity
from jiceng.party.models import Member


def anniversary(joined_on: datetime.date, year: int) -> datetime.date:
    """The joining day in `year`; 29 February falls on 28 February in other years."""
    try:
        return joined_on.replace(year=year)
    except ValueError:
        return datetime.date(year, 2, 28)


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


@dataclass
class Birthday:
    member: Member
    on: datetime.date

    @property
    def years(self) -> int:
        return self.on.year - self.member.joined_on.year


def _days_q(first: datetime.date, last: datetime.date) -> Q:
    q = Q(pk__in=[])
    day = first
    while day <= last:
        q |= Q(joined_on__month=day.month, joined_on__day=day.day)
        if day.month == 2 and day.day == 28 and day.year % 4 != 0:
            q |= Q(joined_on__month=2, joined_on__day=29)
        day += datetime.timedelta(days=1)
    return q


def birthdays(members: QuerySet[Member], first: datetime.date, last: datetime.date) -> list[Birthday]:
    """Active members whose anniversary falls between two days (at most a year apart), by date;
    a member who joined this year has no birthday yet."""
    rows = members.filter(active=True).filter(_days_q(first, last)).select_related("organisation")
    found = []
    for m in rows:
        for year in {first.year, last.year}:
            on = anniversary(m.joined_on, year)
            if first <= on <= last and on.year > m.joined_on.year:
                found.append(Birthday(m, on))
    return sorted(found, key=lambda b: (b.on, b.member.name))


def in_scope(user: Any) -> QuerySet[Member]:
    return Member.objects.visible_to(user, Perm.ORGLIFE_VIEW)


def member_year_summary(member: Member, year: int) -> dict[str, Any]:
    return {
        "birthday": anniversary(member.joined_on, year) if year > member.joined_on.year else None,
        "years": year - member.joined_on.year,
        "oath_activities": list(
            OathActivity.objects.filter(members=member, held_on__year=year).values_list("held_on", flat=True)
        ),
    }
