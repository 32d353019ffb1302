"""Issue 3: the party chain on district data, in process.

The liaison assignment for every grid of one whole community, from scratch: inside a
transaction that is rolled back, the community's current links are ended, then
`services.propose_assignment` runs grid by grid as the secretary would (and the proposals are
confirmed, timed apart). Also the uncached coverage count of a street, which the coverage page
and API serve from the cache after the first request.
"""

import statistics
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiceng.party import services
from jiceng.party.models import LiaisonLink, Member
from jiceng.party.queries import count_coverage
from jiceng.territory.models import Area, Level

ASSIGNMENT_TARGET_SECONDS = 5.0


def street_members(street_code: str) -> int:
    return Member.objects.filter(area_code__startswith=street_code, active=True).count()


def assignment(actor: Any, community_code: str, say: Any = print) -> dict[str, Any]:
    grids = list(Area.objects.filter(parent__code=community_code, level=Level.GRID).order_by("code"))
    result: dict[str, Any] = {"community": community_code, "grids": len(grids)}
    with transaction.atomic():
        result["links_ended"] = LiaisonLink.objects.filter(
            area_code__startswith=community_code, ended_on__isnull=True
        ).update(ended_on=timezone.localdate())
        per_grid = []
        proposals = []
        started = time.perf_counter()
        for grid in grids:
            t = time.perf_counter()
            proposal = services.propose_assignment(actor=actor, grid=grid, target=10)
            per_grid.append(round(time.perf_counter() - t, 3))
            proposals.append(proposal)
        result["propose_seconds"] = round(time.perf_counter() - started, 2)
        result["propose_per_grid_max"] = max(per_grid, default=0.0)
        result["households"] = sum(p.uncovered_before for p in proposals)
        result["proposed"] = sum(p.uncovered_before - p.left_uncovered for p in proposals)
        started = time.perf_counter()
        for proposal in proposals:
            services.confirm_proposal(actor=actor, proposal=proposal)
        result["confirm_seconds"] = round(time.perf_counter() - started, 2)
        transaction.set_rollback(True)  # the demo data stays as generated
    result["target_met"] = result["propose_seconds"] < ASSIGNMENT_TARGET_SECONDS
    say(
        f"  assignment of {community_code}: {result['grids']} grids, {result['households']:,} households, "
        f"{result['proposed']:,} proposed in {result['propose_seconds']} s (confirm {result['confirm_seconds']} s)"
    )
    return result


def cold_coverage(street_code: str, repeat: int = 3, say: Any = print) -> dict[str, Any]:
    street = Area.objects.get(code=street_code)
    timings = []
    figures = None
    for _ in range(repeat):
        started = time.perf_counter()
        figures = count_coverage(street)
        timings.append(time.perf_counter() - started)
    assert figures is not None
    result = {
        "street": street_code,
        "households": figures.households,
        "covered": figures.covered,
        "members": figures.members,
        "seconds_median": round(statistics.median(timings), 3),
    }
    say(
        f"  coverage of {street.name} counted without the cache: {result['seconds_median']} s "
        f"({figures.members:,} members, {figures.covered:,}/{figures.households:,} households covered)"
    )
    return result


def run(actor: Any, community_code: str, street_code: str, say: Any = print) -> dict[str, Any]:
    return {
        "street_members": street_members(street_code),
        "coverage_uncached": cold_coverage(street_code, say=say),
        "assignment": assignment(actor, community_code, say=say),
    }
