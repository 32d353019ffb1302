"""Territory API: browse and manage areas, estates and buildings within one's scope."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from jiceng.common.pagination import keyset_page
from jiceng.common.scoping import get_visible_or_404
from jiceng.territory import services
from jiceng.territory.models import Area, Building, Estate, Level

router = Router(tags=["territory"])


class AreaOut(Schema):
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    boundary: dict[str, Any] | None = None


class AreaIn(Schema):
    code: str
    name: str
    boundary: dict[str, Any] | None = None


class AreaUpdate(Schema):
    name: str
    boundary: dict[str, Any] | None = None


class EstateOut(Schema):
    id: int
    community_id: int
    name: str
    property_management: str
    property_company: str
    has_owners_committee: bool
    has_competent_authority: bool
    is_three_no: bool


class EstateIn(Schema):
    name: str
    property_management: str = "company"
    property_company: str = ""
    has_owners_committee: bool = False
    has_competent_authority: bool = False


class BuildingOut(Schema):
    id: int
    grid_id: int
    estate_id: int
    name: str
    units: int
    floors: int


class EstateUpdate(Schema):
    name: str | None = None
    property_management: str | None = None
    property_company: str | None = None
    has_owners_committee: bool | None = None
    has_competent_authority: bool | None = None


class BuildingUpdate(Schema):
    grid_code: str | None = None
    estate_id: int | None = None
    name: str | None = None
    units: int | None = None
    floors: int | None = None


class BuildingIn(Schema):
    estate_id: int
    name: str
    units: int = 1
    floors: int = 6


class Page(Schema):
    next_cursor: int | None


class AreaPage(Page):
    items: list[AreaOut]


class EstatePage(Page):
    items: list[EstateOut]


class BuildingPage(Page):
    items: list[BuildingOut]


@router.get("/areas", response=AreaPage)
def list_areas(request: HttpRequest, parent: str = "", after: int | None = None, size: int = 50) -> Any:
    qs = Area.objects.visible_to(request.user)
    if parent:
        qs = qs.filter(parent__code=parent)
    return keyset_page(qs, after, size)


@router.get("/areas/{code}", response=AreaOut)
def get_area(request: HttpRequest, code: str) -> Any:
    return get_visible_or_404(Area, request.user, code=code)


@router.post("/areas/{code}/children", response={201: AreaOut})
def create_child_area(request: HttpRequest, code: str, data: AreaIn) -> Any:
    parent = get_visible_or_404(Area, request.user, code=code)
    return Status(201, services.create_area(actor=request.user, parent=parent, **data.dict()))


@router.patch("/areas/{code}", response=AreaOut)
def update_area(request: HttpRequest, code: str, data: AreaUpdate) -> Any:
    area = get_visible_or_404(Area, request.user, code=code)
    return services.update_area(actor=request.user, area=area, **data.dict())


@router.get("/estates", response=EstatePage)
def list_estates(request: HttpRequest, community: str = "", after: int | None = None, size: int = 50) -> Any:
    qs = Estate.objects.visible_to(request.user).distinct()
    if community:
        qs = qs.filter(area_code=community)
    return keyset_page(qs, after, size)


@router.post("/areas/{code}/estates", response={201: EstateOut})
def create_estate(request: HttpRequest, code: str, data: EstateIn) -> Any:
    community = get_visible_or_404(Area, request.user, code=code)
    return Status(201, services.create_estate(actor=request.user, community=community, **data.dict()))


@router.get("/buildings", response=BuildingPage)
def list_buildings(request: HttpRequest, grid: str = "", after: int | None = None, size: int = 50) -> Any:
    qs = Building.objects.visible_to(request.user)
    if grid:
        qs = qs.filter(area_code=grid)
    return keyset_page(qs, after, size)


@router.get("/buildings/{pk}", response=BuildingOut)
def get_building(request: HttpRequest, pk: int) -> Any:
    return get_visible_or_404(Building, request.user, pk=pk)


@router.post("/areas/{code}/buildings", response={201: BuildingOut})
def create_building(request: HttpRequest, code: str, data: BuildingIn) -> Any:
    grid = get_visible_or_404(Area, request.user, code=code)
    estate = get_visible_or_404(Estate.objects.distinct(), request.user, pk=data.estate_id)
    fields = data.dict(exclude={"estate_id"})
    return Status(201, services.create_building(actor=request.user, grid=grid, estate=estate, **fields))


@router.patch("/estates/{pk}", response=EstateOut)
def update_estate(request: HttpRequest, pk: int, data: EstateUpdate) -> Any:
    estate = get_visible_or_404(Estate.objects.distinct(), request.user, pk=pk)
    return services.update_estate(actor=request.user, estate=estate, **data.dict(exclude_none=True))


@router.patch("/buildings/{pk}", response=BuildingOut)
def update_building(request: HttpRequest, pk: int, data: BuildingUpdate) -> Any:
    building = get_visible_or_404(Building, request.user, pk=pk)
    fields = data.dict(exclude_none=True, exclude={"grid_code", "estate_id"})
    if data.grid_code is not None:
        fields["grid"] = get_visible_or_404(Area, request.user, code=data.grid_code, level=Level.GRID)
    if data.estate_id is not None:
        fields["estate"] = get_visible_or_404(Estate.objects.distinct(), request.user, pk=data.estate_id)
    return services.update_building(actor=request.user, building=building, **fields)
