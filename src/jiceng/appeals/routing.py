"""Who an appeal goes to: address → building → grid → that grid's worker (the one with the
fewest open appeals when a grid has several), the household's liaison member informed; by
category to a community worker, a sinking unit or a street department."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from jiceng.accounts.models import User
from jiceng.accounts.roles import Role
from jiceng.appeals.models import OPEN_STATUSES, Appeal, HandlerType
from jiceng.common.compiled import CompiledQuery
from jiceng.party.models import Member
from jiceng.party.queries import liaison_of
from jiceng.units.models import SinkingUnit


@dataclass(frozen=True)
class Route:
    handler_type: str
    handler: Any = None  # a User
    unit: SinkingUnit | None = None
    department: str = ""


def _least_loaded(role: str, area_code: str) -> User | None:
    """The active user bound to exactly this area with `role` who has the fewest open appeals."""
    return (
        User.objects.filter(is_active=True, role_bindings__role=role, role_bindings__area__code=area_code)
        .annotate(load=Count("handled_appeals", filter=Q(handled_appeals__status__in=OPEN_STATUSES)))
        .order_by("load", "pk")
        .first()
    )


def community_secretaries(area_code: str) -> list[User]:
    """The active party secretaries of the place's community (told of consultations, overdue
    appeals and dissatisfied ratings)."""
    community = area_code[:12]
    return list(
        User.objects.filter(
            is_active=True, role_bindings__role=Role.COMMUNITY_SECRETARY, role_bindings__area__code=community
        )
    )


def handlers_of_place(area_code: str) -> list[int]:
    """The keys of the active grid workers of the place's grid and the staff of its community
    (told of every new appeal there)."""
    community, grid = area_code[:12], area_code[:15]
    return sorted({pk for (pk,) in _HANDLERS_OF_PLACE.rows(community, grid)})


# Asked at every intake: compiled once a process (common/compiled.py).
_HANDLERS_OF_PLACE = CompiledQuery(
    lambda community, grid: User.objects.filter(
        Q(role_bindings__area__code=community) | Q(role_bindings__area__code=grid),
        is_active=True,
        role_bindings__role__in=[Role.GRID_WORKER, Role.COMMUNITY_STAFF],
    ).values_list("pk"),
    "-sample-community-",
    "-sample-grid-",
)


def liaison_member(appeal: Appeal) -> Member | None:
    if appeal.household_id is None:
        return None
    link = liaison_of(appeal.household)  # type: ignore[arg-type]
    return link.member if link is not None else None


def user_of(member: Member | None) -> User | None:
    if member is None or member.resident_id is None:
        return None
    return User.objects.filter(resident_id=member.resident_id, is_active=True).first()


def route(appeal: Appeal) -> Route:
    """The default handler for the appeal's category and place."""
    category = appeal.category
    grid = appeal.area_code if len(appeal.area_code) == 15 else ""
    community = appeal.area_code[:12]
    kind = category.handler_type
    if kind == HandlerType.LIAISON_MEMBER:
        member_user = user_of(liaison_member(appeal))
        if member_user is not None:
            return Route(kind, handler=member_user)
        kind = HandlerType.GRID_WORKER
    if kind == HandlerType.SINKING_UNIT and category.unit_id:
        return Route(kind, unit=category.unit)
    if kind == HandlerType.STREET_DEPARTMENT and category.department:
        return Route(kind, department=category.department)
    if kind == HandlerType.GRID_WORKER and grid:
        worker = _least_loaded(Role.GRID_WORKER, grid)
        if worker is not None:
            return Route(HandlerType.GRID_WORKER, handler=worker)
    staff = _least_loaded(Role.COMMUNITY_STAFF, community) or _least_loaded(
        Role.COMMUNITY_SECRETARY, community
    )
    return Route(HandlerType.COMMUNITY_STAFF, handler=staff)
