"""The measures of Beijing's 12345 assessment, for any area, category and period:

- response rate 响应率: of the appeals dispatched in the period, the share taken up (started or
  handled) within the response limit;
- resolution rate 解决率: of the appeals dispatched in the period, the share closed and not
  rated "dissatisfied";
- satisfaction rate 满意率: of the appeals rated in the period, the share rated satisfied or
  basically satisfied;
- average time to resolve: dispatch to closure, less paused time, over appeals closed in the
  period;
- overdue: appeals open now past their resolution limit.

Grouped queries, one per measure set, whatever the number of groups; `group` is an area level
(child areas by code prefix) or "category".
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from jiceng.appeals.models import OPEN_STATUSES, Appeal, AppealKind, Category, Rating, Status


@dataclass(frozen=True)
class Period:
    since: datetime.datetime
    until: datetime.datetime

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        tz = timezone.get_current_timezone()
        start = datetime.datetime(year, month, 1, tzinfo=tz)
        end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
        return cls(start, end)


@dataclass
class Measures:
    key: str = ""
    label: str = ""
    dispatched: int = 0
    responded_in_time: int = 0
    resolved: int = 0
    rated: int = 0
    satisfied: int = 0
    closed: int = 0
    average_hours: float | None = None
    overdue: int = 0

    @property
    def response_rate(self) -> float | None:
        return self.responded_in_time / self.dispatched if self.dispatched else None

    @property
    def resolution_rate(self) -> float | None:
        return self.resolved / self.dispatched if self.dispatched else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def _group_expression(group: str) -> Any:
    if group == "category":
        return F("category_id")
    return Substr("area_code", 1, int(group))


def measures(appeals: QuerySet[Appeal], period: Period, group: str | None = None) -> list[Measures]:
    """Measures of these appeals (already scoped to what the user may see), in total or by
    `group`: "category" or the length of an area code (9 streets, 12 communities, 15 grids)."""
    appeals = appeals.filter(kind=AppealKind.APPEAL)
    key = _group_expression(group) if group else None
    results: dict[Any, Measures] = {}

    def bucket(value: Any) -> Measures:
        return results.setdefault(value, Measures(key=str(value) if value is not None else ""))

    def grouped(qs: QuerySet[Appeal]) -> QuerySet[Any]:
        return qs.annotate(g=key).values("g") if key is not None else qs.annotate(g=F("kind")).values("g")

    dispatched = appeals.filter(dispatched_at__gte=period.since, dispatched_at__lt=period.until)
    for row in (
        grouped(dispatched)
        .annotate(
            n=Count("id"),
            in_time=Count("id", filter=Q(responded_at__isnull=False, responded_at__lte=F("response_due"))),
            resolved=Count("id", filter=Q(status=Status.CLOSED) & ~Q(rating=Rating.DISSATISFIED)),
        )
        .order_by()
    ):
        entry = bucket(row["g"] if key is not None else None)
        entry.dispatched, entry.responded_in_time, entry.resolved = row["n"], row["in_time"], row["resolved"]
    rated = appeals.filter(rated_at__gte=period.since, rated_at__lt=period.until)
    for row in (
        grouped(rated)
        .annotate(n=Count("id"), good=Count("id", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY])))
        .order_by()
    ):
        entry = bucket(row["g"] if key is not None else None)
        entry.rated, entry.satisfied = row["n"], row["good"]
    duration = ExpressionWrapper(F("closed_at") - F("dispatched_at"), output_field=DurationField())
    closed = appeals.filter(
        status=Status.CLOSED,
        closed_at__gte=period.since,
        closed_at__lt=period.until,
        dispatched_at__isnull=False,
    )
    for row in (
        grouped(closed).annotate(n=Count("id"), spent=Avg(duration), paused=Avg("paused_seconds")).order_by()
    ):
        entry = bucket(row["g"] if key is not None else None)
        entry.closed = row["n"]
        spent = row["spent"]
        if spent is not None:
            seconds = (
                spent.total_seconds() if isinstance(spent, datetime.timedelta) else float(spent) / 1_000_000
            )
            entry.average_hours = max(0.0, (seconds - float(row["paused"] or 0)) / 3600)
    now = timezone.now()
    overdue = appeals.filter(status__in=OPEN_STATUSES, resolution_due__lt=now, paused_at__isnull=True)
    for row in grouped(overdue).annotate(n=Count("id")).order_by():
        bucket(row["g"] if key is not None else None).overdue = row["n"]
    if group == "category":
        names = dict(Category.objects.filter(pk__in=[k for k in results if k]).values_list("pk", "name"))
        for pk, entry in results.items():
            entry.label = names.get(pk, "")
    return sorted(results.values(), key=lambda m: m.key)


def total_of(rows: list[Measures]) -> Measures:
    """The sum of grouped measures (each appeal is in one group): the average time to resolve is
    weighted by the appeals closed in each group."""
    total = Measures()
    hours = 0.0
    for m in rows:
        for name in (
            "dispatched",
            "responded_in_time",
            "resolved",
            "rated",
            "satisfied",
            "closed",
            "overdue",
        ):
            setattr(total, name, getattr(total, name) + getattr(m, name))
        if m.average_hours is not None:
            hours += m.average_hours * m.closed
    timed = sum(m.closed for m in rows if m.average_hours is not None)
    total.average_hours = hours / timed if timed else None
    return total


@dataclass(frozen=True)
class Trend:
    name: str
    this_period: int
    last_period: int

    @property
    def rise(self) -> int:
        return self.this_period - self.last_period


def hot_issues(
    appeals: QuerySet[Appeal], this: Period, last: Period, top: int = 10
) -> tuple[list[Trend], list[Trend]]:
    """Categories and keywords rising this period against the last, most risen first."""

    def category_counts(period: Period) -> Counter[str]:
        rows = (
            appeals.filter(created_at__gte=period.since, created_at__lt=period.until)
            .values_list("category__name")
            .annotate(n=Count("id"))
            .order_by()
        )
        return Counter(dict(rows))

    def keyword_counts(period: Period) -> Counter[str]:
        words: Counter[str] = Counter()
        for text in (
            appeals.filter(created_at__gte=period.since, created_at__lt=period.until)
            .order_by()
            .values_list("keywords", flat=True)
            .iterator(chunk_size=5000)
        ):
            words.update(set(text.split()))
        return words

    def rising(now: Counter[str], before: Counter[str]) -> list[Trend]:
        trends = [Trend(name, now[name], before.get(name, 0)) for name in now]
        trends = [t for t in trends if t.rise > 0]
        return sorted(trends, key=lambda t: (-t.rise, -t.this_period, t.name))[:top]

    return (
        rising(category_counts(this), category_counts(last)),
        rising(keyword_counts(this), keyword_counts(last)),
    )
