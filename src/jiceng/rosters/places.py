"""Finding the buildings a roster names, only among those the uploading user may see."""

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import scope_for
from jiceng.territory.models import Building


class BuildingLookup:
    """One query for every building named in the file; each row then costs a dict lookup."""

    def __init__(self, user: Any, estate_names: set[str]) -> None:
        self.scope = scope_for(user, Perm.PEOPLE_IMPORT)
        self._by_name: dict[tuple[str, str], list[Building]] = defaultdict(list)
        qs = Building.objects.visible_to(user).filter(estate__name__in=estate_names).select_related("estate")
        for building in qs:
            self._by_name[(building.estate.name, building.name)].append(building)

    def building_ids(self) -> set[int]:
        return {b.pk for found in self._by_name.values() for b in found}

    def find(self, estate: str, name: str, unit: int | None = None) -> tuple[Building | None, str, str]:
        """The building, or None with the column to blame and a message a community worker understands."""
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
