"""Entries for tests/test_permission_matrix.py (see its docstring): the pages and API routes of
membership development, each naming 李四's application to grid 2's branch."""

from collections.abc import Callable
from typing import Any

from tests.conftest import World
from tests.development.factories import their_development


def _dev(w: World) -> dict[str, Any]:
    return {"pk": their_development(w).pk}


PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {
    "development:index": None,
    "development:new": None,
    "development:person": _dev,
    "development:step": lambda w: {**_dev(w), "key": "talk"},
    "development:receive": _dev,
}
_D = "/api/v1/development"
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {
    f"GET {_D}/people": (lambda w: {}, None),
    f"GET {_D}/people/{{pk}}": (_dev, None),
    f"POST {_D}/people": (lambda w: {}, {"resident_id": 0, "organisation_id": 0, "applied_on": "2026-03-01"}),
    f"POST {_D}/people/{{pk}}/steps/{{key}}": (
        lambda w: {**_dev(w), "key": "talk"},
        {"talk_on": "2026-03-10", "talk_by": "王五"},
    ),
}
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {
    f"POST {_D}/people": lambda w: {
        "resident_id": w.resident2.pk,
        "organisation_id": their_development(w).organisation_id,
    },
}
