"""Intake in two halves. The request checks the appeal, stores it and answers with its number at
once; its first timeline event, its audit record and its handlers' notifications follow from the
worker in batches: one transaction, one lock of the audit chain's head and one insert of each
kind for up to BATCH appeals. A queue row (PendingIntake) is written with the appeal, so nothing
is lost if the worker is down: it completes what is pending when it comes back, and a sweep every
minute catches a missed signal.

Without a worker (tests, JICENG_HUEY_IMMEDIATE=1) the same `complete` runs inside the request's
transaction (settings.APPEALS_INTAKE_INLINE). Measured in docs/performance.md ("Appeal intake").
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils.translation import gettext as _

from jiceng.appeals import routing
from jiceng.appeals.models import (
    Appeal,
    AppealEvent,
    AppealKind,
    AppealPhoto,
    EventKind,
    PendingIntake,
    Status,
)
from jiceng.audit import services as audit
from jiceng.audit.context import client_address
from jiceng.audit.models import Action
from jiceng.notifications.services import Message, notify_many

BATCH = 200
# Set by the first intake after the worker last found nothing to do, cleared by the worker when
# it next finds nothing (complete_pending): a burst of intakes enqueues one job, not one each. It
# expires by itself should a worker stop mid-way.
SIGNAL_KEY = "appeals:intake:signal"
SIGNAL_SECONDS = 30
# What the audit record of an intake names as changed (never the values).
FIELDS = ("category", "text", "household", "reporter_phone")


def queue(appeal: Appeal) -> None:
    """Called by services.submit inside its transaction, once the appeal is stored."""
    if settings.APPEALS_INTAKE_INLINE:
        complete([appeal])
        return
    with connection.cursor() as cursor:  # one small row: the ORM's insert would cost more than it
        cursor.execute(_QUEUE_SQL, [appeal.pk, client_address.get()[:64]])
    transaction.on_commit(_signal)


_QUEUE_SQL = "INSERT INTO {} ({}, {}) VALUES (%s, %s)".format(
    *(connection.ops.quote_name(n) for n in (PendingIntake._meta.db_table, "appeal_id", "address"))
)


def _signal() -> None:
    if cache.add(SIGNAL_KEY, 1, SIGNAL_SECONDS):
        from jiceng.appeals.tasks import complete_intakes

        complete_intakes()


def pending() -> int:
    return PendingIntake.objects.count()


def complete_pending(batch: int = BATCH) -> int:
    """Run by the worker: complete every pending intake, `batch` to a transaction, oldest first.
    Two workers at once take different rows (SKIP LOCKED on PostgreSQL). Returns how many.

    The signal stays set while the worker works, so intakes arriving meanwhile enqueue nothing
    and wait for the next batch (under load, batches grow instead of jobs multiplying). When
    nothing is left it is cleared, and the queue is read once more for intakes that committed
    before they could signal."""
    done = 0
    while True:
        taken = _complete_batch(batch)
        if not taken:
            cache.delete(SIGNAL_KEY)
            taken = _complete_batch(batch)
            if not taken:
                return done
        done += taken


def _complete_batch(batch: int) -> int:
    with transaction.atomic():
        rows = dict(
            PendingIntake.objects.select_for_update(skip_locked=True)
            .order_by("appeal_id")
            .values_list("appeal_id", "address")[:batch]
        )
        if rows:
            appeals = list(
                Appeal.objects.filter(pk__in=rows).select_related("category", "submitter").order_by("pk")
            )
            complete(appeals, addresses=rows)
            PendingIntake.objects.filter(appeal_id__in=rows).delete()
    return len(rows)


def complete(appeals: list[Appeal], addresses: Mapping[int, str] | None = None) -> None:
    """The second half of intake for these appeals: the timeline's "submitted" event (dated when
    the appeal was submitted; the submitter's photos joined to it), the notifications (a
    consultation goes to the community secretaries, an appeal to the place's grid workers and
    community staff) and, last, the audit records, each naming the submitter, their address and
    the time of submission."""
    if not appeals:
        return
    events = AppealEvent.objects.bulk_create(
        [
            AppealEvent(
                appeal=a,
                kind=EventKind.SUBMITTED,
                actor_id=a.submitter_id,
                to_status=Status.SUBMITTED,
                at=a.created_at,
            )
            for a in appeals
        ]
    )
    _join_photos({e.appeal_id: e.pk for e in events})
    handlers = _recipients(appeals)
    notify_many(
        Message(
            handlers[a.pk],
            _("新%(kind)s：%(category)s") % {"kind": a.get_kind_display(), "category": a.category.name},
            body=a.text[:200],
            link=f"/appeals/{a.pk}/",
        )
        for a in appeals
    )
    # Last: the audit chain's head stays locked until the commit.
    audit.record_many(
        None,
        [
            audit.Entry(
                Action.CREATE,
                a,
                fields=FIELDS,
                actor=a.submitter,
                address=None if addresses is None else addresses.get(a.pk, ""),
                at=a.created_at,
            )
            for a in appeals
        ],
    )


def _recipients(appeals: Iterable[Appeal]) -> dict[int, list[Any]]:
    """Each appeal's recipients, asked once per place and kind in the batch."""
    asked: dict[tuple[str, bool], list[Any]] = {}
    found: dict[int, list[Any]] = defaultdict(list)
    for a in appeals:
        consultation = a.kind == AppealKind.CONSULTATION
        key = (a.area_code[:12] if consultation else a.area_code, consultation)
        if key not in asked:
            asked[key] = (
                routing.community_secretaries(key[0]) if consultation else routing.handlers_of_place(key[0])
            )
        found[a.pk] = asked[key]
    return found


def _join_photos(event_of: Mapping[int, int]) -> None:
    """Photos sent with the submission were stored before their event existed."""
    waiting: dict[int, list[int]] = defaultdict(list)
    for pk, appeal_id in AppealPhoto.objects.filter(appeal_id__in=event_of, event__isnull=True).values_list(
        "pk", "appeal_id"
    ):
        waiting[event_of[appeal_id]].append(pk)
    for event_id, photo_ids in waiting.items():
        AppealPhoto.objects.filter(pk__in=photo_ids).update(event_id=event_id)
