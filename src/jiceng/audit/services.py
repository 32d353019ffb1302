"""Writing and verifying the audit chain."""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiceng.audit.context import client_address
from jiceng.audit.models import GENESIS, AuditEvent, ChainHead, chain_hash
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
) -> None:
    """Append one event. Runs inside the caller's transaction, so it commits or rolls back with it."""
    record_many(actor, [Entry(action, obj, fields, reason, outcome, object_type, object_id, object_repr)])


# The AuditEvent fields record_many writes, in the order of its rows.
_COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "address",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "fields",
    "reason",
    "outcome",
    "prev_hash",
    "hash",
)


def record_many(actor: Any, entries: Iterable[Entry]) -> int:
    """Append one event per entry, chained in order; returns how many. Rows are written as plain
    values (an import records 100,000 at once), hashed exactly as AuditEvent.compute_hash does,
    and, for entries without an object, each while the database stores the ones before."""
    entries = list(entries)
    # No savepoint inside the caller's transaction: a failure here fails the caller's change too.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        chain = _Chain(head.seq, head.hash, actor)
        rows: Iterable[tuple[Any, ...]] = map(chain.row, entries)
        if any(entry.obj is not None for entry in entries):
            # str(obj) may read the database, which must not be asked while a COPY streams.
            rows = list(rows)
        bulk.insert_rows(AuditEvent, _COLUMNS, rows, count=len(entries))
        ChainHead.objects.filter(pk=head.pk).update(seq=chain.seq, hash=chain.prev)
    return len(entries)


class _Chain:
    """The rows of one call to record_many, each linked to the one before by its hash."""

    def __init__(self, seq: int, prev: str, actor: Any) -> None:
        self.seq, self.prev = seq, prev
        self.now = timezone.now()
        self.at = self.now.isoformat()
        self.actor_id, self.actor_name = _actor(actor)
        self.address = client_address.get()

    def row(self, entry: Entry) -> tuple[Any, ...]:
        self.seq += 1
        obj = entry.obj
        object_type = entry.object_type or (obj._meta.label_lower if obj is not None else "")
        object_id = entry.object_id or (str(obj.pk) if obj is not None else "")
        object_repr = (entry.object_repr or (str(obj) if obj is not None else ""))[:200]
        fields = sorted(entry.fields)
        reason, outcome = entry.reason[:300], entry.outcome[:20]
        actor_id, actor_name = (
            (self.actor_id, self.actor_name) if entry.actor is CALLER else _actor(entry.actor)
        )
        address = self.address if entry.address is None else entry.address
        at = self.now if entry.at is None else entry.at
        payload = {
            "seq": self.seq,
            "at": self.at if entry.at is None else at.isoformat(),
            "actor": actor_id,
            "actor_name": actor_name,
            "address": address,
            "action": entry.action,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": object_repr,
            "fields": fields,
            "reason": reason,
            "outcome": outcome,
        }
        prev, self.prev = self.prev, chain_hash(self.prev, payload)
        return (
            self.seq,
            at,
            actor_id,
            actor_name,
            address,
            entry.action,
            object_type,
            object_id,
            object_repr,
            fields,
            reason,
            outcome,
            prev,
            self.prev,
        )


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
