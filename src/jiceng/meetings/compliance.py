"""The compliance board: for each organisation, the meetings required against those held this
month, this quarter and this year, and the periods already past without one (overdue).

The board counts in the database: one grouped query over the year's held meetings gives, per
organisation and type, the distinct past months and quarters that had one and whether the
current month, quarter and year have one — about five rows per organisation, so a district's
thousands of organisations cost one query, not one per organisation. The detail of one
organisation (which periods were missed) reads the distinct months of its meetings. A general
meeting without its quorum does not count. Heart-to-heart talks are counted the same way: active
members per organisation and those with a talk this year, two grouped queries.
"""

import datetime
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, TruncMonth, TruncQuarter
from django.utils import timezone

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import scope_for
from jiceng.meetings import rules
from jiceng.meetings.models import Meeting, Status, Talk
from jiceng.meetings.rules import MeetingType, Period
from jiceng.party.models import CommitteeSeat, Member, Organisation, OrgKind

T = TypeVar("T")


@dataclass
class TypeStatus:
    meeting_type: str
    period: str
    required: int  # periods of the year so far (the current one included)
    met: int  # of those, periods with a meeting held
    current_done: bool
    overdue_count: int = 0  # past periods of the year without one
    overdue: list[str] = field(default_factory=list)  # their keys (detail only)
    # Talks: (members talked with this year, members); a meeting type has none.
    progress: tuple[int, int] | None = None

    @property
    def label(self) -> str:
        return rules.requirement_label(self.meeting_type)


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
        return sum(t.overdue_count for t in self.types)


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
    """Every active organisation `user` may see (under `area` if given), in chain order, with
    counts per type (the missed periods' keys are left out: see `evaluate`)."""
    orgs_qs = Organisation.objects.visible_to(user, Perm.ORGLIFE_VIEW).filter(active=True)
    if area:
        orgs_qs = orgs_qs.filter(area_code__startswith=area)
    orgs = list(orgs_qs.order_by("path").values(*ORG_FIELDS))
    if not orgs:
        return []
    tz = timezone.get_current_timezone()
    year_start = datetime.datetime(today.year, 1, 1, tzinfo=tz)
    month_start = datetime.datetime(today.year, today.month, 1, tzinfo=tz)
    quarter = (today.month - 1) // 3
    quarter_start = datetime.datetime(today.year, 3 * quarter + 1, 1, tzinfo=tz)
    counts = {
        (r["organisation_id"], r["meeting_type"]): r
        for r in _held(today)
        .filter(organisation__in=orgs_qs.values("pk"))
        .filter(starts_at__gte=year_start)
        .values("organisation_id", "meeting_type")
        .annotate(
            past_months=Count(TruncMonth("starts_at"), distinct=True, filter=Q(starts_at__lt=month_start)),
            past_quarters=Count(
                TruncQuarter("starts_at"), distinct=True, filter=Q(starts_at__lt=quarter_start)
            ),
            this_month=Count("id", filter=Q(starts_at__gte=month_start)),
            this_quarter=Count("id", filter=Q(starts_at__gte=quarter_start)),
            this_year=Count("id"),
            by_secretary=Count("id", filter=Q(by_secretary=True)),
        )
    }
    committees = _committees_in(orgs_qs)
    talks = _talk_coverage(orgs, Q(organisation__in=orgs_qs.values("pk")), today.year)
    empty = {"past_months": 0, "past_quarters": 0, "this_month": 0, "this_quarter": 0, "this_year": 0}
    result = []
    for org in orgs:
        types = []
        for meeting_type in rules.required_types(org["kind"], org["id"] in committees):
            period = rules.FREQUENCY[meeting_type]
            c = counts.get((org["id"], meeting_type), empty)
            if period == Period.MONTH:
                past, done, elapsed = c["past_months"], c["this_month"] > 0, today.month
            elif period == Period.QUARTER:
                past, done, elapsed = c["past_quarters"], c["this_quarter"] > 0, quarter + 1
            else:
                past, done, elapsed = 0, c["this_year"] > 0, 1
            types.append(
                TypeStatus(meeting_type, period, elapsed, past + done, done, overdue_count=elapsed - 1 - past)
            )
        if org["kind"] == OrgKind.BRANCH:
            given = counts.get((org["id"], MeetingType.LECTURE), empty).get("by_secretary", 0) > 0
            types.append(TypeStatus(rules.SECRETARY_LECTURE, Period.YEAR, 1, int(given), given))
        _add_talks(types, talks.get(org["id"]))
        result.append(OrgCompliance(org["id"], org["name"], org["area_code"], org["path"], types))
    return result


def _talk_coverage(orgs: list[dict[str, Any]], members_q: Q, year: int) -> dict[int, tuple[int, int]]:
    """(members talked with in `year`, active members) of each organisation of `orgs` that is not
    a party group, its groups' members counted with it; `members_q` selects the members' rows."""
    holders = {o["id"] for o in orgs if o["kind"] != OrgKind.GROUP}
    paths = {o["id"]: o["path"] for o in orgs}

    def holder(org_id: int) -> int | None:
        # The organisation itself, or the nearest one above a party group.
        path = paths.get(org_id)
        if path is None:
            return None
        for pk in reversed([int(p) for p in path.strip("/").split("/")]):
            if pk in holders:
                return pk
        return None

    counts: dict[int, list[int]] = {}
    members = Member.objects.filter(members_q, active=True).values("organisation_id").annotate(n=Count("id"))
    for row in members:
        pk = holder(row["organisation_id"])
        if pk is not None:
            counts.setdefault(pk, [0, 0])[1] += row["n"]
    talked = (
        Talk.objects.filter(
            talked_on__year=year, member__active=True, member__in=Member.objects.filter(members_q)
        )
        .values("member__organisation_id")
        .annotate(n=Count("member_id", distinct=True))
    )
    for talk_row in talked:
        pk = holder(talk_row["member__organisation_id"])
        if pk is not None and pk in counts:
            counts[pk][0] += talk_row["n"]
    return {pk: (done, total) for pk, (done, total) in counts.items() if total}


def _add_talks(types: list[TypeStatus], coverage: tuple[int, int] | None) -> None:
    if coverage is not None:
        done = coverage[0] >= coverage[1]
        types.append(TypeStatus(rules.TALKS, Period.YEAR, 1, int(done), done, progress=coverage))


def _held(today: datetime.date) -> Any:
    """This year's held meetings that count (a general meeting only with its quorum)."""
    return Meeting.objects.filter(status=Status.HELD, starts_at__year=today.year).filter(
        ~Q(meeting_type=MeetingType.GENERAL) | Q(quorum_reached=True)
    )


def _committees_in(orgs_qs: Any) -> set[int]:
    rows = (
        CommitteeSeat.objects.filter(term__organisation__in=orgs_qs.values("pk"), term__ended_on__isnull=True)
        .values("term__organisation_id")
        .annotate(n=Count("id"))
        .filter(n__gte=rules.COMMITTEE_MIN_SEATS)
    )
    return {r["term__organisation_id"] for r in rows}


ORG_FIELDS = ("id", "name", "kind", "area_code", "path")


def evaluate(orgs: list[dict[str, Any]], today: datetime.date) -> list[OrgCompliance]:
    """The compliance of organisations given as rows of ORG_FIELDS, with the keys of the
    periods they missed (for one organisation's page and the worker's warnings)."""
    if not orgs:
        return []
    ids = [o["id"] for o in orgs]
    committees = _committees(ids)
    # Which months of the year had a meeting of each organisation and type: at most 12 rows each.
    done: dict[tuple[int, str], set[str]] = defaultdict(set)
    for row in (
        _held(today)
        .filter(organisation_id__in=ids)
        .annotate(month=ExtractMonth("starts_at"))
        .values_list("organisation_id", "meeting_type", "month")
        .distinct()
    ):
        org_id, meeting_type, month = row
        day = datetime.date(today.year, month, 1)
        done[(org_id, meeting_type)].add(rules.span_of(rules.FREQUENCY[meeting_type], day).key)
    by_secretary = set(
        _held(today)
        .filter(organisation_id__in=ids, meeting_type=MeetingType.LECTURE, by_secretary=True)
        .values_list("organisation_id", flat=True)
    )
    spans = {period: _elapsed(period, today) for period in Period.values}
    # The members of these organisations and of the groups below them.
    if len(orgs) <= 20:
        below, members_below = Q(pk__in=[]), Q(pk__in=[])
        for o in orgs:
            below |= Q(path__startswith=o["path"])
            members_below |= Q(organisation__path__startswith=o["path"])
        known = {o["id"] for o in orgs}
        subtree = [
            o
            for o in Organisation.objects.filter(below, active=True).values(*ORG_FIELDS)
            if o["id"] not in known
        ]
        talks = _talk_coverage([*orgs, *subtree], members_below, today.year)
    else:
        talks = _talk_coverage(orgs, Q(organisation_id__in=ids), today.year)
    result = []
    for org in orgs:
        types = []
        for meeting_type in rules.required_types(org["kind"], org["id"] in committees):
            period = rules.FREQUENCY[meeting_type]
            met_keys = done.get((org["id"], meeting_type), set())
            elapsed = spans[period]
            current = elapsed[-1]
            missed = [s.key for s in elapsed[:-1] if s.key not in met_keys]
            types.append(
                TypeStatus(
                    meeting_type=meeting_type,
                    period=period,
                    required=len(elapsed),
                    met=sum(1 for s in elapsed if s.key in met_keys),
                    current_done=current.key in met_keys,
                    overdue_count=len(missed),
                    overdue=missed,
                )
            )
        if org["kind"] == OrgKind.BRANCH:
            given = org["id"] in by_secretary
            types.append(TypeStatus(rules.SECRETARY_LECTURE, Period.YEAR, 1, int(given), given))
        _add_talks(types, talks.get(org["id"]))
        result.append(OrgCompliance(org["id"], org["name"], org["area_code"], org["path"], types))
    return result


def organisation_compliance(
    organisation: Organisation, today: datetime.date, user: Any
) -> OrgCompliance | None:
    """One organisation's compliance with its missed periods (the caller checked it may be seen)."""
    rows = evaluate([{f: getattr(organisation, f if f != "id" else "pk") for f in ORG_FIELDS}], today)
    return rows[0] if rows else None


# The board of a scope is kept this long, and dropped whenever a meeting is recorded as held,
# cancelled or imported (invalidate_boards); an election that gives a branch its committee shows
# at the latest after this long.
BOARD_CACHE_SECONDS = 120
_VERSION_KEY = "meetings:board:version"


def invalidate_boards() -> None:
    """Forget every cached board, now and again after the commit."""

    def bump() -> None:
        cache.set(_VERSION_KEY, time.time_ns(), None)

    bump()
    transaction.on_commit(bump)


def cached_board(
    user: Any, today: datetime.date, area: str, shape: Callable[[list[OrgCompliance]], T], name: str
) -> T:
    """`shape(board(...))` for the user's scope, from the cache when nothing changed since."""
    scope = scope_for(user, Perm.ORGLIFE_VIEW)
    fingerprint = hashlib.sha1(
        repr((scope.area_codes, scope.org_paths, scope.resident_id)).encode()
    ).hexdigest()
    key = f"meetings:board:{cache.get(_VERSION_KEY, 0)}:{today}:{fingerprint}:{area}:{name}"
    value = cache.get(key)
    if value is None:
        value = shape(board(user, today, area))
        cache.set(key, value, BOARD_CACHE_SECONDS)
    return value


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
