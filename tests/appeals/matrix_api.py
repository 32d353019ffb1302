"""Entries for tests/test_permission_matrix.py (see its docstring): the appeals API, each route
naming grid 2's appeal (raised by the `resident` persona, 李四, at household 2) in its path or
grid 2's household in its body; and the system administrator's category pages."""

from collections.abc import Callable
from typing import Any

from jiceng.appeals import services as appeals
from jiceng.appeals.models import Appeal, Category, Channel
from tests.conftest import World

PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {
    "appeal_categories:index": None,
    "appeal_categories:new": None,
    # A category belongs to no place: only the system administrator may open it (403 for others).
    "appeal_categories:edit": lambda w: {"pk": Category.objects.get(code="garbage").pk},
}


def _their_appeal(w: World) -> Appeal:
    cached = getattr(w, "_appeal2", None)
    if cached is None:
        cached = appeals.submit(
            actor=w.users["resident"],
            channel=Channel.RESIDENT,
            category=Category.objects.get(code="garbage"),
            text="楼下垃圾三天没有清运，气味很大",
            household=w.household2,
        )
        w._appeal2 = cached  # type: ignore[attr-defined]
    return cached


def _appeal2(w: World) -> dict[str, Any]:
    return {"pk": _their_appeal(w).pk}


_A = "/api/v1/appeals"
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {
    f"GET {_A}/categories": (lambda w: {}, None),
    f"GET {_A}/": (lambda w: {}, None),
    f"GET {_A}/similar": (lambda w: {}, None),
    f"GET {_A}/measures": (lambda w: {}, None),
    f"GET {_A}/hot": (lambda w: {}, None),
    f"GET {_A}/{{pk}}": (_appeal2, None),
    f"POST {_A}/": (lambda w: {}, {"category": "garbage", "text": "楼道里堆满杂物，影响通行"}),
    f"POST {_A}/{{pk}}/photos": (_appeal2, {}),
    f"POST {_A}/{{pk}}/accept": (_appeal2, {"version": 1}),
    f"POST {_A}/{{pk}}/answer": (_appeal2, {"version": 1, "reply": "已答复"}),
    f"POST {_A}/{{pk}}/reject": (_appeal2, {"version": 1, "reason": "重复反映"}),
    f"POST {_A}/{{pk}}/merge": (_appeal2, {"version": 1, "into_id": 0}),
    f"POST {_A}/{{pk}}/dispatch": (_appeal2, {"version": 1}),
    f"POST {_A}/{{pk}}/return": (_appeal2, {"version": 1, "reason": "不属本网格"}),
    f"POST {_A}/{{pk}}/helpers": (_appeal2, {}),
    f"POST {_A}/{{pk}}/start": (_appeal2, {"version": 1}),
    f"POST {_A}/{{pk}}/notes": (_appeal2, {"text": "已联系物业"}),
    f"POST {_A}/{{pk}}/handle": (_appeal2, {"version": 1, "result": "已清运"}),
    f"POST {_A}/{{pk}}/verify": (_appeal2, {"version": 1, "resolved": True}),
    f"POST {_A}/{{pk}}/close": (_appeal2, {"version": 1}),
    f"POST {_A}/{{pk}}/rate": (_appeal2, {"rating": "satisfied"}),
    f"POST {_A}/{{pk}}/pause": (_appeal2, {"version": 1, "reason": "等居民在家"}),
    f"POST {_A}/{{pk}}/resume": (_appeal2, {"version": 1}),
}

# Ids in bodies naming grid 2's household.
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {
    f"POST {_A}/": lambda w: {"household_id": w.household2.pk},
}
