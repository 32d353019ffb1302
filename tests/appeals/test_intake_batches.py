"""Intake in two halves (appeals/intake.py): the request stores the appeal and answers with its
number; the worker writes its timeline event, notifications and audit record, many at a time."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiceng.appeals import intake, photo_services
from jiceng.appeals import services as appeals
from jiceng.appeals.models import Appeal, AppealEvent, AppealKind, Category, Channel, EventKind
from jiceng.audit import services as audit
from jiceng.audit.context import client_address
from jiceng.audit.models import AuditEvent
from jiceng.notifications.models import Notification
from tests.conftest import World
from tests.party.factories import party_world


@pytest.fixture
def queued(settings: Any) -> None:
    """As in production: a worker runs beside the web server."""
    settings.APPEALS_INTAKE_INLINE = False


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")


def _submit(w: World, actor: str = "resident", **fields: Any) -> Appeal:
    token = client_address.set("203.0.113.9")
    try:
        return appeals.submit(
            actor=w.users[actor],
            channel=Channel.RESIDENT if actor == "resident" else Channel.PATROL,
            category=Category.objects.get(code="garbage"),
            text="楼下垃圾三天没有清运，气味很大",
            household=w.household2,
            **fields,
        )
    finally:
        client_address.reset(token)


def _audited(appeal: Appeal) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="appeals.appeal", object_id=str(appeal.pk)))


def test_the_request_stores_the_appeal_and_the_worker_completes_a_batch(world: World, queued: None):
    party_world(world)
    first = _submit(world, photos=[_photo()])
    second = _submit(world, actor="grid02")
    consultation = _submit(world, kind=AppealKind.CONSULTATION)
    # Answered at once: the appeal and its number are stored, the rest is the worker's.
    # The number is made from the key (on PostgreSQL taken before the insert, no second write).
    assert Appeal.objects.get(pk=first.pk).number == first.number
    assert first.number.startswith("JC") and first.number.endswith(f"{first.pk:06d}")
    assert intake.pending() == 3
    assert not AppealEvent.objects.filter(appeal__in=[first, second, consultation]).exists()
    assert _audited(first) == [] and not Notification.objects.filter(link=f"/appeals/{first.pk}/").exists()

    assert intake.complete_pending() == 3
    assert intake.pending() == 0 and intake.complete_pending() == 0
    for appeal in (first, second, consultation):
        event = AppealEvent.objects.get(appeal=appeal)
        assert (event.kind, event.actor_id, event.at) == (
            EventKind.SUBMITTED,
            appeal.submitter_id,
            appeal.created_at,
        )
        (record,) = _audited(appeal)
        assert (record.action, record.actor_id, record.address, record.at) == (
            "create",
            appeal.submitter_id,
            "203.0.113.9",
            appeal.created_at,
        )
    assert list(_audited(first)[0].fields) == sorted(intake.FIELDS)
    # The photo sent with the submission belongs to its "submitted" event.
    assert first.photos.get().event == AppealEvent.objects.get(appeal=first)
    # The place's grid worker and community staff hear of the appeals, the secretary of the
    # consultation.
    told = set(
        Notification.objects.filter(link=f"/appeals/{first.pk}/").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"grid02", "staff"}
    asked = Notification.objects.filter(link=f"/appeals/{consultation.pk}/").values_list(
        "recipient__username", flat=True
    )
    assert set(asked) == {"secretary"}
    assert list(audit.verify()) == []


def test_steps_taken_before_the_worker_comes_keep_the_timeline_in_order(world: World, queued: None):
    party_world(world)
    appeal = _submit(world)
    grid02 = world.users["grid02"]
    appeals.accept(actor=grid02, appeal=appeal, version=appeal.version)
    photo_services.add_photos(actor=world.users["resident"], appeal=appeal, photos=[_photo()])
    intake.complete_pending()
    kinds = list(Appeal.objects.get(pk=appeal.pk).events.values_list("kind", flat=True))
    assert kinds == [EventKind.SUBMITTED, EventKind.ACCEPTED]
    assert appeal.photos.get().event.kind == EventKind.SUBMITTED
    assert list(audit.verify()) == []


def test_the_commit_signals_the_worker_which_completes_what_is_pending(
    world: World, queued: None, django_capture_on_commit_callbacks: Any
):
    party_world(world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        appeal = _submit(world)
    # Tests run jobs inline: the signal's job has run.
    assert callbacks and intake.pending() == 0
    assert AppealEvent.objects.filter(appeal=appeal, kind=EventKind.SUBMITTED).exists()


def test_a_failing_batch_leaves_its_intakes_pending(
    world: World, queued: None, monkeypatch: pytest.MonkeyPatch
):
    party_world(world)
    appeal = _submit(world)

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("mail store down")

    monkeypatch.setattr(intake, "notify_many", refuse)
    with pytest.raises(RuntimeError):
        intake.complete_pending()
    assert intake.pending() == 1 and not AppealEvent.objects.filter(appeal=appeal).exists()
    monkeypatch.undo()
    assert intake.complete_pending() == 1 and len(_audited(appeal)) == 1


def test_the_appeal_page_says_the_timeline_is_on_its_way_until_the_worker_comes(world: World, queued: None):
    party_world(world)
    appeal = _submit(world)
    client = world.client("resident")
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert 'data-testid="timeline-pending"' in page and 'data-testid="event-submitted"' not in page
    intake.complete_pending()
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert 'data-testid="timeline-pending"' not in page and 'data-testid="event-submitted"' in page


def test_one_job_is_enqueued_until_the_worker_has_caught_up(world: World, queued: None):
    from django.core.cache import cache

    party_world(world)
    _submit(world)
    cache.set(intake.SIGNAL_KEY, 1)  # a job is on its way: no other is enqueued
    intake._signal()
    assert intake.pending() == 1
    assert intake.complete_pending() == 1
    # Caught up: the worker cleared the signal, so the next intake enqueues a job (run inline here).
    assert cache.get(intake.SIGNAL_KEY) is None
    _submit(world)
    intake._signal()
    assert intake.pending() == 0


def test_the_household_of_an_intake_is_read_whole_and_only_within_the_users_scope(world: World):
    from django.http import Http404

    from jiceng.appeals import queries
    from jiceng.people.models import Household

    found = queries.visible_household(world.users["grid02"], world.household2.pk)
    stored = Household.objects.select_related("building__estate").get(pk=world.household2.pk)
    assert found.address == stored.address and found.building.grid_id == stored.building.grid_id
    assert all(
        getattr(found, f.attname) == getattr(stored, f.attname) for f in Household._meta.concrete_fields
    )
    # A resident raises appeals at their own household only; another grid's worker sees nothing.
    assert queries.visible_household(world.users["resident"], world.household2.pk) == stored
    for user, pk in (
        ("grid01", world.household2.pk),
        ("resident", world.household1.pk),
        ("sysadmin", stored.pk),
    ):
        with pytest.raises(Http404):
            queries.visible_household(world.users[user], pk)
    with pytest.raises(Http404):
        queries.visible_household(world.users["grid02"], 0)
