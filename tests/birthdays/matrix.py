"""Entries for tests/test_permission_matrix.py (see its docstring): political birthday pages
and API routes, each naming 王五 (grid 2's branch) or that branch."""

from collections.abc import Callable
from typing import Any

from tests.conftest import World
from tests.party.factories import party_world

PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {
    "birthdays:index": None,
    "birthdays:activity_new": None,
    "birthdays:card": lambda w: {"pk": party_world(w).member2.pk},
}
_B = "/api/v1/birthdays"
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {
    f"GET {_B}/birthdays": (lambda w: {}, None),
    f"GET {_B}/activities": (lambda w: {}, None),
    f"POST {_B}/activities": (
        lambda w: {},
        {"organisation_id": 0, "held_on": "2026-07-01", "member_ids": []},
    ),
}
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {
    f"POST {_B}/activities": lambda w: {
        "organisation_id": party_world(w).branch2.pk,
        "member_ids": [party_world(w).member2.pk],
    },
}
