"""Entries for tests/test_permission_matrix.py (see its docstring): the appeal pages, each naming
an appeal of grid 2 (raised by the `resident` persona, 李四, at household 2) or its photo."""

from collections.abc import Callable
from typing import Any

from jiceng.appeals import services as appeals
from jiceng.appeals.models import Appeal, AppealPhoto, Category, Channel
from tests.conftest import World


def _grid2_appeal(w: World) -> Appeal:
    cached = getattr(w, "_pages_appeal2", None)
    if cached is None:
        cached = appeals.submit(
            actor=w.users["resident"],
            channel=Channel.RESIDENT,
            category=Category.objects.get(code="garbage"),
            text="楼下垃圾三天没有清运，气味很大",
            household=w.household2,
            reporter_phone="13912345678",
        )
        w._pages_appeal2 = cached  # type: ignore[attr-defined]
    return cached


def _appeal2(w: World) -> dict[str, Any]:
    return {"pk": _grid2_appeal(w).pk}


def _photo2(w: World) -> dict[str, Any]:
    # A row naming a file that is never written: the matrix checks access before any file is read.
    photo = AppealPhoto.objects.create(appeal=_grid2_appeal(w), image="appeals/matrix/none.png")
    return {"pk": photo.pk}


PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {
    "appeals:index": None,
    "appeals:new": None,
    "appeals:lookup": None,
    "appeals:households": None,
    "appeals:similar": None,
    "appeals:detail": _appeal2,
    "appeals:call": _appeal2,
    "appeals:act": lambda w: {**_appeal2(w), "action": "accept"},
    "appeals:photo": _photo2,
}
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {}
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {}
