"""The JSON API of transfers of organisational relations under /api/v1/transfers/."""

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from jiceng.accounts.roles import Perm
from jiceng.common.scoping import get_visible_or_404
from jiceng.party.models import Member, Organisation
from jiceng.people import queries as people_queries
from jiceng.transfers import queries, services
from jiceng.transfers.models import Transfer

router = Router(tags=["transfers"])


class OutIn(Schema):
    member_id: int
    letter_number: str
    issued_on: datetime.date
    valid_until: datetime.date | None = None
    to_organisation_id: int | None = None
    external: str = ""
    reason: str = ""


class InIn(Schema):
    to_organisation_id: int
    name: str
    external: str
    letter_number: str
    issued_on: datetime.date
    valid_until: datetime.date | None = None
    reason: str = ""


class CompleteIn(Schema):
    on: datetime.date
    resident_id: int | None = None
    joined_on: datetime.date | None = None
    full_on: datetime.date | None = None
    status: str = ""


class CloseIn(Schema):
    status: str
    note: str


def _out(t: Transfer) -> dict[str, Any]:
    return {
        "id": t.pk,
        "direction": t.direction,
        "member_id": t.member_id,
        "name": t.name,
        "from_organisation_id": t.from_organisation_id,
        "to_organisation_id": t.to_organisation_id,
        "external": t.external,
        "letter_number": t.letter_number,
        "issued_on": t.issued_on,
        "valid_until": t.valid_until,
        "status": t.status,
        "completed_on": t.completed_on,
    }


def _organisation(request: HttpRequest, pk: int, permission: str = Perm.ORGLIFE_VIEW) -> Organisation:
    try:
        return Organisation.objects.visible_to(request.user, permission).filter(active=True).get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None


@router.get("/transfers")
def list_transfers(request: HttpRequest, status: str = "") -> Any:
    qs = Transfer.objects.visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    return {"items": [_out(t) for t in qs[:500]]}


@router.get("/to-transfer")
def to_transfer(request: HttpRequest) -> Any:
    """Members on the roll who moved out or are away, with no transfer under way."""
    return {
        "items": [
            {
                "member_id": m.pk,
                "name": m.name,
                "organisation_id": m.organisation_id,
                "residence_status": m.resident.residence_status if m.resident else "",
            }
            for m in queries.to_transfer(request.user)[:500]
        ]
    }


@router.post("/transfers/out", response={201: dict})
def transfer_out(request: HttpRequest, data: OutIn) -> Any:
    try:
        member = (
            Member.objects.visible_to(request.user, Perm.ORGLIFE_VIEW)
            .select_related("organisation")
            .get(pk=data.member_id)
        )
    except Member.DoesNotExist:
        raise Http404 from None
    target = (
        Organisation.objects.filter(pk=data.to_organisation_id, active=True).first()
        if data.to_organisation_id
        else None
    )
    if data.to_organisation_id and target is None:
        raise Http404
    fields = data.dict(exclude={"member_id", "to_organisation_id"})
    return Status(
        201, _out(services.transfer_out(actor=request.user, member=member, to_organisation=target, **fields))
    )


@router.post("/transfers/in", response={201: dict})
def transfer_in(request: HttpRequest, data: InIn) -> Any:
    org = _organisation(request, data.to_organisation_id)
    fields = data.dict(exclude={"to_organisation_id"})
    return Status(201, _out(services.transfer_in(actor=request.user, to_organisation=org, **fields)))


@router.get("/transfers/{pk}")
def get_transfer(request: HttpRequest, pk: int) -> Any:
    return _out(get_visible_or_404(Transfer, request.user, pk=pk))


@router.post("/transfers/{pk}/complete")
def complete(request: HttpRequest, pk: int, data: CompleteIn) -> Any:
    row = get_visible_or_404(Transfer, request.user, pk=pk)
    resident = (
        get_visible_or_404(people_queries.residents_for(request.user), request.user, pk=data.resident_id)
        if data.resident_id is not None
        else None
    )
    fields = data.dict(exclude={"resident_id"})
    return _out(services.complete(actor=request.user, transfer=row, resident=resident, **fields))


@router.post("/transfers/{pk}/close")
def close(request: HttpRequest, pk: int, data: CloseIn) -> Any:
    row = get_visible_or_404(Transfer, request.user, pk=pk)
    return _out(services.close(actor=request.user, transfer=row, status=data.status, note=data.note))
