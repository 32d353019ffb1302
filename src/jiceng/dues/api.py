"""The JSON API of party dues under /api/v1/dues/: the ledger, a member's dues, assessments,
payments, voluntary payments and the collection report. The pay base appears only for those
who manage the member's dues and for the member."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm
from jiceng.dues import queries, services
from jiceng.dues.models import Assessment
from jiceng.party.models import Member, Organisation

router = Router(tags=["dues"])


class AssessIn(Schema):
    category: str
    effective_from: datetime.date
    reason: str
    base: Decimal | None = None
    fixed: Decimal | None = None


class PaymentIn(Schema):
    month: datetime.date
    method: str
    paid_on: datetime.date | None = None


class ExtraIn(Schema):
    amount: Decimal
    method: str
    paid_on: datetime.date


def _organisation(request: HttpRequest, pk: int | None) -> Organisation | None:
    """The organisation asked for (404 outside the caller's scope), or the first in scope."""
    visible = (
        Organisation.objects.visible_to(request.user, Perm.ORGLIFE_VIEW).filter(active=True).order_by("path")
    )
    if pk is None:
        return visible.first()
    try:
        return visible.get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None


def _member(request: HttpRequest, pk: int) -> Member:
    try:
        return (
            Member.objects.visible_to(request.user, Perm.ORGLIFE_VIEW)
            .select_related("organisation")
            .get(pk=pk, active=True)
        )
    except Member.DoesNotExist:
        raise Http404 from None


def _assessment(a: Assessment, show_base: bool) -> dict[str, Any]:
    return {
        "id": a.pk,
        "category": a.category,
        "base": a.base if show_base else None,
        "rate": a.rate,
        "amount": a.amount,
        "due": a.due,
        "effective_from": a.effective_from,
        "hardship": a.hardship,
    }


@router.get("/ledger")
def ledger(request: HttpRequest, organisation: int | None = None, month: datetime.date | None = None) -> Any:
    """One month of an organisation's dues (by default the first in scope): due, paid and
    arrears per member."""
    org = _organisation(request, organisation)
    today = timezone.localdate()
    if org is None:
        return {"organisation_id": None, "month": services.month_start(month or today), "members": []}
    lines = queries.ledger(queries.members_of(org), month or today, today)
    return {
        "organisation_id": org.pk,
        "month": services.month_start(month or today),
        "members": [
            {
                "member_id": line.member.pk,
                "name": line.member.name,
                "due": line.due,
                "paid": line.paid.amount if line.paid else None,
                "method": line.paid.method if line.paid else None,
                "arrears": [f"{m:%Y-%m}" for m in line.arrears],
                "flagged": line.flagged,
            }
            for line in lines
        ],
    }


@router.get("/members/{pk}")
def member(request: HttpRequest, pk: int, year: int | None = None) -> Any:
    row = _member(request, pk)
    own = row.resident_id is not None and row.resident_id == getattr(request.user, "resident_id", None)
    show_base = own or has_perm(request.user, Perm.ORGLIFE_MANAGE, row)
    today = timezone.localdate()
    return {
        "member_id": row.pk,
        "name": row.name,
        "summary": queries.member_year_summary(row, year or today.year),
        "assessments": [
            _assessment(a, show_base)
            for a in Assessment.objects.filter(member=row).order_by("-effective_from")
        ],
    }


@router.post("/members/{pk}/assessments", response={201: dict})
def assess(request: HttpRequest, pk: int, data: AssessIn) -> Any:
    row = services.assess(actor=request.user, member=_member(request, pk), **data.dict())
    return Status(201, _assessment(row, True))


@router.post("/members/{pk}/payments", response={201: dict})
def pay(request: HttpRequest, pk: int, data: PaymentIn) -> Any:
    row = services.record_payment(actor=request.user, member=_member(request, pk), **data.dict())
    return Status(
        201,
        {
            "id": row.pk,
            "month": row.month,
            "amount": row.amount,
            "method": row.method,
            "paid_on": row.paid_on,
        },
    )


@router.post("/members/{pk}/extra", response={201: dict})
def extra(request: HttpRequest, pk: int, data: ExtraIn) -> Any:
    row = services.record_extra(actor=request.user, member=_member(request, pk), **data.dict())
    return Status(201, {"id": row.pk, "amount": row.amount, "to_centre": row.to_centre})


@router.get("/report")
def report(
    request: HttpRequest,
    organisation: int | None = None,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
) -> Any:
    """The collection report of an organisation (by default the first in scope, and those below
    it) for the months first–last (by default this year so far)."""
    org = _organisation(request, organisation)
    today = timezone.localdate()
    if org is None:
        return {"organisation_id": None, "members": 0, "in_arrears": []}
    first, last = first or datetime.date(today.year, 1, 1), last or today
    result = queries.collection(org, first, last, today)
    return {
        "organisation_id": org.pk,
        "members": result.members,
        "due": result.due,
        "collected": result.collected,
        "rate": result.rate,
        "extra": result.extra,
        "to_centre": result.to_centre,
        "in_arrears": [
            {
                "member_id": line.member.pk,
                "name": line.member.name,
                "months": len(line.arrears),
                "flagged": line.flagged,
            }
            for line in result.in_arrears
        ],
    }
