"""Writing and verifying the audit chain."""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiceng.audit.context import client_address
from jiceng.audit.models import GENESIS, AuditEvent, ChainHead
from jiceng.common import bulk

CALLER: Any = object()


@dataclass
class Entry:
    action: str
    obj: Any = None
    fields: Iterable[str] = ()
    reason: str = ""
    outcome: str = "ok"
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # Work done later on someone's behalf (the worker completing an intake) names who did it,
    # from where and when; by default it is the caller, the request's address and now.
    actor: Any = CALLER
    address: str | None = None
    at: datetime.datetime | None = None


def record(
    actor: Any,
    action: str,
    obj: Any = None,
    *,
    fields: Iterable[str] = (),
    reason: str = "",
    outcome: str = "ok",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one event. Runs inside the caller's transaction, so it commits or rolls back with it."""
    entry = Entry(action, obj, fields, reason, outcome, object_type, object_id, object_repr)
    return record_many(actor, [entry])[0]


def record_many(actor: Any, entries: Iterable[Entry]) -> list[AuditEvent]:
    # No savepoint inside the caller's transaction: a failure here fails the caller's change too.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        seq, prev = head.seq, head.hash
        now = timezone.now()
        caller = _actor(actor)
        address = client_address.get()
        rows = []
        for entry in entries:
            seq += 1
            obj = entry.obj
            actor_id, actor_name = caller if entry.actor is CALLER else _actor(entry.actor)
            event = AuditEvent(
                seq=seq,
                at=entry.at or now,
                actor_id=actor_id,
                actor_name=actor_name,
                address=address if entry.address is None else entry.address,
                action=entry.action,
                object_type=entry.object_type or (obj._meta.label_lower if obj is not None else ""),
                object_id=entry.object_id or (str(obj.pk) if obj is not None else ""),
                object_repr=(entry.object_repr or (str(obj) if obj is not None else ""))[:200],
                fields=sorted(entry.fields),
                reason=entry.reason[:300],
                outcome=entry.outcome[:20],
                prev_hash=prev,
            )
            event.hash = event.compute_hash()
            prev = event.hash
            rows.append(event)
        bulk.insert(AuditEvent, rows)
        ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)
    return rows


def _actor(actor: Any) -> tuple[int | None, str]:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.pk, actor.get_username()
    return None, ""


def _locked_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = ChainHead.objects.get_or_create(pk=1)
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


@dataclass(frozen=True)
class Problem:
    seq: int
    message: str


def verify(batch: int = 5000) -> Iterator[Problem]:
    """Walk the chain in order; report rows whose hash or link is wrong and gaps in the sequence."""
    expected_seq, prev = 1, GENESIS
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                yield Problem(expected_seq, f"rows {expected_seq}..{row.seq - 1} are missing")
            if row.prev_hash != prev:
                yield Problem(row.seq, "does not link to the row before it")
            if row.compute_hash() != row.hash:
                yield Problem(row.seq, "was changed after it was written")
            expected_seq, prev, last = row.seq + 1, row.hash, row.seq
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (last, prev):
        yield Problem(
            head.seq, f"the log ends at row {last} but its head records row {head.seq}: rows were removed"
        )
