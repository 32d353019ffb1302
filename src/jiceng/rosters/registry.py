"""Every roster the platform imports and exports, by kind."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jiceng.rosters.base import Roster
from jiceng.rosters.buildings import BuildingRoster
from jiceng.rosters.households import HouseholdRoster
from jiceng.rosters.residents import ResidentRoster

ROSTERS: dict[str, Roster] = {r.kind: r for r in (BuildingRoster(), HouseholdRoster(), ResidentRoster())}


def get_roster(kind: str) -> Roster:
    try:
        return ROSTERS[kind]
    except KeyError:
        raise ValidationError({"kind": _("没有这种花名册")}) from None
