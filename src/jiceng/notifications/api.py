"""The user's own notifications under /api/v1/notifications/: nobody reads another's."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from jiceng.notifications import queries, services

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    link: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: int | None
    unread: int


class ReadIn(Schema):
    ids: list[int] | None = None
    all: bool = False


class ReadOut(Schema):
    marked: int
    unread: int


@router.get("", response=NotificationPage)
def list_notifications(
    request: HttpRequest, unread_only: bool = False, after: int | None = None, size: int = 50
) -> Any:
    """The user's messages, newest first (`after`: the previous page's `next_cursor`), and how
    many are unread."""
    qs = queries.own(request.user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    items, next_cursor = queries.newest_first(qs, after, size)
    return {"items": items, "next_cursor": next_cursor, "unread": services.unread_count(request.user)}


@router.post("/read", response=ReadOut)
def mark_read(request: HttpRequest, data: ReadIn) -> Any:
    """Mark the messages `ids` read, or all of them with `all: true`. An id that is not one of
    the user's own messages is 404, as a missing one is."""
    if data.all:
        marked = services.mark_read(request.user)
    elif data.ids:
        if queries.own(request.user).filter(pk__in=data.ids).count() != len(set(data.ids)):
            raise Http404
        marked = services.mark_read(request.user, data.ids)
    else:
        raise ValidationError({"ids": _("请指定要标为已读的通知，或全部标为已读")})
    return {"marked": marked, "unread": services.unread_count(request.user)}
