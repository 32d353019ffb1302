"""Every roster the platform imports and exports, by kind."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jiceng.accounts.scope import has_perm
from jiceng.rosters.base import Roster
from jiceng.rosters.buildings import BuildingRoster
from jiceng.rosters.households import HouseholdRoster
from jiceng.rosters.liaison import LiaisonRoster
from jiceng.rosters.members import MemberRoster
from jiceng.rosters.organisations import OrganisationRoster
from jiceng.rosters.residents import ResidentRoster

ROSTERS: dict[str, Roster] = {
    r.kind: r
    for r in (
        BuildingRoster(),
        HouseholdRoster(),
        ResidentRoster(),
        OrganisationRoster(),
        MemberRoster(),
        LiaisonRoster(),
    )
}


def register(roster: Roster) -> None:
    """Add an app's roster (from its AppConfig.ready); its kind must be one of RosterKind."""
    ROSTERS[roster.kind] = roster


def get_roster(kind: str) -> Roster:
    try:
        return ROSTERS[kind]
    except KeyError:
        raise ValidationError({"kind": _("没有这种花名册")}) from None


def importable(user: Any) -> list[Roster]:
    """The rosters `user` may import somewhere, in the order the pages list them."""
    return [r for r in ROSTERS.values() if has_perm(user, r.import_permission)]


def exportable(user: Any) -> list[Roster]:
    return [r for r in ROSTERS.values() if has_perm(user, r.export_permission)]
