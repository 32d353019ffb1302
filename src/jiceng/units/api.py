"""Sinking units and in-service members' JSON API under /api/v1/units/.

Lists answer what the caller may see (staff: their area; a member: their own registration and
records) and are empty otherwise; objects outside the caller's reach are 404, as on the pages.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from jiceng.accounts.roles import Perm
from jiceng.common.pagination import keyset_page
from jiceng.common.scoping import get_visible_or_404
from jiceng.party.models import Member
from jiceng.territory.models import Area
from jiceng.units import queries, services
from jiceng.units.models import InServiceRegistration, ServicePost, SinkingUnit

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    area_code: str
    contact_person: str
    office_phone: str
    address: str
    active: bool


class UnitIn(Schema):
    area_code: str
    name: str
    kind: str
    contact_person: str = ""
    office_phone: str = ""
    address: str = ""


class UnitUpdate(Schema):
    name: str | None = None
    kind: str | None = None
    contact_person: str | None = None
    office_phone: str | None = None
    address: str | None = None
    active: bool | None = None


class UnitPage(Schema):
    items: list[UnitOut]
    next_cursor: int | None


class FiguresOut(Schema):
    since: datetime.date
    until: datetime.date
    registered: int
    served: int
    hours: float


class UnitFiguresOut(FiguresOut):
    unit_id: int
    name: str
    kind: str


class UnitFiguresPage(Schema):
    items: list[UnitFiguresOut]
    next_cursor: int | None


class CommunityFiguresOut(FiguresOut):
    code: str
    name: str
    pairings: int
    posts: int


class PairingOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    community_code: str
    community_name: str
    services: list[str]
    started_on: datetime.date
    ends_on: datetime.date
    ended_on: datetime.date | None
    end_reason: str
    status: str

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj.unit.name)

    @staticmethod
    def resolve_community_code(obj: Any) -> str:
        return str(obj.area_code)

    @staticmethod
    def resolve_community_name(obj: Any) -> str:
        return str(obj.community.name)


class PairingIn(Schema):
    unit_id: int
    community_code: str
    services: list[str]
    started_on: datetime.date
    ends_on: datetime.date


class PairingPage(Schema):
    items: list[PairingOut]
    next_cursor: int | None


class EndIn(Schema):
    on: datetime.date
    reason: str = ""


class PostOut(Schema):
    id: int
    community_code: str
    name: str
    description: str
    capacity: int
    taken: int
    unit_id: int | None
    active: bool

    @staticmethod
    def resolve_community_code(obj: Any) -> str:
        return str(obj.area_code)

    @staticmethod
    def resolve_taken(obj: Any) -> int:
        taken = getattr(obj, "taken", None)
        return int(taken) if taken is not None else services.takers(obj)


class PostIn(Schema):
    community_code: str
    name: str
    capacity: int
    description: str = ""
    unit_id: int | None = None


class PostUpdate(Schema):
    name: str | None = None
    capacity: int | None = None
    description: str | None = None
    unit_id: int | None = None
    active: bool | None = None


class PostPage(Schema):
    items: list[PostOut]
    next_cursor: int | None


class RegistrationOut(Schema):
    id: int
    member_id: int
    member_name: str
    community_code: str
    community_name: str
    work_unit_id: int | None
    employer: str
    registered_on: datetime.date
    ended_on: datetime.date | None
    end_reason: str
    post_ids: list[int]

    @staticmethod
    def resolve_member_name(obj: Any) -> str:
        return str(obj.member.name)

    @staticmethod
    def resolve_community_code(obj: Any) -> str:
        return str(obj.area_code)

    @staticmethod
    def resolve_community_name(obj: Any) -> str:
        return str(obj.community.name)

    @staticmethod
    def resolve_post_ids(obj: Any) -> list[int]:
        return sorted(p.pk for p in obj.posts.all())


class RegistrationIn(Schema):
    member_id: int
    work_unit_id: int | None = None
    work_unit_name: str = ""
    post_ids: list[int] = []
    registered_on: datetime.date | None = None


class RegistrationPage(Schema):
    items: list[RegistrationOut]
    next_cursor: int | None


class PostsIn(Schema):
    post_ids: list[int]


class RecordOut(Schema):
    id: int
    registration_id: int
    member_name: str
    community_code: str
    post_id: int | None
    served_on: datetime.date
    hours: float
    description: str

    @staticmethod
    def resolve_member_name(obj: Any) -> str:
        return str(obj.registration.member.name)

    @staticmethod
    def resolve_community_code(obj: Any) -> str:
        return str(obj.area_code)


class RecordIn(Schema):
    served_on: datetime.date
    hours: Decimal
    post_id: int | None = None
    description: str = ""


class RecordPage(Schema):
    items: list[RecordOut]
    next_cursor: int | None


def _page(qs: QuerySet[Any], after: int | None, size: int) -> dict[str, Any]:
    page = keyset_page(qs, after, size)
    return {"items": page.items, "next_cursor": page.next_cursor}


def _community(user: Any, code: str) -> Area:
    community = queries.communities_for(user).filter(code=code).first()
    if community is None:
        raise Http404
    return community


def _posts(allowed: QuerySet[ServicePost], ids: list[int]) -> list[ServicePost]:
    found = list(allowed.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise Http404
    return found


def _figures(period: queries.Period, figures: queries.Figures) -> dict[str, Any]:
    return {"since": period.since, "until": period.until, **figures.as_dict()}


# ---- units ---------------------------------------------------------------------------------


@router.get("/units", response=UnitPage)
def list_units(request: HttpRequest, area: str = "", after: int | None = None, size: int = 50) -> Any:
    qs = queries.units_for(request.user)
    if area:
        qs = qs.filter(area_code__startswith=area)
    return _page(qs, after, size)


@router.post("/units", response={201: UnitOut})
def create_unit(request: HttpRequest, data: UnitIn) -> Any:
    area = Area.objects.visible_to(request.user, Perm.UNITS_MANAGE).filter(code=data.area_code).first()
    if area is None:
        raise Http404
    unit = services.create_unit(actor=request.user, area=area, **data.dict(exclude={"area_code"}))
    return Status(201, unit)


@router.get("/units/{pk}", response=UnitOut)
def get_unit(request: HttpRequest, pk: int) -> Any:
    return get_visible_or_404(queries.units_for(request.user), request.user, pk=pk)


@router.patch("/units/{pk}", response=UnitOut)
def update_unit(request: HttpRequest, pk: int, data: UnitUpdate) -> Any:
    unit = get_visible_or_404(queries.units_for(request.user), request.user, pk=pk)
    return services.update_unit(actor=request.user, unit=unit, **data.dict(exclude_none=True))


@router.get("/units/{pk}/figures", response=UnitFiguresOut)
def get_unit_figures(request: HttpRequest, pk: int, since: str = "", until: str = "") -> Any:
    unit = get_visible_or_404(queries.units_for(request.user), request.user, pk=pk)
    period = queries.Period.parse(since, until)
    figures = queries.unit_figures(request.user, period, [unit.pk]).get(unit.pk, queries.Figures())
    return {"unit_id": unit.pk, "name": unit.name, "kind": unit.kind, **_figures(period, figures)}


@router.get("/figures", response=UnitFiguresPage)
def list_unit_figures(
    request: HttpRequest, since: str = "", until: str = "", after: int | None = None, size: int = 50
) -> Any:
    """Per unit the caller may see: members registered, members who served, hours served."""
    period = queries.Period.parse(since, until)
    page = keyset_page(queries.units_for(request.user), after, size)
    figures = queries.unit_figures(request.user, period, [u.pk for u in page.items])
    items = [
        {
            "unit_id": u.pk,
            "name": u.name,
            "kind": u.kind,
            **_figures(period, figures.get(u.pk, queries.Figures())),
        }
        for u in page.items
    ]
    return {"items": items, "next_cursor": page.next_cursor}


@router.get("/communities", response=list[CommunityFiguresOut])
def list_community_figures(request: HttpRequest, since: str = "", until: str = "") -> Any:
    """Per community the caller manages: current pairings, open posts and the 双报到 figures."""
    period = queries.Period.parse(since, until)
    return [
        {**row, "since": period.since, "until": period.until}
        for row in queries.community_figures(request.user, period)
    ]


# ---- pairings ------------------------------------------------------------------------------


@router.get("/pairings", response=PairingPage)
def list_pairings(
    request: HttpRequest, area: str = "", unit: int | None = None, after: int | None = None, size: int = 50
) -> Any:
    qs = queries.pairings_for(request.user)
    if area:
        qs = qs.filter(area_code__startswith=area)
    if unit is not None:
        qs = qs.filter(unit_id=unit)
    return _page(qs, after, size)


@router.post("/pairings", response={201: PairingOut})
def create_pairing(request: HttpRequest, data: PairingIn) -> Any:
    unit = get_visible_or_404(queries.units_for(request.user), request.user, pk=data.unit_id)
    community = _community(request.user, data.community_code)
    pairing = services.pair_unit(
        actor=request.user,
        unit=unit,
        community=community,
        services=data.services,
        started_on=data.started_on,
        ends_on=data.ends_on,
    )
    return Status(201, pairing)


@router.get("/pairings/{pk}", response=PairingOut)
def get_pairing(request: HttpRequest, pk: int) -> Any:
    return get_visible_or_404(queries.pairings_for(request.user), request.user, pk=pk)


@router.post("/pairings/{pk}/end", response=PairingOut)
def end_pairing(request: HttpRequest, pk: int, data: EndIn) -> Any:
    pairing = get_visible_or_404(queries.pairings_for(request.user), request.user, pk=pk)
    return services.end_pairing(actor=request.user, pairing=pairing, on=data.on, reason=data.reason)


# ---- service posts -------------------------------------------------------------------------


@router.get("/posts", response=PostPage)
def list_posts(request: HttpRequest, area: str = "", after: int | None = None, size: int = 50) -> Any:
    qs = queries.with_takers(queries.posts_for(request.user))
    if area:
        qs = qs.filter(area_code__startswith=area)
    return _page(qs, after, size)


def _unit_or_none(user: Any, unit_id: int | None) -> SinkingUnit | None:
    if unit_id is None:
        return None
    return get_visible_or_404(queries.units_for(user), user, pk=unit_id)


@router.post("/posts", response={201: PostOut})
def create_post(request: HttpRequest, data: PostIn) -> Any:
    community = _community(request.user, data.community_code)
    post = services.create_post(
        actor=request.user,
        community=community,
        name=data.name,
        capacity=data.capacity,
        description=data.description,
        unit=_unit_or_none(request.user, data.unit_id),
    )
    return Status(201, post)


@router.get("/posts/{pk}", response=PostOut)
def get_post(request: HttpRequest, pk: int) -> Any:
    return get_visible_or_404(queries.with_takers(queries.posts_for(request.user)), request.user, pk=pk)


@router.patch("/posts/{pk}", response=PostOut)
def update_post(request: HttpRequest, pk: int, data: PostUpdate) -> Any:
    post = get_visible_or_404(queries.posts_for(request.user), request.user, pk=pk)
    fields: dict[str, Any] = data.dict(exclude_none=True, exclude={"unit_id"})
    if "unit_id" in data.model_fields_set:
        fields["unit"] = _unit_or_none(request.user, data.unit_id)
    return services.update_post(actor=request.user, post=post, **fields)


# ---- registrations -------------------------------------------------------------------------


@router.get("/registrations", response=RegistrationPage)
def list_registrations(
    request: HttpRequest,
    area: str = "",
    unit: int | None = None,
    current: bool = True,
    after: int | None = None,
    size: int = 50,
) -> Any:
    qs = queries.registrations_for(request.user).prefetch_related("posts")
    if area:
        qs = qs.filter(area_code__startswith=area)
    if unit is not None:
        qs = qs.filter(work_unit_id=unit)
    if current:
        qs = qs.filter(ended_on__isnull=True)
    return _page(qs, after, size)


def _member(user: Any, member_id: int) -> Member:
    own = queries.own_member(user)
    if own is not None and own.pk == member_id:
        return own
    member = queries.members_in_area(user).filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


@router.post("/registrations", response={201: RegistrationOut})
def create_registration(request: HttpRequest, data: RegistrationIn) -> Any:
    member = _member(request.user, data.member_id)
    community = services.home_community(member)
    work_unit = None
    if data.work_unit_id is not None:
        allowed = queries.units_open_to(community) if community else SinkingUnit.objects.none()
        work_unit = allowed.filter(pk=data.work_unit_id).first()
        if work_unit is None:
            raise Http404
    posts = _posts(ServicePost.objects.filter(community=community), data.post_ids) if data.post_ids else []
    registration = services.register(
        actor=request.user,
        member=member,
        work_unit=work_unit,
        work_unit_name=data.work_unit_name,
        posts=posts,
        registered_on=data.registered_on,
    )
    return Status(201, registration)


def _registration(user: Any, pk: int) -> InServiceRegistration:
    return get_visible_or_404(queries.registrations_for(user).prefetch_related("posts"), user, pk=pk)


@router.get("/registrations/{pk}", response=RegistrationOut)
def get_registration(request: HttpRequest, pk: int) -> Any:
    return _registration(request.user, pk)


@router.put("/registrations/{pk}/posts", response=RegistrationOut)
def choose_posts(request: HttpRequest, pk: int, data: PostsIn) -> Any:
    registration = _registration(request.user, pk)
    posts = _posts(queries.posts_for_registration(registration), data.post_ids)
    services.choose_posts(actor=request.user, registration=registration, posts=posts)
    return _registration(request.user, pk)


@router.post("/registrations/{pk}/end", response=RegistrationOut)
def end_registration(request: HttpRequest, pk: int, data: EndIn) -> Any:
    registration = _registration(request.user, pk)
    services.end_registration(actor=request.user, registration=registration, on=data.on, reason=data.reason)
    return _registration(request.user, pk)


# ---- service records -----------------------------------------------------------------------


@router.get("/records", response=RecordPage)
def list_records(
    request: HttpRequest,
    area: str = "",
    registration: int | None = None,
    since: str = "",
    until: str = "",
    after: int | None = None,
    size: int = 50,
) -> Any:
    qs = queries.records_for(request.user)
    if area:
        qs = qs.filter(area_code__startswith=area)
    if registration is not None:
        qs = qs.filter(registration_id=registration)
    if since or until:
        period = queries.Period.parse(since, until)
        qs = qs.filter(served_on__gte=period.since, served_on__lte=period.until)
    return _page(qs, after, size)


@router.post("/registrations/{pk}/records", response={201: RecordOut})
def create_record(request: HttpRequest, pk: int, data: RecordIn) -> Any:
    registration = _registration(request.user, pk)
    post = None
    if data.post_id is not None:
        post = _posts(queries.posts_for_registration(registration), [data.post_id])[0]
    record = services.record_service(
        actor=request.user,
        registration=registration,
        served_on=data.served_on,
        hours=data.hours,
        post=post,
        description=data.description,
    )
    return Status(201, record)
