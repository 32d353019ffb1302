"""Entries for tests/test_permission_matrix.py (see its docstring): transfer pages and API
routes, each naming 王五's transfer out of grid 2's branch."""

from collections.abc import Callable
from typing import Any

from tests.conftest import World
from tests.party.factories import party_world
from tests.transfers.factories import their_transfer


def _transfer(w: World) -> dict[str, Any]:
    return {"pk": their_transfer(w).pk}


def _none(w: World) -> dict[str, Any]:
    return {}


PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {
    "transfers:index": None,
    "transfers:new_out": None,
    "transfers:new_in": None,
    "transfers:transfer": _transfer,
    "transfers:complete": _transfer,
    "transfers:close": _transfer,
    "transfers:letter": _transfer,
}
_X = "/api/v1/transfers"
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {
    f"GET {_X}/transfers": (_none, None),
    f"GET {_X}/to-transfer": (_none, None),
    f"GET {_X}/transfers/{{pk}}": (_transfer, None),
    f"POST {_X}/transfers/out": (
        _none,
        {"member_id": 0, "letter_number": "x", "issued_on": "2026-11-01", "external": "x"},
    ),
    f"POST {_X}/transfers/in": (
        _none,
        {
            "to_organisation_id": 0,
            "name": "x",
            "external": "x",
            "letter_number": "x",
            "issued_on": "2026-11-01",
        },
    ),
    f"POST {_X}/transfers/{{pk}}/complete": (_transfer, {"on": "2026-11-10"}),
    f"POST {_X}/transfers/{{pk}}/close": (_transfer, {"status": "cancelled", "note": "误开"}),
}
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {
    f"POST {_X}/transfers/out": lambda w: {"member_id": party_world(w).member2.pk},
    f"POST {_X}/transfers/in": lambda w: {"to_organisation_id": party_world(w).branch2.pk},
}
