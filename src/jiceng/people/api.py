"""People API: households and residents. Numbers are always masked; the full value comes only
from the reveal endpoint, which needs a reason and is logged."""

import datetime
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema, Status

from jiceng.common.pagination import keyset_rows
from jiceng.common.scoping import get_visible_or_404
from jiceng.people import queries, search, services
from jiceng.people.models import CareTag
from jiceng.territory.models import Building

router = Router(tags=["people"])


class HouseholdOut(Schema):
    id: int
    building_id: int
    area_code: str
    unit: int
    room: str
    household_type: str
    head_id: int | None
    address: str

    @staticmethod
    def resolve_address(obj: Any) -> str:
        return str(obj.address)


class HouseholdIn(Schema):
    building_id: int
    unit: int
    room: str
    household_type: str = "registered"


class ResidentOut(Schema):
    id: int
    household_id: int
    area_code: str
    name: str
    gender: str
    birth_date: datetime.date
    id_number: str
    phone: str
    ethnicity: str
    political_status: str
    relation_to_head: str
    residence_status: str
    moved_out_on: datetime.date | None
    moved_out_to: str

    @staticmethod
    def resolve_id_number(obj: Any) -> str:
        return str(obj.id_number_masked)

    @staticmethod
    def resolve_phone(obj: Any) -> str:
        return str(obj.phone_masked)


class HouseholdUpdate(Schema):
    household_type: str | None = None
    head_id: int | None = None


class ResidentIn(Schema):
    household_id: int
    name: str
    id_number: str
    phone: str = ""
    ethnicity: str = "汉族"
    political_status: str = "masses"
    relation_to_head: str = "head"
    moved_in_on: datetime.date | None = None
    care_tags: list[str] = []


class ResidentUpdate(Schema):
    name: str | None = None
    phone: str | None = None
    ethnicity: str | None = None
    political_status: str | None = None
    relation_to_head: str | None = None
    residence_status: str | None = None
    care_tags: list[str] | None = None


class EndResidenceIn(Schema):
    on: datetime.date
    destination: str = ""
    status: str = "moved_out"


class RevealIn(Schema):
    field: str
    reason: str


class RevealOut(Schema):
    field: str
    value: str


class HouseholdPage(Schema):
    items: list[HouseholdOut]
    next_cursor: int | None


class ResidentPage(Schema):
    items: list[ResidentOut]
    next_cursor: int | None


def _tags(codes: list[str] | None) -> list[CareTag] | None:
    if codes is None:
        return None
    tags = list(CareTag.objects.filter(code__in=codes))
    missing = set(codes) - {t.code for t in tags}
    if missing:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            {"care_tags": f"未知的关爱标签 / unknown care tags: {', '.join(sorted(missing))}"}
        )
    return tags


def _json(page: dict[str, Any]) -> JsonResponse:
    # Lists are built as dicts in the shape of their schema (HouseholdPage, ResidentPage), which
    # the OpenAPI docs show; answering them directly skips re-validating 50 rows a request.
    return JsonResponse(page, json_dumps_params={"ensure_ascii": False})


@router.get("/households", response=HouseholdPage)
def list_households(request: HttpRequest, area: str = "", after: int | None = None, size: int = 50) -> Any:
    qs = queries.households_for(request.user)
    if area:
        qs = qs.filter(area_code__startswith=area)
    return _json(keyset_rows(qs, queries.household_rows, after, size))


@router.get("/households/{pk}", response=HouseholdOut)
def get_household(request: HttpRequest, pk: int) -> Any:
    return get_visible_or_404(queries.households_for(request.user), request.user, pk=pk)


@router.post("/households", response={201: HouseholdOut})
def create_household(request: HttpRequest, data: HouseholdIn) -> Any:
    building = get_visible_or_404(
        Building.objects.select_related("estate"), request.user, pk=data.building_id
    )
    household = services.create_household(
        actor=request.user, building=building, **data.dict(exclude={"building_id"})
    )
    return Status(201, household)


@router.patch("/households/{pk}", response=HouseholdOut)
def update_household(request: HttpRequest, pk: int, data: HouseholdUpdate) -> Any:
    household = get_visible_or_404(queries.households_for(request.user), request.user, pk=pk)
    fields: dict[str, Any] = data.dict(exclude_none=True, exclude={"head_id"})
    if data.head_id is not None:
        fields["head"] = get_visible_or_404(
            queries.residents_for(request.user), request.user, pk=data.head_id
        )
    return services.update_household(actor=request.user, household=household, **fields)


@router.get("/residents", response=ResidentPage)
def list_residents(
    request: HttpRequest, q: str = "", area: str = "", after: int | None = None, size: int = 50
) -> Any:
    if q and not area:
        return _json(search.keyset_page(request.user, q, after, size))
    qs = queries.search_residents(request.user, q) if q else queries.residents_for(request.user)
    if area:
        qs = qs.filter(area_code__startswith=area)
    return _json(keyset_rows(qs, queries.resident_rows, after, size))


@router.get("/residents/{pk}", response=ResidentOut)
def get_resident(request: HttpRequest, pk: int) -> Any:
    resident = get_visible_or_404(
        queries.residents_for(request.user).prefetch_related("care_tags"), request.user, pk=pk
    )
    services.record_view(actor=request.user, resident=resident)
    return resident


@router.post("/residents", response={201: ResidentOut})
def create_resident(request: HttpRequest, data: ResidentIn) -> Any:
    household = get_visible_or_404(queries.households_for(request.user), request.user, pk=data.household_id)
    fields = data.dict(exclude={"household_id", "care_tags"})
    resident = services.register_resident(
        actor=request.user, household=household, care_tags=_tags(data.care_tags), **fields
    )
    return Status(201, resident)


@router.patch("/residents/{pk}", response=ResidentOut)
def update_resident(request: HttpRequest, pk: int, data: ResidentUpdate) -> Any:
    resident = get_visible_or_404(queries.residents_for(request.user), request.user, pk=pk)
    fields = data.dict(exclude_none=True, exclude={"care_tags"})
    return services.update_resident(
        actor=request.user, resident=resident, care_tags=_tags(data.care_tags), **fields
    )


@router.post("/residents/{pk}/end", response=ResidentOut)
def end_residence(request: HttpRequest, pk: int, data: EndResidenceIn) -> Any:
    resident = get_visible_or_404(queries.residents_for(request.user), request.user, pk=pk)
    return services.end_residence(actor=request.user, resident=resident, **data.dict())


@router.post("/residents/{pk}/reveal", response=RevealOut)
def reveal(request: HttpRequest, pk: int, data: RevealIn) -> Any:
    resident = get_visible_or_404(queries.residents_for(request.user), request.user, pk=pk)
    value = services.reveal(actor=request.user, resident=resident, field=data.field, reason=data.reason)
    return {"field": data.field, "value": value}
