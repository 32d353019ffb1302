"""Figures for the home dashboard, computed for the user's own scope.

- A grid's or a community's figures are kept in the cache and dropped whenever a service changes
  a household or resident there (`invalidate`), so they stay live while many people look at them.
- A street or a district (up to a million residents) takes seconds to count: its figures are
  refreshed by the worker every few minutes (tasks.py) and computed on a miss; the page says when
  they were computed.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import scope_for
from jiceng.party.models import LiaisonLink
from jiceng.party.queries import invalidate_coverage, occupied_households
from jiceng.people.models import CURRENT_STATUSES, CareTag, Household, Resident
from jiceng.territory.models import CHILD_LEVEL, CODE_LENGTH, Area, Level
from jiceng.territory.queries import MEMBER_STATUSES, counts_by_child

# Areas with codes this short (streets and districts) are refreshed by the worker.
CACHED_CODE_LENGTH = CODE_LENGTH[Level.STREET]
# Communities and grids are cached until a change there (with a time limit in case of changes
# made outside the services, such as a restored backup).
LIVE_CODE_LENGTHS = (CODE_LENGTH[Level.COMMUNITY], CODE_LENGTH[Level.GRID])
LIVE_CACHE_SECONDS = 600


@dataclass
class Overview:
    residents: int = 0
    households: int = 0
    members: int = 0
    # Households where someone lives, and those of them with a current liaison party member.
    occupied: int = 0
    covered: int = 0
    by_tag: list[tuple[str, int]] = field(default_factory=list)
    by_child: list[dict[str, Any]] = field(default_factory=list)
    child_label: str = ""
    computed_at: datetime.datetime | None = None
    cached: bool = False

    @property
    def member_share(self) -> float:
        return self.members / self.residents if self.residents else 0.0

    @property
    def coverage_share(self) -> float:
        return self.covered / self.occupied if self.occupied else 0.0


def overview(user: Any) -> Overview:
    scope = scope_for(user, Perm.PEOPLE_VIEW)
    if len(scope.area_codes) == 1 and not scope.household_ids:
        return area_overview(scope.area_codes[0])
    # Several areas, or a person's own household: count what the user may see.
    return _count(
        Resident.objects.visible_to(user).filter(residence_status__in=CURRENT_STATUSES),
        Household.objects.visible_to(user),
        root=None,
    )


def area_overview(code: str) -> Overview:
    result: Overview | None = cache.get(_cache_key(code))
    if result is None:
        result = refresh(code)
    # Only street and district figures may be minutes old; the page says when they were counted.
    result.cached = len(code) <= CACHED_CODE_LENGTH
    return result


def refresh(code: str) -> Overview:
    """Count an area now and keep the result for the dashboard."""
    result = _area_count(code)
    seconds = settings.DASHBOARD_CACHE_SECONDS if len(code) <= CACHED_CODE_LENGTH else LIVE_CACHE_SECONDS
    cache.set(_cache_key(code), result, seconds)
    return result


def invalidate(*area_codes: str) -> None:
    """A household or resident changed in these grids: they and their communities are counted
    afresh. Dropped now and again after the commit, so a count taken mid-transaction is not kept."""
    keys = {_cache_key(code[:n]) for code in area_codes for n in LIVE_CODE_LENGTHS if len(code) >= n}
    invalidate_coverage(*area_codes)
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _cache_key(code: str) -> str:
    return f"dashboard:overview:{code}"


def _area_count(code: str) -> Overview:
    residents = Resident.objects.filter(area_code__startswith=code, residence_status__in=CURRENT_STATUSES)
    households = Household.objects.filter(area_code__startswith=code)
    return _count(residents, households, root=Area.objects.filter(code=code).first())


def _count(residents: QuerySet[Resident], households: QuerySet[Household], root: Area | None) -> Overview:
    totals = residents.aggregate(
        n=Count("id"), members=Count("id", filter=Q(political_status__in=MEMBER_STATUSES))
    )
    result = Overview(
        residents=totals["n"],
        members=totals["members"],
        households=households.count(),
        computed_at=timezone.now(),
    )
    linked = LiaisonLink.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)
    coverage = occupied_households(households).aggregate(
        n=Count("id"), covered=Count("id", filter=Q(Exists(linked)))
    )
    result.occupied, result.covered = coverage["n"], coverage["covered"]
    tag_counts = dict(
        residents.filter(care_tags__isnull=False).values_list("care_tags").annotate(n=Count("id")).order_by()
    )
    result.by_tag = [(t.name, tag_counts.get(t.pk, 0)) for t in CareTag.objects.filter(active=True)]
    child_level = CHILD_LEVEL.get(Level(root.level)) if root else None
    if root is None or child_level is None:
        return result
    result.child_label = str(child_level.label)
    counts = counts_by_child(residents, households, CODE_LENGTH[child_level])
    names = dict(Area.objects.filter(parent=root).values_list("code", "name"))
    # Children with residents, in code order (as the charts list them).
    result.by_child = [
        {
            "code": code,
            "name": names.get(code, code),
            "residents": c["residents"],
            "members": c["members"],
            "households": c.get("households", 0),
        }
        for code, c in sorted(counts.items())
        if "residents" in c
    ]
    return result
