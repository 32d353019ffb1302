"""Where a POSTed service request happened: the household, building or grid to hand to
`appeals.services.submit`, found from the specification's location parameters.

- `address_id` is a building's id (the `address_id` this API returns);
- `address_string` names a building by estate and building name ("世纪花园3号楼", with or without
  more detail around it);
- `lat`/`long` fall inside a grid's boundary (GeoJSON drawn on the grid map).

Only places the key's user may submit appeals for are candidates; a resident or party member may
submit for their own household only, so their own building resolves to that household, and a
point alone does too.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm
from jiceng.open311.render import Open311Error
from jiceng.people.models import Household, Resident
from jiceng.territory.models import Area, Building, Level


@dataclass(frozen=True)
class Place:
    household: Household | None = None
    building: Building | None = None
    area: Area | None = None


def parse_point(lat: str, long: str) -> tuple[Decimal, Decimal] | None:
    """Both or neither: the specification sends them as a pair."""
    if not lat and not long:
        return None
    try:
        point = (Decimal(lat), Decimal(long))
    except InvalidOperation:
        point = None
    if (
        point is None
        or not all(p.is_finite() for p in point)
        or not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180)
    ):
        raise Open311Error(400, _("lat 和 long 须同时提供，且为 WGS84 经纬度（如 lat=36.8&long=118.05）"))
    return point


def resolve(
    user: Any, *, address_id: str, address_string: str, point: tuple[Decimal, Decimal] | None
) -> Place:
    if not (address_id or address_string or point):
        raise Open311Error(
            400, _("请提供地点：address_string（小区和楼栋，如“世纪花园3号楼”）、address_id 或 lat/long")
        )
    own = _own_household(user)
    if address_id:
        building = _candidates(user, own).filter(pk=address_id if address_id.isdigit() else 0).first()
        if building is None:
            raise Open311Error(400, _("address_id %(id)s 不是您可以提交诉求的楼栋") % {"id": address_id})
        return _place_of(user, building, own)
    if address_string:
        return _place_of(user, _building_named(user, own, address_string), own)
    assert point is not None
    grid = _grid_at(user, point)
    if grid is not None:
        return Place(area=grid)
    if own is not None:
        return Place(household=own)
    raise Open311Error(400, _("该经纬度不在您负责的任何网格内，请改用 address_string 写明小区和楼栋"))


def _own_household(user: Any) -> Household | None:
    """The user's own household, when they may submit appeals as a resident of it."""
    if not user.resident_id:
        return None
    resident = Resident.objects.select_related("household__building__estate").get(pk=user.resident_id)
    household = resident.household
    return household if has_perm(user, Perm.APPEALS_SUBMIT, household) else None


def _candidates(user: Any, own: Household | None) -> Any:
    visible = Building.objects.visible_to(user, Perm.APPEALS_SUBMIT)
    if own is not None:
        visible = Building.objects.filter(pk__in=visible.values("pk")) | Building.objects.filter(
            pk=own.building_id
        )
    return visible.select_related("estate")


def _building_named(user: Any, own: Household | None, address: str) -> Building:
    """The building whose full name (estate + building) the address contains; the longest wins,
    so "世纪花园13号楼" is not taken for "世纪花园1号楼"."""
    text = "".join(address.split())
    matches = [b for b in _candidates(user, own) if f"{b.estate.name}{b.name}" in text]
    if not matches:
        raise Open311Error(
            400,
            _(
                "未找到地址“%(address)s”对应的楼栋：请写明小区和楼栋（如“世纪花园3号楼”），且须在您的工作范围内"
            )
            % {"address": address},
        )
    longest = max(len(f"{b.estate.name}{b.name}") for b in matches)
    best = [b for b in matches if len(f"{b.estate.name}{b.name}") == longest]
    if len(best) > 1:
        raise Open311Error(
            400, _("地址“%(address)s”对应多个楼栋，请改用 address_id 指明") % {"address": address}
        )
    return best[0]


def _place_of(user: Any, building: Building, own: Household | None) -> Place:
    # A resident names their own building; they may submit for their household only.
    if (
        own is not None
        and own.building_id == building.pk
        and not has_perm(user, Perm.APPEALS_SUBMIT, building)
    ):
        return Place(household=own)
    return Place(building=building)


def _grid_at(user: Any, point: tuple[Decimal, Decimal]) -> Area | None:
    lat, long = float(point[0]), float(point[1])
    grids = Area.objects.visible_to(user, Perm.APPEALS_SUBMIT).filter(
        level=Level.GRID, boundary__isnull=False
    )
    return next((g for g in grids if contains(g.boundary, long, lat)), None)


def contains(boundary: Any, x: float, y: float) -> bool:
    """Is the point (longitude x, latitude y) inside a GeoJSON Polygon or MultiPolygon (or a
    Feature holding one)? Holes are honoured."""
    geometry = boundary.get("geometry", boundary)
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return any(
        _in_ring(polygon[0], x, y) and not any(_in_ring(hole, x, y) for hole in polygon[1:])
        for polygon in polygons
        if polygon
    )


def _in_ring(ring: list[list[float]], x: float, y: float) -> bool:
    # Ray casting: a ray from the point crosses the ring's edges an odd number of times inside.
    inside = False
    for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
        (x1, y1), (x2, y2) = a[:2], b[:2]  # a position may carry an altitude too
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside
