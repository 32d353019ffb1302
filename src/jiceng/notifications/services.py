"""Sending notifications. In-platform messages are the channel every deployment has; others
(SMS, a WeChat public account) can be added behind `notify` later."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiceng.notifications.models import Notification


def notify(recipients: Iterable[Any], title: str, body: str = "", link: str = "", topic: str = "") -> int:
    """Send one message to each recipient; with a `topic`, a recipient who already has that
    topic's message is skipped (reminders run every day). Returns how many were sent."""
    users = {u.pk: u for u in recipients if u is not None}
    if topic:
        seen = set(
            Notification.objects.filter(recipient_id__in=users, topic=topic).values_list(
                "recipient_id", flat=True
            )
        )
        users = {pk: u for pk, u in users.items() if pk not in seen}
    rows = [Notification(recipient_id=pk, topic=topic, title=title, body=body, link=link) for pk in users]
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=bool(topic))
    return len(rows)


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own messages read (all of them when `ids` is None)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
