"""The buildings roster: one row per building, placed in a grid and an estate of its community."""

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import scope_for
from jiceng.audit.models import Action
from jiceng.audit.services import Entry
from jiceng.common import bulk
from jiceng.rosters.base import Column, Plan, Roster, Row, Sheet
from jiceng.territory.models import Area, Building, Estate, Level


class BuildingRoster(Roster):
    kind = "buildings"
    sheet_title = _l("楼栋")
    columns = (
        Column(
            "grid",
            _l("网格"),
            required=True,
            max_length=100,
            example="第一网格",
            hint=_l("网格名称或15位网格代码"),
        ),
        Column("estate", _l("小区"), required=True, max_length=100, example="世纪花园"),
        Column("name", _l("楼栋名称"), required=True, max_length=50, example="9号楼"),
        Column("units", _l("单元数"), kind="int", example=2, width=8),
        Column("floors", _l("层数"), kind="int", example=6, width=8),
    )

    def check(self, user: Any, sheet: Sheet, rows: list[Row], plan: Plan) -> None:
        # Creating a building changes the territory as well as importing: both are needed.
        import_scope = scope_for(user, Perm.PEOPLE_IMPORT)
        change_scope = scope_for(user, Perm.TERRITORY_CHANGE)
        grids: dict[str, list[Area]] = defaultdict(list)
        for grid in Area.objects.visible_to(user).filter(level=Level.GRID):
            grids[grid.code].append(grid)
            grids[grid.name].append(grid)
        estates: dict[tuple[int | None, str], Estate] = {
            (e.community_id, e.name): e
            for e in Estate.objects.visible_to(user).filter(name__in={r.values["estate"] for r in rows})
        }
        existing = set(
            Building.objects.filter(estate__in=list(estates.values())).values_list("estate_id", "name")
        )
        first_row: dict[tuple[int, str], int] = {}

        def fail(row: Row, key: str, message: str) -> None:
            plan.errors.append(self.error(sheet, row.number, key, message))

        for row in rows:
            v = row.values
            found = grids.get(v["grid"], [])
            if not found:
                fail(row, "grid", _("找不到网格“%(grid)s”，或它不在您的管辖范围内") % {"grid": v["grid"]})
                continue
            if len(found) > 1:
                fail(row, "grid", _("有多个网格名为“%(grid)s”，请填写网格代码") % {"grid": v["grid"]})
                continue
            grid = found[0]
            if not (import_scope.covers(grid.code) and change_scope.covers(grid.code)):
                fail(row, "grid", _("您没有在“%(grid)s”登记楼栋的权限") % {"grid": grid.name})
                continue
            estate = estates.get((grid.parent_id, v["estate"]))
            if estate is None:
                fail(
                    row,
                    "estate",
                    _("网格“%(grid)s”所在的社区没有小区“%(estate)s”，请先在“辖区”中登记小区")
                    % {"grid": grid.name, "estate": v["estate"]},
                )
                continue
            place = (estate.pk, v["name"])
            if place in first_row:
                fail(row, "name", _("与第%(row)d行的楼栋重复") % {"row": first_row[place]})
                continue
            if place in existing:
                fail(
                    row,
                    "name",
                    _("小区“%(estate)s”已有楼栋“%(name)s”") % {"estate": estate.name, "name": v["name"]},
                )
                continue
            first_row[place] = row.number
            v["_grid"], v["_estate"] = grid, estate
            plan.rows.append(row)

    def write(self, user: Any, plan: Plan) -> tuple[dict[str, int], list[Entry]]:
        buildings = [
            Building(
                grid=r.values["_grid"],
                estate=r.values["_estate"],
                area_code=r.values["_grid"].code,
                name=r.values["name"],
                units=r.values["units"] or 1,
                floors=r.values["floors"] or 6,
            )
            for r in plan.rows
        ]
        bulk.insert(Building, list(buildings))
        entries = [
            Entry(
                Action.CREATE,
                object_type="territory.building",
                object_id=str(b.pk),
                object_repr=f"{b.estate.name}{b.name}",
                fields=("grid", "estate", "name", "units", "floors"),
            )
            for b in buildings
        ]
        return {"buildings": len(buildings)}, entries
