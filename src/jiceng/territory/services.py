"""Every change to the territory: each checks permission, runs in a transaction and is audited."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.common.services import apply_changes
from jiceng.territory.models import CHILD_LEVEL, CODE_LENGTH, Area, Building, Estate, Level


def validate_child_code(parent: Area | None, level: str, code: str) -> None:
    """A child's code is its parent's code plus digits, of the length its level takes (GB/T 2260)."""
    length = CODE_LENGTH[Level(level)]
    if not code.isdigit() or len(code) != length:
        raise ValidationError(
            {"code": _("%(level)s代码应为%(n)d位数字") % {"level": Level(level).label, "n": length}}
        )
    if parent is None:
        if level != Level.DISTRICT:
            raise ValidationError({"parent": _("只有区可以没有上级")})
        return
    if CHILD_LEVEL.get(Level(parent.level)) != level:
        raise ValidationError(
            {
                "parent": _("%(parent)s下不能直接设立%(level)s")
                % {"parent": parent.name, "level": Level(level).label}
            }
        )
    if not code.startswith(parent.code):
        raise ValidationError({"code": _("代码应以上级代码%(code)s开头") % {"code": parent.code}})


def validate_boundary(boundary: Any) -> None:
    if boundary in (None, ""):
        return
    geometry = boundary.get("geometry", boundary) if isinstance(boundary, dict) else None
    if (
        not isinstance(geometry, dict)
        or geometry.get("type") not in {"Polygon", "MultiPolygon"}
        or not isinstance(geometry.get("coordinates"), list)
    ):
        raise ValidationError({"boundary": _("边界应为 GeoJSON 的 Polygon 或 MultiPolygon")})


@transaction.atomic
def create_area(*, actor: Any, parent: Area | None, code: str, name: str, boundary: Any = None) -> Area:
    level = Level.DISTRICT if parent is None else CHILD_LEVEL.get(Level(parent.level))
    if level is None:
        raise ValidationError({"parent": _("网格下不能再设下级区域")})
    require(actor, Perm.TERRITORY_CHANGE, parent)
    validate_child_code(parent, level, code)
    validate_boundary(boundary)
    if Area.objects.filter(code=code).exists():
        raise ValidationError({"code": _("代码%(code)s已被使用") % {"code": code}})
    area = Area.objects.create(
        parent=parent, code=code, name=name.strip(), level=level, boundary=boundary or None
    )
    audit.record(actor, Action.CREATE, area, fields=["code", "name", "level", "parent", "boundary"])
    return area


@transaction.atomic
def update_area(*, actor: Any, area: Area, name: str, boundary: Any = None) -> Area:
    require(actor, Perm.TERRITORY_CHANGE, area)
    validate_boundary(boundary)
    area = Area.objects.select_for_update().get(pk=area.pk)
    changed = apply_changes(area, {"name": name.strip(), "boundary": boundary or None})
    if changed:
        area.save(update_fields=[*changed, "updated_at"])
        audit.record(actor, Action.UPDATE, area, fields=changed)
    return area


def _check_estate_fields(fields: dict[str, Any]) -> None:
    if fields.get("property_management") == "company" and not fields.get("property_company", "").strip():
        raise ValidationError({"property_company": _("请填写物业公司名称")})


@transaction.atomic
def create_estate(*, actor: Any, community: Area, name: str, **fields: Any) -> Estate:
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": _("小区应属于一个社区")})
    require(actor, Perm.TERRITORY_CHANGE, community)
    _check_estate_fields(fields)
    if Estate.objects.filter(community=community, name=name.strip()).exists():
        raise ValidationError({"name": _("本社区已有名为“%(name)s”的小区") % {"name": name}})
    estate = Estate.objects.create(community=community, area_code=community.code, name=name.strip(), **fields)
    audit.record(actor, Action.CREATE, estate, fields=["name", "community", *fields])
    return estate


@transaction.atomic
def update_estate(*, actor: Any, estate: Estate, **fields: Any) -> Estate:
    require(actor, Perm.TERRITORY_CHANGE, estate)
    estate = Estate.objects.select_for_update().get(pk=estate.pk)
    _check_estate_fields(
        {
            "property_management": estate.property_management,
            "property_company": estate.property_company,
            **fields,
        }
    )
    changed = apply_changes(estate, fields)
    if changed:
        estate.save(update_fields=[*changed, "updated_at"])
        audit.record(actor, Action.UPDATE, estate, fields=changed)
    return estate


def _check_building_place(grid: Area, estate: Estate) -> None:
    if grid.level != Level.GRID:
        raise ValidationError({"grid": _("楼栋应属于一个网格")})
    if not grid.code.startswith(estate.area_code):
        raise ValidationError(
            {
                "estate": _("小区“%(estate)s”不在网格“%(grid)s”所在的社区")
                % {"estate": estate.name, "grid": grid.name}
            }
        )


@transaction.atomic
def create_building(
    *, actor: Any, grid: Area, estate: Estate, name: str, units: int = 1, floors: int = 6
) -> Building:
    _check_building_place(grid, estate)
    require(actor, Perm.TERRITORY_CHANGE, grid)
    if Building.objects.filter(estate=estate, name=name.strip()).exists():
        raise ValidationError(
            {"name": _("小区“%(estate)s”已有楼栋“%(name)s”") % {"estate": estate.name, "name": name}}
        )
    building = Building.objects.create(
        grid=grid, estate=estate, area_code=grid.code, name=name.strip(), units=units, floors=floors
    )
    audit.record(actor, Action.CREATE, building, fields=["grid", "estate", "name", "units", "floors"])
    return building


@transaction.atomic
def update_building(*, actor: Any, building: Building, **fields: Any) -> Building:
    require(actor, Perm.TERRITORY_CHANGE, building)
    building = Building.objects.select_for_update().select_related("estate").get(pk=building.pk)
    grid = fields.get("grid", building.grid)
    _check_building_place(grid, fields.get("estate", building.estate))
    previous_area = building.area_code
    if "grid" in fields:
        require(actor, Perm.TERRITORY_CHANGE, grid)
        fields["area_code"] = grid.code
    changed = apply_changes(building, fields)
    if changed:
        building.save(update_fields=[*changed, "updated_at"])
        if "area_code" in changed:
            # Households and residents carry the grid code for scoping: keep them in step.
            from jiceng.people.services import regrid_building

            regrid_building(building, previous_area)
        audit.record(actor, Action.UPDATE, building, fields=[f for f in changed if f != "area_code"])
    return building
