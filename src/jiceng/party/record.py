"""Each member's yearly record (党员年度纪实): one page gathering what the member did in a year —
meetings attended, training hours, dues paid, liaison visits, in-service hours and appeals
handled — the evidence that democratic appraisal of members (民主评议党员) and evaluation use.

Each part of the platform answers for its own figures (`member_year_summary` in its queries);
this module only asks them and lays the answers out as sections of label/value rows.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from jiceng.party.models import LiaisonLink, LiaisonVisit, Member, VisitWay


@dataclass
class Section:
    key: str
    title: str
    rows: list[tuple[str, Any]] = field(default_factory=list)
    # Items listed under the figures (a meeting, a course, a visit), each a short line.
    items: list[str] = field(default_factory=list)


@dataclass
class YearRecord:
    member: Member
    year: int
    sections: list[Section]

    def as_dict(self) -> dict[str, Any]:
        return {
            "member_id": self.member.pk,
            "name": self.member.name,
            "year": self.year,
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "rows": [{"label": label, "value": _plain(value)} for label, value in s.rows],
                    "items": s.items,
                }
                for s in self.sections
            ],
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def liaison_section(member: Member, year: int) -> Section:
    first, last = _bounds(year)
    visits = LiaisonVisit.objects.filter(member=member, visited_on__range=(first, last))
    by_way = dict(visits.values_list("way").annotate(n=Count("id")).values_list("way", "n"))
    households = (
        LiaisonLink.objects.filter(member=member, started_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .count()
    )
    visited = visits.values("household_id").distinct().count()
    rows: list[tuple[str, Any]] = [
        (_("联系户数"), households),
        (_("走访次数"), sum(by_way.values())),
        (_("走访到的户数"), f"{visited} / {households}"),
    ]
    rows += [(str(label), by_way[way]) for way, label in VisitWay.choices if by_way.get(way)]
    items = [
        f"{v.visited_on:%m-%d} {v.household.address} {v.get_way_display()}：{v.summary}"
        for v in visits.select_related("household__building")[:20]
    ]
    return Section("liaison", _("联系服务群众"), rows, items)


def service_section(member: Member, year: int) -> Section:
    from jiceng.units.models import ServiceRecord

    first, last = _bounds(year)
    records = ServiceRecord.objects.filter(registration__member=member, served_on__range=(first, last))
    totals = records.aggregate(hours=Sum("hours"), days=Count("served_on", distinct=True))
    return Section(
        "service",
        _("在职党员社区服务"),
        [(_("服务天数"), totals["days"] or 0), (_("服务时长（小时）"), totals["hours"] or Decimal("0"))],
    )


def appeals_section(member: Member, year: int) -> Section:
    from jiceng.accounts.models import User
    from jiceng.appeals.models import Appeal

    handled = 0
    if member.resident_id is not None:
        users = User.objects.filter(resident_id=member.resident_id).values("pk")
        handled = Appeal.objects.filter(handler_id__in=users, handled_at__year=year).count()
    informed = Appeal.objects.filter(liaison_member=member, created_at__year=year).count()
    return Section(
        "appeals",
        _("诉求办理"),
        [(_("本人办结的诉求"), handled), (_("所联系住户提出的诉求"), informed)],
    )


# (key, title, module answering `member_year_summary(member, year)`, its adapter to rows).
Adapter = Callable[[dict[str, Any]], tuple[list[tuple[str, Any]], list[str]]]
PARTS: list[tuple[str, str, str, Adapter]] = []


def _part_section(key: str, title: str, module: str, adapt: Adapter, member: Member, year: int) -> Section:
    summary = import_module(module).member_year_summary(member, year)
    rows, items = adapt(summary)
    return Section(key, title, rows, items)


def year_record(member: Member, year: int) -> YearRecord:
    """The member's record of `year`; the caller has already checked that the user may see the member."""
    sections = [
        _part_section(key, str(title), module, adapt, member, year) for key, title, module, adapt in PARTS
    ]
    sections += [liaison_section(member, year), service_section(member, year), appeals_section(member, year)]
    return YearRecord(member, year, sections)
