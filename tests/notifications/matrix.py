"""Entries for tests/test_permission_matrix.py (see its docstring): the notification pages and API
routes, each naming grid 2's worker's message; nobody else may open or mark it."""

from collections.abc import Callable
from typing import Any

from jiceng.notifications.models import Notification
from jiceng.notifications.services import notify
from tests.conftest import World


def _their_notification(w: World) -> Notification:
    """A message to grid 2's worker (about a household of grid 2, 李四's)."""
    user = w.users["grid02"]
    notify([user], "李四家走访提醒", body="请于本周走访", link=f"/people/households/{w.household2.pk}/")
    return Notification.objects.filter(recipient=user).latest("pk")


PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {
    "notifications:list": None,
    "notifications:read_all": None,
    "notifications:open": lambda w: {"pk": _their_notification(w).pk},
}
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {
    "GET /api/v1/notifications/": (lambda w: {}, None),
    "POST /api/v1/notifications/read": (lambda w: {}, {"ids": []}),
}
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {
    "POST /api/v1/notifications/read": lambda w: {"ids": [_their_notification(w).pk]},
}
