"""The households roster: one row per dwelling (楼栋、单元、房号)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiceng.audit.models import Action
from jiceng.audit.services import Entry
from jiceng.common import bulk
from jiceng.people.models import Household, HouseholdType
from jiceng.rosters.base import Column, Plan, Roster, Row, Sheet
from jiceng.rosters.places import BuildingLookup, address, address_columns


class HouseholdRoster(Roster):
    kind = "households"
    sheet_title = _l("住户")
    columns = (
        *address_columns(room_example="102"),
        Column(
            "household_type",
            _l("户类型"),
            kind="choice",
            choices=HouseholdType,
            example=str(HouseholdType.REGISTERED.label),
        ),
    )

    def check(self, user: Any, sheet: Sheet, rows: list[Row], plan: Plan) -> None:
        places = BuildingLookup(user, {r.values["estate"] for r in rows})
        existing = set(
            Household.objects.filter(building_id__in=places.building_ids()).values_list(
                "building_id", "unit", "room"
            )
        )
        first_row: dict[tuple[int, int, str], int] = {}
        for row in rows:
            v = row.values
            building, key, message = places.find(v["estate"], v["building"], v["unit"])
            if building is None:
                plan.errors.append(self.error(sheet, row.number, key, message))
                continue
            place = (building.pk, v["unit"], v["room"])
            if place in first_row:
                message = _("与第%(row)d行是同一户（楼栋、单元、房号相同）") % {"row": first_row[place]}
                plan.errors.append(self.error(sheet, row.number, "room", message))
                continue
            if place in existing:
                message = _("%(unit)d单元%(room)s室已登记") % {"unit": v["unit"], "room": v["room"]}
                plan.errors.append(self.error(sheet, row.number, "room", message))
                continue
            first_row[place] = row.number
            v["_building"] = building
            plan.rows.append(row)

    def write(self, user: Any, plan: Plan) -> tuple[dict[str, int], list[Entry]]:
        households = [
            Household(
                building=r.values["_building"],
                area_code=r.values["_building"].area_code,
                unit=r.values["unit"],
                room=r.values["room"],
                household_type=r.values["household_type"] or HouseholdType.REGISTERED,
            )
            for r in plan.rows
        ]
        bulk.insert(Household, list(households))
        entries = [
            Entry(
                Action.CREATE,
                object_type="people.household",
                object_id=str(h.pk),
                object_repr=address(h.building, h.unit, h.room),
                fields=("building", "unit", "room", "household_type"),
            )
            for h in households
        ]
        return {"households": len(households)}, entries
