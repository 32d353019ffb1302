"""Reading dues: the monthly ledger, arrears, the collection report and a member's year."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max, Sum

from jiceng.common.dates import add_months
from jiceng.dues import rules
from jiceng.dues.models import Assessment, ExtraPayment, Payment
from jiceng.dues.services import first_month, month_start, months_between
from jiceng.party.models import Member, Organisation

# How far back arrears are looked for.
LOOKBACK_MONTHS = 24


@dataclass
class MemberMonth:
    member: Member
    due: Decimal | None
    paid: Payment | None
    arrears: list[datetime.date] = field(default_factory=list)  # unpaid months before this one

    @property
    def flagged(self) -> bool:
        """Six consecutive months unpaid (党章 第九条: 连续六个月不交纳党费 … 按自行脱党处理)."""
        return _consecutive(self.arrears) >= rules.ARREARS_MONTHS


def _consecutive(arrears: list[datetime.date]) -> int:
    """Unpaid months in a row up to the latest one."""
    if not arrears:
        return 0
    run, expected = 0, arrears[-1]
    for month in reversed(arrears):
        if month != expected:
            break
        run += 1
        expected = add_months(expected, -1)
    return run


def _assessments(members: list[Member]) -> dict[int, list[Assessment]]:
    rows: dict[int, list[Assessment]] = defaultdict(list)
    for a in Assessment.objects.filter(member__in=members).order_by("effective_from", "id"):
        rows[a.member_id].append(a)
    return rows


def _due(assessments: list[Assessment], member: Member, month: datetime.date) -> Decimal | None:
    if month < first_month(member):
        return None
    current = None
    for a in assessments:
        if a.effective_from <= month:
            current = a
    return current.due if current is not None else None


def ledger(members: list[Member], month: datetime.date, today: datetime.date) -> list[MemberMonth]:
    """One month's line per member: due, paid, and the months unpaid before it (arrears count
    months that have ended, up to `today`)."""
    month = month_start(month)
    assessments = _assessments(members)
    start = add_months(month, -LOOKBACK_MONTHS)
    last_closed = min(add_months(month_start(today), -1), add_months(month, -1))
    paid: dict[tuple[int, datetime.date], Payment] = {
        (p.member_id, p.month): p
        for p in Payment.objects.filter(member__in=members, month__gte=start, month__lte=month)
    }
    lines = []
    for m in members:
        arrears = (
            [
                mo
                for mo in months_between(max(start, first_month(m)), last_closed)
                if (m.pk, mo) not in paid and _due(assessments[m.pk], m, mo) is not None
            ]
            if last_closed >= start
            else []
        )
        lines.append(MemberMonth(m, _due(assessments[m.pk], m, month), paid.get((m.pk, month)), arrears))
    return lines


def members_of(organisation: Organisation) -> list[Member]:
    return list(
        Member.objects.filter(active=True, organisation__path__startswith=organisation.path)
        .select_related("organisation")
        .order_by("organisation__path", "name")
    )


@dataclass
class Collection:
    organisation: Organisation
    members: int
    due: Decimal
    collected: Decimal
    extra: Decimal
    to_centre: Decimal
    in_arrears: list[MemberMonth]

    @property
    def rate(self) -> float | None:
        return float(self.collected / self.due) if self.due else None


def collection(
    organisation: Organisation, first: datetime.date, last: datetime.date, today: datetime.date
) -> Collection:
    """The collection report of an organisation (and those below it) for the months from
    `first` to `last`: due, collected, voluntary payments and who is in arrears."""
    members = members_of(organisation)
    assessments = _assessments(members)
    months = months_between(first, last)
    due = sum(
        (d for m in members for mo in months if (d := _due(assessments[m.pk], m, mo)) is not None),
        Decimal(0),
    )
    payments = Payment.objects.filter(
        member__in=members, month__gte=month_start(first), month__lte=month_start(last)
    )
    collected = payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    end = add_months(month_start(last), 1) - datetime.timedelta(days=1)
    extras = ExtraPayment.objects.filter(
        member__in=members, paid_on__gte=month_start(first), paid_on__lte=end
    )
    extra = extras.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    to_centre = extras.filter(to_centre=True).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    lines = ledger(members, min(add_months(month_start(last), 1), add_months(month_start(today), 1)), today)
    return Collection(
        organisation, len(members), due, collected, extra, to_centre, [line for line in lines if line.arrears]
    )


def member_months(
    member: Member, year: int, today: datetime.date
) -> list[tuple[datetime.date, Decimal | None, Payment | None]]:
    assessments = _assessments([member])[member.pk]
    paid = {p.month: p for p in Payment.objects.filter(member=member, month__year=year)}
    last = min(datetime.date(year, 12, 1), add_months(month_start(today), rules.MAX_MONTHS_AHEAD))
    return [
        (mo, _due(assessments, member, mo), paid.get(mo))
        for mo in months_between(datetime.date(year, 1, 1), last)
    ]


def member_year_summary(member: Member, year: int) -> dict[str, Any]:
    """For the member's yearly record: months due and paid, amounts, arrears and extra payments."""
    today = datetime.date.today()
    rows = member_months(member, year, today)
    closed = [r for r in rows if r[0] <= month_start(today) and r[1] is not None]
    extra = ExtraPayment.objects.filter(member=member, paid_on__year=year).aggregate(s=Sum("amount"))["s"]
    return {
        "months_due": len(closed),
        "months_paid": sum(1 for r in closed if r[2] is not None),
        "paid": sum((r[2].amount for r in rows if r[2] is not None), Decimal(0)),
        "arrears": [f"{r[0]:%Y-%m}" for r in closed if r[2] is None and r[0] < month_start(today)],
        "extra": extra or Decimal(0),
    }


def needing_reassessment(members: list[Member], year: int) -> list[Member]:
    """Members whose latest assessment is from an earlier year (the yearly reassessment, 每年核定一次)."""
    latest = dict(
        Assessment.objects.filter(member__in=members)
        .values("member_id")
        .annotate(latest=Max("effective_from"))
        .values_list("member_id", "latest")
    )
    return [m for m in members if m.pk not in latest or latest[m.pk].year < year]
