"""Sending notifications. In-platform messages are the channel every deployment has; e-mail and
SMS follow through the worker (channels.py); another channel (a WeChat public account) is one
more function there."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from jiceng.notifications.models import Notification
from jiceng.notifications.tasks import deliver_notifications


def notify(recipients: Iterable[Any], title: str, body: str = "", link: str = "", topic: str = "") -> int:
    """Send one message to each recipient; with a `topic`, a recipient who already has that
    topic's message is skipped (reminders run every day). Returns how many were sent. A
    recipient is a user or a user's key."""
    users = {(u if isinstance(u, int) else u.pk): u for u in recipients if u is not None}
    if topic:
        seen = set(
            Notification.objects.filter(recipient_id__in=users, topic=topic).values_list(
                "recipient_id", flat=True
            )
        )
        users = {pk: u for pk, u in users.items() if pk not in seen}
    rows = [Notification(recipient_id=pk, topic=topic, title=title, body=body, link=link) for pk in users]
    with transaction.atomic(savepoint=False):  # bulk_create's own savepoint is not needed here
        Notification.objects.bulk_create(rows, ignore_conflicts=bool(topic))
    _forget_counts(users)
    if rows and settings.NOTIFY_CHANNELS:
        ids = (
            list(
                Notification.objects.filter(topic=topic, recipient_id__in=users).values_list("pk", flat=True)
            )
            if topic  # rows inserted ignoring conflicts come back without their keys
            else [row.pk for row in rows]
        )
        transaction.on_commit(lambda: deliver_notifications(ids))
    return len(rows)


@dataclass(frozen=True)
class Message:
    recipients: Iterable[Any]
    title: str
    body: str = ""
    link: str = ""


def notify_many(messages: Iterable[Message]) -> int:
    """Send many messages at once (the worker completing a batch of intakes): one insert and one
    delivery job for all of them. Returns how many were sent."""
    rows = [
        Notification(recipient_id=pk, title=m.title, body=m.body, link=m.link)
        for m in messages
        for pk in {(u if isinstance(u, int) else u.pk) for u in m.recipients if u is not None}
    ]
    with transaction.atomic(savepoint=False):
        Notification.objects.bulk_create(rows)
    _forget_counts({row.recipient_id for row in rows})
    if rows and settings.NOTIFY_CHANNELS:
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: deliver_notifications(ids))
    return len(rows)


def _count_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def _forget_counts(user_ids: Iterable[int]) -> None:
    keys = [_count_key(pk) for pk in user_ids]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def unread_count(user: Any) -> int:
    """The user's unread messages, counted once and kept until a message arrives or is read
    (every page's menu shows it)."""
    key = _count_key(user.pk)
    count: int | None = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, 3600)
    return count


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own messages read (all of them when `ids` is None)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    marked = qs.update(read_at=timezone.now())
    _forget_counts([user.pk])
    return marked
