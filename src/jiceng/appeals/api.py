"""Resident appeals (接诉即办) under /api/v1/appeals/: the list and one appeal with its timeline,
submission (JSON, then photos in a multipart request), each step of the cycle, and the active
category tree.

Reads go through `Appeal.objects.visible_to` (an appeal outside the user's scope is 404, as a
missing one is, and so are ids in a body); every step through its service. A step that names a
stale `version` answers 409 with who changed the appeal meanwhile; the services' other rule
errors answer 422 keyed by field. Phone numbers are always masked.
"""

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from jiceng.accounts.models import User
from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm
from jiceng.appeals import category_services, duplicates, photo_services, queries, services
from jiceng.appeals.models import (
    OPEN_STATUSES,
    Appeal,
    AppealKind,
    Category,
    Channel,
    HandlerType,
)
from jiceng.common.pagination import keyset_rows
from jiceng.common.scoping import get_visible_or_404
from jiceng.people.models import Household
from jiceng.territory.models import Area, Building, ancestor_codes
from jiceng.units.models import SinkingUnit

router = Router(tags=["appeals"])


# ---- schemas -------------------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    depth: int
    handler_type: str
    response_limit: int
    response_unit: str
    resolution_limit: int
    resolution_unit: str
    unit_id: int | None
    department: str


class AppealRow(Schema):
    id: int
    number: str
    kind: str
    channel: str
    status: str
    version: int
    category_id: int
    category_name: str
    text: str
    area_code: str
    address: str
    reporter_name: str
    reporter_phone: str
    handler_type: str
    handler_id: int | None
    created_at: datetime.datetime
    resolution_due: datetime.datetime | None
    paused: bool
    overdue: bool
    flagged: bool


class AppealOut(AppealRow):
    category_code: str
    anonymous: bool
    household_id: int | None
    building_id: int | None
    handler_name: str
    handler_unit_id: int | None
    handler_department: str
    liaison_member_id: int | None
    merged_into_id: int | None
    result: str
    dispatched_at: datetime.datetime | None
    response_due: datetime.datetime | None
    responded_at: datetime.datetime | None
    handled_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    reopened: int
    rating: str
    rating_comment: str
    latitude: Decimal | None
    longitude: Decimal | None


class EventOut(Schema):
    id: int
    kind: str
    actor_id: int | None
    actor_name: str
    from_status: str
    to_status: str
    note: str
    at: datetime.datetime
    photo_ids: list[int]


class AppealDetail(AppealOut):
    events: list[EventOut]
    photo_ids: list[int]


class AppealPage(Schema):
    items: list[AppealRow]
    next_cursor: int | None


class SimilarItem(Schema):
    id: int
    number: str
    status: str
    text: str
    score: float


class SimilarOut(Schema):
    items: list[SimilarItem]
    others: int
    others_status: str


class ConflictOut(Schema):
    detail: str
    errors: dict[str, list[str]]


class PhotosOut(Schema):
    photo_ids: list[int]


class AppealIn(Schema):
    category: str
    text: str
    kind: str = AppealKind.APPEAL
    # The place: a household, else a building, else the code of a grid or community.
    household_id: int | None = None
    building_id: int | None = None
    area: str = ""
    address: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    anonymous: bool = False
    channel: str = Channel.API
    # An optional map pin, WGS84; both or neither.
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class VersionIn(Schema):
    version: int


class AnswerIn(VersionIn):
    reply: str


class ReasonIn(VersionIn):
    reason: str


class MergeIn(VersionIn):
    into_id: int


class DispatchIn(VersionIn):
    # All empty: the default route for the appeal's place and category. Another choice needs a reason.
    handler_type: str | None = None
    handler_id: int | None = None
    unit_id: int | None = None
    department: str = ""
    reason: str = ""


class HelperIn(Schema):
    user_id: int | None = None
    unit_id: int | None = None


class NoteIn(Schema):
    text: str


class HandleIn(VersionIn):
    result: str


class VerifyIn(VersionIn):
    resolved: bool
    note: str = ""


class RateIn(Schema):
    rating: str
    comment: str = ""


STEP_RESPONSES: dict[int, Any] = {200: AppealOut, 409: ConflictOut}


# ---- helpers -------------------------------------------------------------------------------


def _json(page: dict[str, Any]) -> JsonResponse:
    # Lists are built as dicts in the shape of their schema (AppealPage), which the OpenAPI docs
    # show; answering them directly skips re-validating 50 rows a request (as people/api.py does).
    return JsonResponse(page, json_dumps_params={"ensure_ascii": False})


def _appeals(user: Any) -> QuerySet[Appeal]:
    # The scope names the appeals one helps with by key, without a join: each appeal once.
    return Appeal.objects.visible_to(user)


def _appeal_or_404(user: Any, pk: int) -> Appeal:
    return get_visible_or_404(Appeal.objects.select_related("category").distinct(), user, pk=pk)


def _check_choices(**fields: tuple[str | None, type[models.TextChoices]]) -> None:
    """A value outside a field's choices is the user's error: 422 keyed by the field."""
    errors = {
        name: _("无效的选项：%(value)s") % {"value": value}
        for name, (value, choices) in fields.items()
        if value is not None and value != "" and value not in choices.values
    }
    if errors:
        raise ValidationError(errors)


def _overdue_q(now: datetime.datetime) -> Q:
    return Q(status__in=OPEN_STATUSES, paused_at__isnull=True, resolution_due__lt=now)


def _is_overdue(status: str, due: datetime.datetime | None, paused_at: Any, now: datetime.datetime) -> bool:
    return status in OPEN_STATUSES and paused_at is None and due is not None and due < now


_ROW_COLUMNS = [
    c for c in AppealRow.model_fields if c not in ("category_name", "reporter_phone", "paused", "overdue")
]


def _rows(qs: QuerySet[Appeal]) -> Iterator[dict[str, Any]]:
    # The mask is stored beside the encrypted number: a list never decrypts.
    now = timezone.now()
    for row in qs.values(*_ROW_COLUMNS, "category__name", "reporter_phone_mask", "paused_at"):
        row["category_name"] = row.pop("category__name")
        row["reporter_phone"] = row.pop("reporter_phone_mask")
        paused_at = row.pop("paused_at")
        row["paused"] = paused_at is not None
        row["overdue"] = _is_overdue(row["status"], row["resolution_due"], paused_at, now)
        yield row


def _appeal(appeal: Appeal) -> dict[str, Any]:
    plain = set(AppealOut.model_fields) - {
        "category_code",
        "category_name",
        "reporter_phone",
        "handler_name",
        "paused",
        "overdue",
    }
    return {
        **{name: getattr(appeal, name) for name in plain},
        "category_code": appeal.category.code,
        "category_name": appeal.category.name,
        "reporter_phone": appeal.reporter_phone_mask,
        "handler_name": str(appeal.handler) if appeal.handler_id else "",
        "paused": appeal.paused_at is not None,
        "overdue": _is_overdue(appeal.status, appeal.resolution_due, appeal.paused_at, timezone.now()),
    }


def _detail(appeal: Appeal) -> dict[str, Any]:
    photos: dict[int | None, list[int]] = {}
    for photo_id, event_id in appeal.photos.order_by("id").values_list("id", "event_id"):
        photos.setdefault(event_id, []).append(photo_id)
    events = [
        {
            "id": e.pk,
            "kind": e.kind,
            "actor_id": e.actor_id,
            "actor_name": str(e.actor) if e.actor_id else "",
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note,
            "at": e.at,
            "photo_ids": photos.get(e.pk, []),
        }
        for e in appeal.events.select_related("actor").order_by("at", "id")
    ]
    return {
        **_appeal(appeal),
        "events": events,
        "photo_ids": [pk for ids in photos.values() for pk in ids],
    }


def _step(action: Callable[..., Appeal], **kwargs: Any) -> Any:
    """Run a step of the cycle; a stale version is a conflict (409), not an invalid request."""
    try:
        row = action(**kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "version" in exc.error_dict:
            errors = exc.message_dict
            return Status(409, {"detail": errors["version"][0], "errors": errors})
        raise
    return _appeal(row)


def _handler_or_404(appeal: Appeal, pk: int) -> User:
    """A person who may be named on the appeal: an active user bound to its community or to an
    area above it (the street's or district's staff), else 404."""
    bound = Q(role_bindings__area__code__in=ancestor_codes(appeal.area_code)) | Q(
        role_bindings__area__code__startswith=appeal.area_code[:12]
    )
    user = User.objects.filter(bound, pk=pk, is_active=True).distinct().first()
    if user is None:
        raise Http404
    return user


def _unit_or_404(user: Any, pk: int) -> SinkingUnit:
    """An active unit serving where the user handles appeals: those managed there or by the
    street or district above (a grid worker manages no units, but sends appeals to them)."""
    unit = SinkingUnit.objects.visible_to(user, Perm.APPEALS_HANDLE).filter(pk=pk, active=True).first()
    if unit is None:
        raise Http404
    return unit


def _area_or_404(user: Any, code: str) -> Area:
    """A grid or community the user may raise appeals in. Areas above one's own are visible for
    breadcrumbs, but are not the user's to raise appeals in: those are 404 here."""
    area = get_visible_or_404(Area, user, code=code)
    if not has_perm(user, Perm.APPEALS_SUBMIT, area):
        raise Http404
    return area


# ---- categories ----------------------------------------------------------------------------


@router.get("/categories", response=list[CategoryOut])
def list_categories(request: HttpRequest) -> Any:
    """The active category tree, depth first (children after their parent), with each category's
    default handler and its response and resolution limits (`hours` or `working_days`)."""
    return [
        {
            **{name: getattr(n.category, name) for name in CategoryOut.model_fields if name != "depth"},
            "depth": n.depth,
        }
        for n in category_services.tree(Category.objects.all(), active_only=True)
    ]


# ---- appeals -------------------------------------------------------------------------------


@router.get("", response=AppealPage)
def list_appeals(
    request: HttpRequest,
    status: str = "",
    category: str = "",
    area: str = "",
    overdue: bool | None = None,
    mine: bool = False,
    after: int | None = None,
    size: int = 50,
) -> Any:
    """Appeals in scope, oldest first; `status` a status or `open` (every step before closure,
    the handlers' queue). `category` takes a category's code and includes its
    children; `overdue` open appeals past their resolution limit (the clock running); `mine`
    those the user raised, handles or helps with."""
    qs = _appeals(request.user)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(Q(category__code=category) | Q(category__parent__code=category))
    if area:
        qs = qs.filter(area_code__startswith=area)
    if overdue is not None:
        late = _overdue_q(timezone.now())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if mine:
        qs = qs.filter(queries.mine_q(request.user, raised=True))
    return _json(keyset_rows(qs, _rows, after, size))


@router.get("/similar", response=SimilarOut)
def similar_appeals(
    request: HttpRequest,
    category: str = "",
    text: str = "",
    household_id: int | None = None,
    building_id: int | None = None,
) -> Any:
    """Open appeals like one being written (same category and building, similar text), to offer
    before it is submitted. Staff get the appeals; a resident gets their own similar appeals and,
    as `others`, how many neighbours raised something similar (`others_status`: the latest's)."""
    user: Any = request.user
    if not category or not has_perm(user, Perm.APPEALS_SUBMIT):
        return {"items": [], "others": 0, "others_status": ""}  # like a list: nothing to offer
    found = queries.category_by_code(category)
    if found is None:
        raise ValidationError({"category": _("没有代码为“%(code)s”的诉求类别") % {"code": category}})
    staff = services.takes_for_others(user)
    household = None
    if not staff:
        household = queries.own_household(user)
    elif household_id is not None:
        household = get_visible_or_404(Household.objects.select_related("building"), user, pk=household_id)
    building = (
        get_visible_or_404(Building, user, pk=building_id) if staff and building_id is not None else None
    )
    offer = duplicates.offer(
        user, staff=staff, category=found, text=text, building=building, household=household
    )
    return {
        "items": [
            {
                "id": c.appeal.pk,
                "number": c.appeal.number,
                "status": c.appeal.status,
                "text": c.appeal.text,
                "score": round(c.score, 1),
            }
            for c in offer.appeals
        ],
        "others": offer.others,
        "others_status": offer.others_status,
    }


@router.get("/{pk}", response=AppealDetail)
def get_appeal(request: HttpRequest, pk: int) -> Any:
    """One appeal with its timeline (each step, who took it, its note and photos)."""
    return _detail(_appeal_or_404(request.user, pk))


@router.post("", response={201: AppealOut})
def submit_appeal(request: HttpRequest, data: AppealIn) -> Any:
    """Raise an appeal or a consultation (`kind`: `appeal`, `consultation`) at a household
    (`household_id`), a building (`building_id`) or a grid or community (`area`). Photos follow
    with `POST /appeals/{id}/photos`."""
    user = request.user
    household = queries.visible_household(user, data.household_id) if data.household_id is not None else None
    building = (
        get_visible_or_404(Building, user, pk=data.building_id) if data.building_id is not None else None
    )
    area = _area_or_404(user, data.area) if data.area else None
    _check_choices(kind=(data.kind, AppealKind))
    if data.channel == Channel.OPEN311 or data.channel not in Channel.values:
        raise ValidationError({"channel": _("无效的选项：%(value)s") % {"value": data.channel}})
    if (data.latitude is None) != (data.longitude is None):
        raise ValidationError({"latitude": _("纬度和经度须同时提供")})
    category = queries.category_by_code(data.category, active_only=False)
    if category is None:
        raise ValidationError({"category": _("没有代码为“%(code)s”的诉求类别") % {"code": data.category}})
    appeal = services.submit(
        actor=user,
        channel=data.channel,
        category=category,
        text=data.text,
        kind=data.kind,
        household=household,
        building=building,
        area=area,
        address=data.address,
        reporter_name=data.reporter_name,
        reporter_phone=data.reporter_phone,
        anonymous=data.anonymous,
        point=(data.latitude, data.longitude)
        if data.latitude is not None and data.longitude is not None
        else None,
    )
    return Status(201, _appeal(appeal))


@router.post("/{pk}/photos", response={201: PhotosOut})
def add_photos(
    request: HttpRequest, pk: int, photos: File[list[UploadedFile] | None] = None, note: Form[str] = ""
) -> Any:
    """Multipart, field `photos` (repeated): the submitter's photos of their appeal, or a
    handler's as a handling note (`note` its text); at most 9 an appeal in all."""
    appeal = _appeal_or_404(request.user, pk)
    added = photo_services.add_photos(actor=request.user, appeal=appeal, photos=photos or [], note=note)
    return Status(201, {"photo_ids": [p.pk for p in added]})


# ---- the cycle: each step names the version it saw ------------------------------------------


@router.post("/{pk}/accept", response=STEP_RESPONSES)
def accept(request: HttpRequest, pk: int, data: VersionIn) -> Any:
    return _step(
        services.accept, actor=request.user, appeal=_appeal_or_404(request.user, pk), version=data.version
    )


@router.post("/{pk}/answer", response=STEP_RESPONSES)
def answer(request: HttpRequest, pk: int, data: AnswerIn) -> Any:
    """A consultation is answered and closed at once."""
    appeal = _appeal_or_404(request.user, pk)
    return _step(services.answer, actor=request.user, appeal=appeal, version=data.version, reply=data.reply)


@router.post("/{pk}/reject", response=STEP_RESPONSES)
def reject(request: HttpRequest, pk: int, data: ReasonIn) -> Any:
    appeal = _appeal_or_404(request.user, pk)
    return _step(services.reject, actor=request.user, appeal=appeal, version=data.version, reason=data.reason)


@router.post("/{pk}/merge", response=STEP_RESPONSES)
def merge(request: HttpRequest, pk: int, data: MergeIn) -> Any:
    """Merge a duplicate into another open appeal (`into_id`)."""
    appeal = _appeal_or_404(request.user, pk)
    into = _appeal_or_404(request.user, data.into_id)
    return _step(services.merge, actor=request.user, appeal=appeal, version=data.version, into=into)


@router.post("/{pk}/dispatch", response=STEP_RESPONSES)
def dispatch(request: HttpRequest, pk: int, data: DispatchIn) -> Any:
    """Send it to the default handler for its place and category, or to the one named (a
    `handler_type` with `handler_id`, `unit_id` or `department`, and a `reason`)."""
    appeal = _appeal_or_404(request.user, pk)
    _check_choices(handler_type=(data.handler_type, HandlerType))
    return _step(
        services.dispatch,
        actor=request.user,
        appeal=appeal,
        version=data.version,
        handler_type=data.handler_type,
        handler=_handler_or_404(appeal, data.handler_id) if data.handler_id is not None else None,
        unit=_unit_or_404(request.user, data.unit_id) if data.unit_id is not None else None,
        department=data.department,
        reason=data.reason,
    )


@router.post("/{pk}/return", response=STEP_RESPONSES)
def return_appeal(request: HttpRequest, pk: int, data: ReasonIn) -> Any:
    """退单: the handler sends it back for another dispatch."""
    appeal = _appeal_or_404(request.user, pk)
    return _step(
        services.return_appeal, actor=request.user, appeal=appeal, version=data.version, reason=data.reason
    )


@router.post("/{pk}/helpers", response=AppealOut)
def add_helper(request: HttpRequest, pk: int, data: HelperIn) -> Any:
    """协办: a person (`user_id`) or a sinking unit (`unit_id`) joins the handling."""
    appeal = _appeal_or_404(request.user, pk)
    services.add_helper(
        actor=request.user,
        appeal=appeal,
        user=_handler_or_404(appeal, data.user_id) if data.user_id is not None else None,
        unit=_unit_or_404(request.user, data.unit_id) if data.unit_id is not None else None,
    )
    return _appeal(_appeal_or_404(request.user, pk))


@router.post("/{pk}/start", response=STEP_RESPONSES)
def start(request: HttpRequest, pk: int, data: VersionIn) -> Any:
    return _step(
        services.start, actor=request.user, appeal=_appeal_or_404(request.user, pk), version=data.version
    )


@router.post("/{pk}/notes", response=AppealOut)
def add_note(request: HttpRequest, pk: int, data: NoteIn) -> Any:
    """A handling note on the timeline (photos: `POST /appeals/{id}/photos`)."""
    appeal = _appeal_or_404(request.user, pk)
    services.add_note(actor=request.user, appeal=appeal, text=data.text)
    return _appeal(_appeal_or_404(request.user, pk))


@router.post("/{pk}/handle", response=STEP_RESPONSES)
def handle(request: HttpRequest, pk: int, data: HandleIn) -> Any:
    appeal = _appeal_or_404(request.user, pk)
    return _step(services.handle, actor=request.user, appeal=appeal, version=data.version, result=data.result)


@router.post("/{pk}/verify", response=STEP_RESPONSES)
def verify(request: HttpRequest, pk: int, data: VerifyIn) -> Any:
    """Checked on site, or confirmed by the resident who raised it; not resolved sends it back."""
    appeal = _appeal_or_404(request.user, pk)
    return _step(
        services.verify,
        actor=request.user,
        appeal=appeal,
        version=data.version,
        resolved=data.resolved,
        note=data.note,
    )


@router.post("/{pk}/close", response=STEP_RESPONSES)
def close(request: HttpRequest, pk: int, data: VersionIn) -> Any:
    return _step(
        services.close, actor=request.user, appeal=_appeal_or_404(request.user, pk), version=data.version
    )


@router.post("/{pk}/rate", response=AppealOut)
def rate(request: HttpRequest, pk: int, data: RateIn) -> Any:
    """The resident who raised it rates the closed appeal; `dissatisfied` reopens it once."""
    appeal = _appeal_or_404(request.user, pk)
    return _appeal(services.rate(actor=request.user, appeal=appeal, rating=data.rating, comment=data.comment))


@router.post("/{pk}/pause", response=STEP_RESPONSES)
def pause(request: HttpRequest, pk: int, data: ReasonIn) -> Any:
    """Stop the clock while waiting for the resident, with the reason."""
    appeal = _appeal_or_404(request.user, pk)
    return _step(services.pause, actor=request.user, appeal=appeal, version=data.version, reason=data.reason)


@router.post("/{pk}/resume", response=STEP_RESPONSES)
def resume(request: HttpRequest, pk: int, data: VersionIn) -> Any:
    return _step(
        services.resume, actor=request.user, appeal=_appeal_or_404(request.user, pk), version=data.version
    )
