"""Entries for tests/test_permission_matrix.py (see its docstring): the party chain's API routes,
each naming grid 2's objects (from tests/party/factories.py) in its path or body."""

from collections.abc import Callable
from typing import Any

from jiceng.party import services as party
from jiceng.party.models import AssignmentProposal
from tests.conftest import World
from tests.party.factories import party_world

PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {}


def _their_proposal(w: World) -> AssignmentProposal:
    """A proposal for grid 2, made by the community secretary."""
    party_world(w)
    return party.propose_assignment(actor=w.users["secretary"], grid=w.grid2)


def _branch2(w: World) -> dict[str, Any]:
    return {"pk": party_world(w).branch2.pk}


def _member2(w: World) -> dict[str, Any]:
    return {"pk": party_world(w).member2.pk}


def _proposal(w: World) -> dict[str, Any]:
    return {"pk": _their_proposal(w).pk}


_P = "/api/v1/party"
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {
    f"GET {_P}/organisations": (lambda w: {}, None),
    f"GET {_P}/organisations/{{pk}}": (_branch2, None),
    f"POST {_P}/organisations": (
        lambda w: {},
        {"name": "书画趣缘党小组", "kind": "group", "org_type": "interest", "area": ""},
    ),
    f"PATCH {_P}/organisations/{{pk}}": (_branch2, {"name": "x"}),
    f"POST {_P}/organisations/{{pk}}/terms": (_branch2, {"elected_on": "2026-03-01", "seats": []}),
    f"GET {_P}/organisations/{{pk}}/children": (_branch2, None),
    f"GET {_P}/chain": (lambda w: {}, None),
    f"GET {_P}/members": (lambda w: {}, None),
    f"GET {_P}/members/{{pk}}": (_member2, None),
    f"POST {_P}/members": (
        lambda w: {},
        {"organisation_id": 0, "joined_on": "2010-07-01", "status": "probationary"},
    ),
    f"PATCH {_P}/members/{{pk}}": (_member2, {"occupation": "x"}),
    f"POST {_P}/members/{{pk}}/end": (_member2, {"on": "2026-01-01", "reason": "转出"}),
    f"GET {_P}/members/{{pk}}/visits": (_member2, None),
    f"POST {_P}/members/{{pk}}/visits": (
        _member2,
        {"link_id": 0, "visited_on": "2026-01-01", "summary": "了解近况"},
    ),
    f"GET {_P}/members/{{pk}}/record": (_member2, None),
    f"GET {_P}/central-households": (lambda w: {}, None),
    f"POST {_P}/central-households": (lambda w: {}, {"keeper_id": 0, "designated_on": "2026-01-01"}),
    f"POST {_P}/central-households/{{pk}}/members": (
        lambda w: {"pk": party_world(w).central2.pk},
        {"member_ids": []},
    ),
    f"GET {_P}/links": (lambda w: {}, None),
    f"POST {_P}/links": (lambda w: {}, {"member_id": 0, "household_id": 0}),
    f"POST {_P}/links/{{pk}}/end": (lambda w: {"pk": party_world(w).link2.pk}, {}),
    f"GET {_P}/coverage/{{code}}": (lambda w: {"code": w.grid2.code}, None),
    f"GET {_P}/uncovered-households": (lambda w: {}, None),
    f"POST {_P}/proposals": (lambda w: {}, {"grid": "", "target": 10}),
    f"GET {_P}/proposals/{{pk}}": (_proposal, None),
    f"POST {_P}/proposals/{{pk}}/confirm": (_proposal, {"excluded": []}),
    f"POST {_P}/proposals/{{pk}}/discard": (_proposal, None),
}

# Ids in bodies naming grid 2's organisation, members, resident, household and grid.
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {
    f"POST {_P}/organisations": lambda w: {"parent_id": party_world(w).branch2.pk, "area": w.grid2.code},
    f"POST {_P}/organisations/{{pk}}/terms": lambda w: {
        "seats": [{"member_id": party_world(w).member2.pk, "position": "secretary"}]
    },
    f"POST {_P}/members": lambda w: {
        "organisation_id": party_world(w).branch2.pk,
        "resident_id": w.resident2.pk,
    },
    f"POST {_P}/central-households": lambda w: {"keeper_id": party_world(w).member2.pk},
    f"POST {_P}/central-households/{{pk}}/members": lambda w: {"member_ids": [party_world(w).member2.pk]},
    f"POST {_P}/links": lambda w: {"member_id": party_world(w).member2.pk, "household_id": w.household2.pk},
    f"POST {_P}/proposals": lambda w: {"grid": w.grid2.code},
}
