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
from django.utils.translation import gettext_lazy as _l

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm
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


def _meetings(s: dict[str, Any]) -> tuple[list[tuple[str, Any]], list[str]]:
    rows = [
        (_("应参加会议"), s["total"]),
        (_("出席"), s["present"]),
        (_("请假"), s["leave"]),
        (_("缺席"), s["absent"]),
        (_("谈心谈话"), s["talks"]),
    ]
    items = [
        _("%(type)s：出席%(present)d/%(expected)d")
        % {"type": t, "present": c["present"], "expected": sum(c.values())}
        for t, c in s["by_type"].items()
    ]
    return rows, items


def _training(s: dict[str, Any]) -> tuple[list[tuple[str, Any]], list[str]]:
    rows = [
        (_("学时"), f"{s['hours']} / {s['required']}"),
        (_("“2+X”"), _("已完成") if s["two_plus_x"] else _("未完成")),
        (_("参加课次"), s["sessions"]),
    ]
    return rows, [f"{module}：{hours}" for module, hours in s["by_module"].items()]


def _dues(s: dict[str, Any]) -> tuple[list[tuple[str, Any]], list[str]]:
    rows = [
        (_("已交月数"), f"{s['months_paid']} / {s['months_due']}"),
        (_("已交党费（元）"), s["paid"]),
        (_("自愿多交（元）"), s["extra"]),
    ]
    items = [_("欠交：%(months)s") % {"months": "、".join(s["arrears"])}] if s["arrears"] else []
    return rows, items


def _birthday(s: dict[str, Any]) -> tuple[list[tuple[str, Any]], list[str]]:
    rows = [(_("党龄"), s["years"]), (_("重温入党誓词"), len(s["oath_activities"]))]
    return rows, [_("政治生日：%(day)s") % {"day": s["birthday"]}] if s["birthday"] else []


def _transfers(s: dict[str, Any]) -> tuple[list[tuple[str, Any]], list[str]]:
    return [(_("组织关系转接"), len(s["transfers"]))], [
        f"{t['direction']} {t['letter']} {t['status']}" for t in s["transfers"]
    ]


# Organisational life: shown to those who may see the member's organisational life (and to the
# member); the party chain's own sections below follow the member page's visibility.
PARTS: list[tuple[str, Any, str, Adapter]] = [
    ("meetings", _l("三会一课"), "jiceng.meetings.queries", _meetings),
    ("training", _l("学习培训"), "jiceng.training.queries", _training),
    ("dues", _l("党费"), "jiceng.dues.queries", _dues),
    ("birthdays", _l("政治生日"), "jiceng.birthdays.queries", _birthday),
    ("transfers", _l("组织关系"), "jiceng.transfers.queries", _transfers),
]


def _part_section(key: str, title: str, module: str, adapt: Adapter, member: Member, year: int) -> Section:
    summary = import_module(module).member_year_summary(member, year)
    rows, items = adapt(summary)
    return Section(key, title, rows, items)


def year_record(member: Member, year: int, user: Any = None) -> YearRecord:
    """The member's record of `year`; the caller has already checked that `user` may see the
    member. Organisational-life sections need orglife.view over the member (or being them)."""
    own = (
        user is not None
        and member.resident_id is not None
        and member.resident_id == getattr(user, "resident_id", None)
    )
    orglife = user is None or own or has_perm(user, Perm.ORGLIFE_VIEW, member)
    sections = (
        [_part_section(key, str(title), module, adapt, member, year) for key, title, module, adapt in PARTS]
        if orglife
        else []
    )
    sections += [liaison_section(member, year), service_section(member, year), appeals_section(member, year)]
    return YearRecord(member, year, sections)
