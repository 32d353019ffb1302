"""What a page's map needs: the outlines of the grids it is about (their GeoJSON boundaries),
where to centre when none is drawn, and the tile server if the deployment has one."""

import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q

from jiceng.territory.models import Area, Level

# A map draws at most this many grid outlines (a street's worth); beyond it only the pin.
MAX_OUTLINES = 60


def grid_outlines(area_codes: Iterable[str]) -> dict[str, Any]:
    """The grids in or above these areas that have a boundary, as a GeoJSON FeatureCollection."""
    within = Q(pk__in=[])
    for code in area_codes:
        within |= Q(code__startswith=code[:15])
    grids = (
        Area.objects.filter(within, level=Level.GRID, boundary__isnull=False)
        .order_by("code")
        .values("code", "name", "boundary")[:MAX_OUTLINES]
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": g["boundary"],
                "properties": {"code": g["code"], "name": g["name"]},
            }
            for g in grids
        ],
    }


def map_context(area_codes: Iterable[str]) -> dict[str, str]:
    return {
        "outlines": json.dumps(grid_outlines(area_codes), ensure_ascii=False),
        "centre": settings.MAP_CENTRE,
        "tiles": settings.MAP_TILES,
        "attribution": settings.MAP_ATTRIBUTION,
    }
