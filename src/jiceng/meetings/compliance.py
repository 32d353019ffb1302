"""The compliance board: for each organisation, the meetings required against those held this
month, this quarter and this year, and the periods already past without one (overdue).

Counted with one query over the year's held meetings (the distinct organisation × type × month
that had one), so a district's thousands of organisations cost one query, not one per
organisation. A general meeting without its quorum does not count.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth

from jiceng.accounts.roles import Perm
from jiceng.meetings import rules
from jiceng.meetings.models import Meeting, Status
from jiceng.meetings.rules import MeetingType, Period
from jiceng.party.models import CommitteeSeat, Organisation


@dataclass
class TypeStatus:
    meeting_type: str
    period: str
    required: int  # periods of the year so far (the current one included)
    met: int  # of those, periods with a meeting held
    current_done: bool
    overdue: list[str] = field(default_factory=list)  # keys of past periods without one

    @property
    def label(self) -> str:
        return str(MeetingType(self.meeting_type).label)


@dataclass
class OrgCompliance:
    organisation_id: int
    name: str
    area_code: str
    path: str
    types: list[TypeStatus]

    def _count(self, period: str) -> tuple[int, int]:
        due = [t for t in self.types if t.period == period]
        return sum(t.current_done for t in due), len(due)

    @property
    def month(self) -> tuple[int, int]:
        return self._count(Period.MONTH)

    @property
    def quarter(self) -> tuple[int, int]:
        return self._count(Period.QUARTER)

    @property
    def year(self) -> tuple[int, int]:
        return sum(t.met for t in self.types), sum(t.required for t in self.types)

    @property
    def overdue(self) -> int:
        return sum(len(t.overdue) for t in self.types)


def _elapsed(period: str, today: datetime.date) -> list[rules.Span]:
    return [s for s in rules.spans_of_year(period, today.year) if s.first <= today]


def _committees(org_ids: list[int]) -> set[int]:
    rows = (
        CommitteeSeat.objects.filter(term__organisation_id__in=org_ids, term__ended_on__isnull=True)
        .values("term__organisation_id")
        .annotate(n=Count("id"))
        .filter(n__gte=rules.COMMITTEE_MIN_SEATS)
    )
    return {r["term__organisation_id"] for r in rows}


def board(user: Any, today: datetime.date, area: str = "") -> list[OrgCompliance]:
    """Every active organisation `user` may see (under `area` if given), in chain order."""
    orgs_qs = Organisation.objects.visible_to(user, Perm.ORGLIFE_VIEW).filter(active=True)
    if area:
        orgs_qs = orgs_qs.filter(area_code__startswith=area)
    return evaluate(list(orgs_qs.order_by("path").values(*ORG_FIELDS)), today)


ORG_FIELDS = ("id", "name", "kind", "area_code", "path")


def evaluate(orgs: list[dict[str, Any]], today: datetime.date) -> list[OrgCompliance]:
    """The compliance of organisations given as rows of ORG_FIELDS."""
    if not orgs:
        return []
    ids = [o["id"] for o in orgs]
    committees = _committees(ids)
    # Which months of the year had a meeting of each organisation and type: at most 12 rows each.
    done: dict[tuple[int, str], set[str]] = defaultdict(set)
    for row in (
        Meeting.objects.filter(organisation_id__in=ids, status=Status.HELD, starts_at__year=today.year)
        .filter(~Q(meeting_type=MeetingType.GENERAL) | Q(quorum_reached=True))
        .annotate(month=ExtractMonth("starts_at"))
        .values_list("organisation_id", "meeting_type", "month")
        .distinct()
    ):
        org_id, meeting_type, month = row
        day = datetime.date(today.year, month, 1)
        done[(org_id, meeting_type)].add(rules.span_of(rules.FREQUENCY[meeting_type], day).key)
    spans = {period: _elapsed(period, today) for period in Period.values}
    result = []
    for org in orgs:
        types = []
        for meeting_type in rules.required_types(org["kind"], org["id"] in committees):
            period = rules.FREQUENCY[meeting_type]
            met_keys = done.get((org["id"], meeting_type), set())
            elapsed = spans[period]
            current = elapsed[-1]
            types.append(
                TypeStatus(
                    meeting_type=meeting_type,
                    period=period,
                    required=len(elapsed),
                    met=sum(1 for s in elapsed if s.key in met_keys),
                    current_done=current.key in met_keys,
                    overdue=[s.key for s in elapsed[:-1] if s.key not in met_keys],
                )
            )
        result.append(OrgCompliance(org["id"], org["name"], org["area_code"], org["path"], types))
    return result


def organisation_compliance(
    organisation: Organisation, today: datetime.date, user: Any
) -> OrgCompliance | None:
    rows = [r for r in board(user, today, organisation.area_code) if r.organisation_id == organisation.pk]
    return rows[0] if rows else None


@dataclass
class AreaCompliance:
    code: str
    name: str
    organisations: int
    month: tuple[int, int]
    quarter: tuple[int, int]
    year: tuple[int, int]
    overdue: int
    behind: int  # organisations with anything overdue


def by_area(rows: list[OrgCompliance], area: str) -> list[AreaCompliance]:
    """The organisations' compliance summed per area one level below `area` (or the widest
    areas present), for a street's or a district's board."""
    from jiceng.territory.models import Area

    codes = sorted({r.area_code for r in rows})
    length = next((n for n in (6, 9, 12, 15) if n > len(area) and all(len(c) >= n for c in codes)), 15)
    if not area:
        # Start from the widest level where the scope splits into more than one area.
        for n in (6, 9, 12, 15):
            if len({c[:n] for c in codes}) > 1:
                length = n
                break
    sums: dict[str, list[int]] = {}
    for r in rows:
        key = r.area_code[:length]
        acc = sums.setdefault(key, [0] * 9)
        for i, (a, b) in enumerate((r.month, r.quarter, r.year)):
            acc[2 * i] += a
            acc[2 * i + 1] += b
        acc[6] += r.overdue
        acc[7] += 1
        acc[8] += 1 if r.overdue else 0
    names = dict(Area.objects.filter(code__in=list(sums)).values_list("code", "name"))
    return [
        AreaCompliance(
            code=code,
            name=names.get(code, code),
            organisations=acc[7],
            month=(acc[0], acc[1]),
            quarter=(acc[2], acc[3]),
            year=(acc[4], acc[5]),
            overdue=acc[6],
            behind=acc[8],
        )
        for code, acc in sorted(sums.items())
    ]
