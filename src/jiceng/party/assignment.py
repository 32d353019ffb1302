"""Proposing liaison links: nearest households first, load balanced around a target.

Each round every member with spare capacity (fewest links first) takes the nearest household
nobody has taken yet, so loads stay within one of each other while each member's households are
as close as the grid allows: same unit, same building, neighbouring buildings (by building
number within the estate), the rest of the grid, and only when asked other grids.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from jiceng.party.models import Nearness

NEIGHBOURING_BUILDING_GAP = 2


@dataclass(frozen=True)
class Place:
    building_id: int
    unit: int
    estate_id: int
    building_number: int
    grid_code: str


@dataclass(frozen=True)
class Candidate:
    member_id: int
    home: Place | None  # None: the member lives outside the community
    load: int


@dataclass(frozen=True)
class Proposal:
    member_id: int
    household_id: int
    nearness: int


def building_number(name: str, fallback: int) -> int:
    """3号楼 → 3; a building without a number keeps its place by id."""
    found = re.search(r"\d+", name)
    return int(found.group()) if found else 100_000 + fallback


def nearness(home: Place | None, place: Place) -> tuple[int, int]:
    if home is None:
        return Nearness.SAME_GRID, 0
    if home.grid_code != place.grid_code:
        return Nearness.OTHER_GRID, abs(home.building_number - place.building_number)
    gap = abs(home.building_number - place.building_number)
    if home.building_id == place.building_id:
        return (Nearness.SAME_UNIT if home.unit == place.unit else Nearness.SAME_BUILDING), 0
    if home.estate_id == place.estate_id and gap <= NEIGHBOURING_BUILDING_GAP:
        return Nearness.NEIGHBOURING_BUILDING, gap
    return Nearness.SAME_GRID, gap if home.estate_id == place.estate_id else 1000 + gap


def propose(
    households: Iterable[tuple[int, Place]], members: Iterable[Candidate], target: int
) -> list[Proposal]:
    houses = list(households)
    preferences: dict[int, list[tuple[int, int, int]]] = {}
    loads: dict[int, int] = {}
    for member in members:
        if member.load >= target:
            continue
        ranked = []
        for household_id, place in houses:
            tier, gap = nearness(member.home, place)
            ranked.append((tier, gap, household_id))
        ranked.sort()
        preferences[member.member_id] = ranked
        loads[member.member_id] = member.load
    pointers = dict.fromkeys(preferences, 0)
    taken: set[int] = set()
    result: list[Proposal] = []
    active = set(preferences)
    while active and len(taken) < len(houses):
        order = []
        for member_id in active:
            ranked, i = preferences[member_id], pointers[member_id]
            while i < len(ranked) and ranked[i][2] in taken:
                i += 1
            pointers[member_id] = i
            if i < len(ranked):
                order.append((loads[member_id], ranked[i][0], ranked[i][1], member_id))
        if not order:
            break
        order.sort()
        for _load, _tier, _gap, member_id in order:
            ranked, i = preferences[member_id], pointers[member_id]
            while i < len(ranked) and ranked[i][2] in taken:
                i += 1
            pointers[member_id] = i
            if i == len(ranked):
                active.discard(member_id)
                continue
            tier, _gap2, household_id = ranked[i]
            taken.add(household_id)
            result.append(Proposal(member_id, household_id, tier))
            loads[member_id] += 1
            if loads[member_id] >= target:
                active.discard(member_id)
    return result
