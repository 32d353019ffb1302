"""Entries for tests/test_permission_matrix.py (see its docstring): the dues pages and API routes,
each naming 王五 of grid 2's branch, his assessment, or grid 2's branch."""

from collections.abc import Callable
from typing import Any

from tests.conftest import World
from tests.dues.factories import their_assessment
from tests.party.factories import party_world


def _member(w: World) -> dict[str, Any]:
    return {"pk": party_world(w).member2.pk}


def _none(w: World) -> dict[str, Any]:
    return {}


PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {
    "dues:index": None,
    "dues:pay": lambda w: {"pk": party_world(w).branch2.pk},
    "dues:report": None,
    "dues:member": _member,
    "dues:assess": _member,
    "dues:extra": _member,
    "dues:hardship": lambda w: {"pk": their_assessment(w).pk},
}
_U = "/api/v1/dues"
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {
    f"GET {_U}/ledger": (_none, None),
    f"GET {_U}/members/{{pk}}": (_member, None),
    f"POST {_U}/members/{{pk}}/assessments": (
        _member,
        {"category": "student", "effective_from": "2026-01-01", "reason": "年度核定"},
    ),
    f"POST {_U}/members/{{pk}}/payments": (_member, {"month": "2026-01-01", "method": "cash"}),
    f"POST {_U}/members/{{pk}}/extra": (
        _member,
        {"amount": "100", "method": "cash", "paid_on": "2026-01-05"},
    ),
    f"GET {_U}/report": (_none, None),
}
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {}
