"""Entries for tests/test_permission_matrix.py (see its docstring): URL names and API routes of
this part, each naming grid 2's object."""

from collections.abc import Callable
from typing import Any

from tests.conftest import World
from tests.party.factories import party_world

PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {
    "party:organisations": None,
    "party:organisation_new": None,
    "party:organisation": lambda w: {"pk": party_world(w).branch2.pk},
    "party:organisation_edit": lambda w: {"pk": party_world(w).branch2.pk},
    "party:elect": lambda w: {"pk": party_world(w).branch2.pk},
    "party:members": None,
    "party:member_new": None,
    "party:member": lambda w: {"pk": party_world(w).member2.pk},
    "party:member_record": lambda w: {"pk": party_world(w).member2.pk},
    "party:visit_new": lambda w: {"pk": party_world(w).member2.pk},
    "party:member_edit": lambda w: {"pk": party_world(w).member2.pk},
    "party:member_end": lambda w: {"pk": party_world(w).member2.pk},
    "party:identity_sign": lambda w: {"pk": party_world(w).member2.pk},
    "party:central_new": lambda w: {"pk": party_world(w).member2.pk},
    "party:central": lambda w: {"pk": party_world(w).central2.pk},
}
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {}
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {}
