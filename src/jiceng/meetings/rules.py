"""三会一课 and the other organisational-life meetings: which an organisation must hold, how often.

《中国共产党支部工作条例（试行）》(2018) 第十九条 and DOMAIN.md: a branch holds a branch general
meeting at least once a quarter (quorum: more than half of the members with voting rights), its
committee meets at least monthly, party groups meet at least monthly, a party lecture is given at
least quarterly (and each secretary gives at least one a year), a theme party day is held monthly,
and an organisational-life meeting, the democratic appraisal of members and a heart-to-heart talk
with each member are held at least yearly.

Which types apply depends on the organisation:
- a branch (党支部) holds the general meeting, lectures, theme days, the organisational-life
  meeting and the appraisal; committee meetings only when it has elected a committee (7 or more
  full members elect 3 to 5 members; a smaller branch has a secretary alone, 第十五条);
- a party group (党小组) holds its group meeting monthly;
- a party committee or general branch (党委、党总支) holds its committee meeting monthly; its
  members' meetings are held by the branches below it.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.party.models import OrgKind


class MeetingType(models.TextChoices):
    GENERAL = "general", _("支部党员大会")
    COMMITTEE = "committee", _("支部委员会")
    GROUP = "group", _("党小组会")
    LECTURE = "lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    ORG_LIFE = "org_life", _("组织生活会")
    APPRAISAL = "appraisal", _("民主评议党员")


class Period(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


# At least one meeting of the type in each period.
FREQUENCY: dict[str, str] = {
    MeetingType.GENERAL: Period.QUARTER,
    MeetingType.COMMITTEE: Period.MONTH,
    MeetingType.GROUP: Period.MONTH,
    MeetingType.LECTURE: Period.QUARTER,
    MeetingType.THEME_DAY: Period.MONTH,
    MeetingType.ORG_LIFE: Period.YEAR,
    MeetingType.APPRAISAL: Period.YEAR,
}
# Besides the meetings: each branch secretary gives at least one party lecture a year
# (支部工作条例 第十九条), counted from lectures marked as given by the secretary.
SECRETARY_LECTURE = "secretary_lecture"
# And a heart-to-heart talk (谈心谈话) with each member at least once a year (DOMAIN.md; 关于新形势下
# 党内政治生活的若干准则): required of an organisation that has members of its own (directly or in
# its party groups), met when every one of them had a talk this year.
TALKS = "talks"
REQUIREMENT_LABELS = {SECRETARY_LECTURE: _("书记讲党课"), TALKS: _("谈心谈话")}


def requirement_label(key: str) -> str:
    return str(REQUIREMENT_LABELS.get(key) or MeetingType(key).label)


# A committee has at least three members (支部工作条例 第十五条: 3 to 5, at most 7).
COMMITTEE_MIN_SEATS = 3
# Meetings every member of the organisation (and of its groups) is expected at.
ALL_MEMBERS = frozenset(
    {
        MeetingType.GENERAL,
        MeetingType.LECTURE,
        MeetingType.THEME_DAY,
        MeetingType.ORG_LIFE,
        MeetingType.APPRAISAL,
    }
)
# Sign-in by QR code is open from this long before the start until this long after it.
SIGN_IN_OPENS = datetime.timedelta(hours=1)
SIGN_IN_CLOSES = datetime.timedelta(hours=4)


def required_types(kind: str, has_committee: bool) -> list[str]:
    """The meeting types an organisation of `kind` must hold, in the register's order."""
    if kind == OrgKind.BRANCH:
        types = [MeetingType.GENERAL, MeetingType.COMMITTEE] if has_committee else [MeetingType.GENERAL]
        return [
            *types,
            MeetingType.LECTURE,
            MeetingType.THEME_DAY,
            MeetingType.ORG_LIFE,
            MeetingType.APPRAISAL,
        ]
    if kind == OrgKind.GROUP:
        return [MeetingType.GROUP]
    return [MeetingType.COMMITTEE]


@dataclass(frozen=True)
class Span:
    """One period of a frequency: its key (2026-11, 2026-Q4, 2026), first and last day."""

    key: str
    first: datetime.date
    last: datetime.date


def span_of(period: str, day: datetime.date) -> Span:
    if period == Period.MONTH:
        first = day.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        return Span(f"{day:%Y-%m}", first, following - datetime.timedelta(days=1))
    if period == Period.QUARTER:
        q = (day.month - 1) // 3
        first = datetime.date(day.year, 3 * q + 1, 1)
        following = datetime.date(day.year + (q == 3), (3 * q + 3) % 12 + 1, 1)
        return Span(f"{day.year}-Q{q + 1}", first, following - datetime.timedelta(days=1))
    return Span(str(day.year), datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))


def spans_of_year(period: str, year: int) -> list[Span]:
    """Every period of `year`, in order."""
    spans: list[Span] = []
    day = datetime.date(year, 1, 1)
    while day.year == year:
        span = span_of(period, day)
        spans.append(span)
        day = span.last + datetime.timedelta(days=1)
    return spans


def quorum_reached(present_voting: int, voting: int) -> bool:
    """A branch general meeting needs more than half of the members with voting rights (full
    members; probationary members have none) present (支部工作条例 第十九条)."""
    return voting > 0 and present_voting * 2 > voting
