"""Entries for tests/test_permission_matrix.py (see its docstring): URL names and API routes of
双报到, each naming an object outside grid 1's reach: 南定社区's unit, pairing and post, or the
registration of 王五, who lives in grid 2. Grid workers hold no 双报到 permission at all, so every
one of them must answer 404; tests/units checks the finer scope (another community's staff)."""

from collections.abc import Callable
from typing import Any

from tests.conftest import World
from tests.units.factories import days_ago, units_world


def _unit(w: World) -> dict[str, Any]:
    return {"pk": units_world(w).other_unit.pk}


def _pairing(w: World) -> dict[str, Any]:
    return {"pk": units_world(w).other_pairing.pk}


def _post(w: World) -> dict[str, Any]:
    return {"pk": units_world(w).other_post.pk}


def _registration(w: World) -> dict[str, Any]:
    return {"pk": units_world(w).registration2.pk}


def _none(w: World) -> dict[str, Any]:
    return {}


PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {
    "units:index": None,
    "units:unit_new": None,
    "units:unit": _unit,
    "units:unit_edit": _unit,
    "units:pairing_new": _unit,
    "units:pairing_end": _pairing,
    "units:posts": None,
    "units:post_new": None,
    "units:post_edit": _post,
    "units:registrations": None,
    "units:registration_new": None,
    "units:registration": _registration,
    "units:registration_posts": _registration,
    "units:registration_end": _registration,
    "units:record_new": _registration,
    "units:register": None,
    "units:mine": None,
}

_END = {"on": days_ago(0).isoformat(), "reason": "测试"}
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {
    "GET /api/v1/units/units": (_none, None),
    "POST /api/v1/units/units": (_none, {"area_code": "", "name": "某单位", "kind": "enterprise"}),
    "GET /api/v1/units/units/{pk}": (_unit, None),
    "PATCH /api/v1/units/units/{pk}": (_unit, {"name": "x"}),
    "GET /api/v1/units/units/{pk}/figures": (_unit, None),
    "GET /api/v1/units/figures": (_none, None),
    "GET /api/v1/units/communities": (_none, None),
    "GET /api/v1/units/pairings": (_none, None),
    "POST /api/v1/units/pairings": (
        _none,
        {
            "unit_id": 0,
            "community_code": "",
            "services": ["义诊"],
            "started_on": days_ago(0).isoformat(),
            "ends_on": days_ago(-365).isoformat(),
        },
    ),
    "GET /api/v1/units/pairings/{pk}": (_pairing, None),
    "POST /api/v1/units/pairings/{pk}/end": (_pairing, _END),
    "GET /api/v1/units/posts": (_none, None),
    "POST /api/v1/units/posts": (_none, {"community_code": "", "name": "x", "capacity": 3}),
    "GET /api/v1/units/posts/{pk}": (_post, None),
    "PATCH /api/v1/units/posts/{pk}": (_post, {"capacity": 9}),
    "GET /api/v1/units/registrations": (_none, None),
    "POST /api/v1/units/registrations": (_none, {"member_id": 0, "work_unit_name": "某公司"}),
    "GET /api/v1/units/registrations/{pk}": (_registration, None),
    "PUT /api/v1/units/registrations/{pk}/posts": (_registration, {"post_ids": []}),
    "POST /api/v1/units/registrations/{pk}/end": (_registration, _END),
    "GET /api/v1/units/records": (_none, None),
    "POST /api/v1/units/registrations/{pk}/records": (
        _registration,
        {"served_on": days_ago(1).isoformat(), "hours": "2", "description": "测试"},
    ),
}

# Bodies naming objects outside grid 1's reach by id or code.
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {
    "POST /api/v1/units/units": lambda w: {"area_code": w.other_community.code},
    "POST /api/v1/units/pairings": lambda w: {
        "unit_id": units_world(w).unit.pk,
        "community_code": w.other_community.code,
    },
    "POST /api/v1/units/posts": lambda w: {"community_code": w.other_community.code},
    "POST /api/v1/units/registrations": lambda w: {"member_id": units_world(w).member2.pk},
}
