"""Channels beyond the in-platform message: e-mail (Django's mail backends: SMTP in production,
console in development, memory in tests) and SMS (a pluggable backend class with `send(phone,
text)`; a provider's gateway is one small class named by JICENG_SMS_BACKEND)."""

import logging
from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from jiceng.common.masking import mask_phone
from jiceng.notifications.models import Notification

log = logging.getLogger("jiceng.notifications")


class ConsoleSmsBackend:
    """Development: the message is logged (with the number masked), not sent."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)


class MemorySmsBackend:
    """Tests: messages are kept in `outbox`, as Django's locmem mail backend does for e-mail."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def _text(note: Notification) -> str:
    return f"【基层治理】{note.title}" + (f" {note.body[:60]}" if note.body else "")


def _email(note: Notification) -> bool:
    address = note.recipient.email
    if not address:
        return False
    link = f"\n\n{note.link}" if note.link else ""
    send_mail(note.title, f"{note.body}{link}", settings.DEFAULT_FROM_EMAIL, [address])
    return True


def _sms(note: Notification) -> bool:
    resident = note.recipient.resident
    phone = resident.phone if resident is not None else ""
    if not phone:
        return False
    backend: Any = import_string(settings.SMS_BACKEND)()
    backend.send(phone, _text(note))
    return True


CHANNELS = {"email": _email, "sms": _sms}


def deliver(notification_ids: Iterable[int]) -> int:
    """Send these notifications by every configured channel the recipient can be reached on; a
    failing channel is logged and does not stop the others. Returns how many sends succeeded."""
    sent = 0
    notes = Notification.objects.filter(pk__in=list(notification_ids)).select_related("recipient__resident")
    for note in notes:
        for name in settings.NOTIFY_CHANNELS:
            channel = CHANNELS.get(name)
            if channel is None:
                continue
            try:
                sent += channel(note)
            except Exception:  # a mail server or SMS gateway being down must not lose the others
                log.exception("notification %s by %s failed", note.pk, name)
    return sent
