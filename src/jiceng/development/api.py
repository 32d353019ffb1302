"""The JSON API of membership development under /api/v1/development/. A step's body has the
fields of the step's page form (dates as YYYY-MM-DD, members as lists of ids); the same form
parses it and the same service enforces the rules, so the errors are the page's."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Body, Router, Schema, Status

from jiceng.accounts.roles import Perm
from jiceng.common.scoping import get_visible_or_404
from jiceng.development import queries, services
from jiceng.development.forms import STEPS, make_form
from jiceng.development.models import Development
from jiceng.party.models import Organisation
from jiceng.people import queries as people_queries

router = Router(tags=["development"])


class ApplyIn(Schema):
    resident_id: int
    organisation_id: int
    applied_on: datetime.date


def _out(dev: Development, today: datetime.date) -> dict[str, Any]:
    return {
        "id": dev.pk,
        "name": dev.name,
        "stage": dev.stage,
        "organisation_id": dev.organisation_id,
        "applied_on": dev.applied_on,
        "activist_on": dev.activist_on,
        "candidate_on": dev.candidate_on,
        "notice_from": dev.notice_from,
        "notice_until": dev.notice_until,
        "vote_on": dev.vote_on,
        "approved_on": dev.approved_on,
        "probation_until": dev.probation_until,
        "member_id": dev.member_id,
        "dues": [{"text": d.text, "on": d.on, "overdue": d.overdue} for d in queries.dues_of(dev, today)],
    }


@router.get("/people")
def list_people(request: HttpRequest) -> Any:
    """Everyone in development the caller may see (a resident: their own record), with what is due."""
    today = timezone.localdate()
    return {"items": [_out(r.dev, today) for r in queries.board(request.user, today)]}


@router.get("/people/{pk}")
def get_person(request: HttpRequest, pk: int) -> Any:
    return _out(get_visible_or_404(Development, request.user, pk=pk), timezone.localdate())


@router.post("/people", response={201: dict})
def apply(request: HttpRequest, data: ApplyIn) -> Any:
    resident = get_visible_or_404(
        people_queries.residents_for(request.user), request.user, pk=data.resident_id
    )
    try:
        organisation = (
            Organisation.objects.visible_to(request.user, Perm.ORGLIFE_MANAGE)
            .filter(active=True)
            .get(pk=data.organisation_id)
        )
    except Organisation.DoesNotExist:
        raise Http404 from None
    dev = services.apply(
        actor=request.user, resident=resident, organisation=organisation, applied_on=data.applied_on
    )
    return Status(201, _out(dev, timezone.localdate()))


@router.post("/people/{pk}/steps/{key}")
def step(request: HttpRequest, pk: int, key: str, data: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
    """Take one step: talk, activist, report, review, candidate, political_review, training,
    notice, vote, approve, oath, extend, convert or end."""
    dev = get_visible_or_404(
        Development.objects.select_related("organisation", "member"), request.user, pk=pk
    )
    chosen = STEPS.get(key)
    if chosen is None:
        raise Http404
    prefixed = {f"{key}-{name}": value for name, value in data.items()}
    form = make_form(chosen, dev, _querydict(prefixed))
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    chosen.run(actor=request.user, dev=dev, **form.cleaned_data)
    dev.refresh_from_db()
    return _out(dev, timezone.localdate())


def _querydict(data: dict[str, Any]) -> Any:
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    for name, value in data.items():
        if isinstance(value, list):
            q.setlist(name, [str(v) for v in value])
        elif isinstance(value, bool):
            if value:
                q[name] = "on"
        elif value is not None:
            q[name] = str(value)
    return q
