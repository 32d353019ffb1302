"""Entries for tests/test_permission_matrix.py (see its docstring): URL names and API routes of
this part, each naming grid 2's object."""

from collections.abc import Callable
from typing import Any

from jiceng.party import services as party
from jiceng.party.models import AssignmentProposal
from tests.conftest import World
from tests.party.factories import party_world


def _grid2_proposal(w: World) -> AssignmentProposal:
    """A draft proposal for grid 2, made by the community secretary."""
    party_world(w)
    return party.propose_assignment(actor=w.users["secretary"], grid=w.grid2)


def _grid2(w: World) -> dict[str, Any]:
    party_world(w)
    return {"code": w.grid2.code}


def _household2(w: World) -> dict[str, Any]:
    """李四's household in grid 2, which 王五 liaises with."""
    party_world(w)
    return {"pk": w.household2.pk}


PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {
    "party:chain": None,
    "party:chain_tree": None,
    "party:chain_node": lambda w: {"kind": "org", "pk": party_world(w).branch2.pk},
    "party:coverage": None,
    "party:uncovered": None,
    "party:idle_members": None,
    "party:grid": _grid2,
    "party:assign": _grid2,
    "party:proposal": lambda w: {"pk": _grid2_proposal(w).pk},
    "party:proposal_confirm": lambda w: {"pk": _grid2_proposal(w).pk},
    "party:proposal_discard": lambda w: {"pk": _grid2_proposal(w).pk},
    "party:link_household": _household2,
    "party:call_liaison": _household2,
    "party:end_link": lambda w: {"pk": party_world(w).link2.pk},
}
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {}
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {}
