"""The JSON API of political birthdays under /api/v1/birthdays/."""

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from jiceng.accounts.roles import Perm
from jiceng.birthdays import queries, services
from jiceng.birthdays.models import OathActivity
from jiceng.party.models import Member, Organisation

router = Router(tags=["birthdays"])


class OathIn(Schema):
    organisation_id: int
    held_on: datetime.date
    member_ids: list[int]
    place: str = ""
    note: str = ""


@router.get("/birthdays")
def list_birthdays(request: HttpRequest, period: str = "week") -> Any:
    """Members in scope whose political birthday falls this week (or this month)."""
    today = timezone.localdate()
    if period == "month":
        first = today.replace(day=1)
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    else:
        first, last = queries.week_of(today)
    rows = queries.birthdays(queries.in_scope(request.user), first, last)
    return {
        "first": first,
        "last": last,
        "items": [
            {"member_id": b.member.pk, "name": b.member.name, "on": b.on, "years": b.years} for b in rows
        ],
    }


@router.get("/activities")
def list_activities(request: HttpRequest) -> Any:
    qs = OathActivity.objects.visible_to(request.user).prefetch_related("members")[:200]
    return {
        "items": [
            {
                "id": a.pk,
                "organisation_id": a.organisation_id,
                "held_on": a.held_on,
                "members": [m.pk for m in a.members.all()],
            }
            for a in qs
        ]
    }


@router.post("/activities", response={201: dict})
def record(request: HttpRequest, data: OathIn) -> Any:
    """Record a re-taken oath with the members present."""
    try:
        org = (
            Organisation.objects.visible_to(request.user, Perm.ORGLIFE_VIEW)
            .filter(active=True)
            .get(pk=data.organisation_id)
        )
    except Organisation.DoesNotExist:
        raise Http404 from None
    members = list(
        Member.objects.filter(
            pk__in=data.member_ids, active=True, organisation__path__startswith=org.path
        ).select_related("organisation")
    )
    if len(members) != len(set(data.member_ids)):
        raise Http404
    row = services.record_oath(
        actor=request.user,
        organisation=org,
        held_on=data.held_on,
        members=members,
        place=data.place,
        note=data.note,
    )
    return Status(201, {"id": row.pk, "members": len(members)})
