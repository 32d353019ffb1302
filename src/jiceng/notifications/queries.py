"""Reading one's own notifications: nobody reads another user's messages, whatever their role."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jiceng.notifications.models import Notification

# Unread messages are shown together at the top of the page; a user with more than this many
# sees the newest and the count (the rest follow once these are read).
UNREAD_SHOWN = 100
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def own(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def own_or_404(user: Any, pk: int) -> Notification:
    """The user's own notification; another user's is 404, as a missing one is."""
    return get_object_or_404(own(user), pk=pk)


def unread(user: Any) -> list[Notification]:
    return list(own(user).filter(read_at__isnull=True).order_by("-pk")[:UNREAD_SHOWN])


def newest_first(
    qs: QuerySet[Notification], before: int | str | None, size: int | str | None = PAGE_SIZE
) -> tuple[list[Notification], int | None]:
    """A keyset page of messages older than the cursor `before`, newest first, and the cursor of
    the next page (None on the last one)."""
    try:
        size = max(1, min(int(size or PAGE_SIZE), MAX_PAGE_SIZE))
    except (TypeError, ValueError):
        size = PAGE_SIZE
    try:
        cursor = int(before) if before not in (None, "") else None
    except (TypeError, ValueError):
        cursor = None
    if cursor is not None:
        qs = qs.filter(pk__lt=cursor)
    rows = list(qs.order_by("-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, rows[-1].pk if more else None
