"""Entries for tests/test_permission_matrix.py (see its docstring): the party school's pages
and API routes, each naming grid 2's branch's course, its session, the branch or 王五."""

from collections.abc import Callable
from typing import Any

from tests.conftest import World
from tests.party.factories import party_world
from tests.training.factories import their_course


def _course(w: World) -> dict[str, Any]:
    return {"pk": their_course(w)[0].pk}


def _session(w: World) -> dict[str, Any]:
    return {"pk": their_course(w)[1].pk}


PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {
    "training:index": None,
    "training:course_new": None,
    "training:course": _course,
    "training:session_new": _course,
    "training:enrol": _course,
    "training:session": _session,
    "training:progress": lambda w: {"pk": party_world(w).branch2.pk},
    "training:certificate": lambda w: {"pk": party_world(w).member2.pk},
}
_T = "/api/v1/training"
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {
    f"GET {_T}/courses": (lambda w: {}, None),
    f"GET {_T}/courses/{{pk}}": (_course, None),
    f"POST {_T}/courses": (
        lambda w: {},
        {"organisation_id": 0, "year": 2026, "name": "x", "module": "elective"},
    ),
    f"POST {_T}/courses/{{pk}}/sessions": (
        _course,
        {"starts_at": "2026-03-10T19:00:00+08:00", "hours": "2", "teacher": "x"},
    ),
    f"POST {_T}/courses/{{pk}}/enrol": (_course, {"member_ids": []}),
    f"POST {_T}/sessions/{{pk}}/attendance": (_session, {"present": []}),
    f"GET {_T}/members/{{pk}}/progress": (lambda w: {"pk": party_world(w).member2.pk}, None),
}
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {
    f"POST {_T}/courses": lambda w: {"organisation_id": party_world(w).branch2.pk},
}
