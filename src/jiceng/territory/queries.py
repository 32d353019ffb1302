"""Read paths for the territory browser and the dashboard, scoped to the user."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import scope_for
from jiceng.people.models import CURRENT_STATUSES, Household, Resident
from jiceng.territory.models import Area, Building, Estate


def scope_roots(user: Any) -> QuerySet[Area]:
    """The top nodes of the user's area, e.g. one grid for a grid worker."""
    codes = scope_for(user, Perm.TERRITORY_VIEW).area_codes
    return Area.objects.filter(code__in=codes).order_by("code")


MEMBER_STATUSES = ("party_member", "probationary")


def child_counts(parent_code: str, child_length: int, user: Any) -> dict[str, dict[str, int]]:
    """Households and current residents per child node that the user may see."""
    return counts_by_child(
        Resident.objects.visible_to(user).filter(
            area_code__startswith=parent_code, residence_status__in=CURRENT_STATUSES
        ),
        Household.objects.visible_to(user).filter(area_code__startswith=parent_code),
        child_length,
    )


def counts_by_child(
    residents: QuerySet[Resident], households: QuerySet[Household], child_length: int
) -> dict[str, dict[str, int]]:
    """Households, residents and party members per child node (the first `child_length`
    characters of the area code), in two grouped queries."""
    prefix = Substr("area_code", 1, child_length)
    result: dict[str, dict[str, int]] = {}
    for child, n in households.annotate(child=prefix).values_list("child").annotate(n=Count("id")).order_by():
        result.setdefault(child, {})["households"] = n
    rows = (
        residents.annotate(child=prefix)
        .values("child")
        .annotate(n=Count("id"), members=Count("id", filter=Q(political_status__in=MEMBER_STATUSES)))
        .order_by()
    )
    for row in rows:
        entry = result.setdefault(row["child"], {})
        entry["residents"] = row["n"]
        entry["members"] = row["members"]
    return result


def buildings_in(user: Any, grid: Area) -> QuerySet[Building]:
    return (
        Building.objects.visible_to(user)
        .filter(grid=grid)
        .select_related("estate")
        .annotate(household_count=Count("households"))
        .order_by("estate__name", "id")
    )


def estates_in(user: Any, community: Area) -> QuerySet[Estate]:
    return (
        Estate.objects.visible_to(user)
        .filter(community=community)
        .annotate(building_count=Count("buildings", distinct=True))
        .order_by("name")
    )
