"""Finding the buildings a roster names, only among those the uploading user may see."""

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import scope_for
from jiceng.rosters.base import Column
from jiceng.territory.models import Building


class BuildingLookup:
    """One query for every building named in the file; each row then costs a dict lookup."""

    def __init__(self, user: Any, estate_names: set[str], permission: str = Perm.PEOPLE_IMPORT) -> None:
        # The scope of the roster's import permission: the buildings the user may import into.
        self.scope = scope_for(user, permission)
        self._by_name: dict[tuple[str, str], list[Building]] = defaultdict(list)
        qs = Building.objects.visible_to(user).filter(estate__name__in=estate_names).select_related("estate")
        for building in qs:
            self._by_name[(building.estate.name, building.name)].append(building)
        # A roster names the same few hundred dwellings' buildings over and over.
        self._found: dict[tuple[str, str, int | None], tuple[Building | None, str, str]] = {}

    def building_ids(self) -> set[int]:
        return {b.pk for found in self._by_name.values() for b in found}

    def find(self, estate: str, name: str, unit: int | None = None) -> tuple[Building | None, str, str]:
        """The building, or None with the column to blame and a message a community worker understands."""
        key = (estate, name, unit)
        result = self._found.get(key)
        if result is None:
            result = self._found[key] = self._find(estate, name, unit)
        return result

    def _find(self, estate: str, name: str, unit: int | None) -> tuple[Building | None, str, str]:
        found = self._by_name.get((estate, name), [])
        if not found:
            return (
                None,
                "building",
                _("找不到“%(estate)s%(building)s”：请核对小区和楼栋名称，只能导入您所辖范围内的楼栋")
                % {"estate": estate, "building": name},
            )
        if len(found) > 1:
            return None, "building", _("有多个小区名为“%(estate)s”，无法确定楼栋") % {"estate": estate}
        building = found[0]
        if not self.scope.covers(building.area_code):
            return None, "building", _("您没有向“%(building)s”导入数据的权限") % {"building": building}
        if unit is not None and unit > max(building.units, 1):
            return (
                None,
                "unit",
                _("%(building)s只有%(n)d个单元") % {"building": building, "n": building.units},
            )
        return building, "", ""


def address(building: Building, unit: int, room: str) -> str:
    """The same text as Household.address, without loading anything."""
    return f"{building.estate.name}{building.name}{unit}单元{room}室"


def address_columns(room_example: str) -> tuple[Column, ...]:
    """The dwelling's address, the first four columns of the households and residents rosters."""
    return (
        Column("estate", _l("小区"), required=True, max_length=100, example="世纪花园"),
        Column("building", _l("楼栋"), required=True, max_length=50, example="1号楼"),
        Column("unit", _l("单元"), kind="int", required=True, example=1, width=8),
        Column("room", _l("房号"), required=True, max_length=20, example=room_example, width=10),
    )
