"""The demo's year of meetings and talks, written in bulk, reads like the services' own."""

import datetime

from django.utils import timezone

from jiceng.demo import meetings as demo
from jiceng.meetings import compliance, rules
from jiceng.meetings.models import Meeting, Presence, Status, Talk
from jiceng.notifications.models import Notification
from tests.conftest import World
from tests.party.factories import party_world


def test_the_bulk_year_agrees_with_the_board_and_member01_is_called(world: World):
    pw = party_world(world)
    today = timezone.localdate()
    tally = demo.build(
        secretary=world.users["secretary"], member_user=world.users["member"], today=today, seed=7
    )
    assert "heart-to-heart talks" in str(tally) and tally.meetings == Meeting.objects.count()
    assert tally.talks == Talk.objects.count()
    held = Meeting.objects.filter(status=Status.HELD)
    assert held.count() == tally.held and all(timezone.localtime(m.starts_at).date() <= today for m in held)
    assert not held.filter(attendances__presence=Presence.EXPECTED).exists()
    # Held meetings appear on the board exactly as the detail of one organisation counts them.
    on_board = {r.organisation_id: r for r in compliance.board(world.users["secretary"], today)}
    for org in (pw.committee, pw.branch1, pw.branch2):
        detail = compliance.organisation_compliance(org, today, world.users["secretary"])
        assert detail is not None
        assert [(t.meeting_type, t.met, t.current_done) for t in on_board[org.pk].types] == [
            (t.meeting_type, t.met, t.current_done) for t in detail.types
        ]
    assert any(t.meeting_type == rules.TALKS for t in on_board[pw.branch1.pk].types)
    # member01 (张三) is expected at their branch's next general meeting and was told.
    upcoming = Meeting.objects.get(title__contains="年度党员评议", status=Status.SCHEDULED)
    assert upcoming.organisation == pw.branch1
    assert timezone.localtime(upcoming.starts_at).date() == today + datetime.timedelta(days=2)
    assert Notification.objects.filter(
        recipient=world.users["member"], title__contains=upcoming.title
    ).exists()


def test_the_same_seed_gives_the_same_year(world: World):
    party_world(world)
    today = timezone.localdate()
    demo.build_district(today=today, seed=3)
    first = sorted(Meeting.objects.values_list("organisation_id", "meeting_type", "starts_at", "status"))
    Talk.objects.all().delete()
    Meeting.objects.all().delete()
    demo.build_district(today=today, seed=3)
    assert (
        sorted(Meeting.objects.values_list("organisation_id", "meeting_type", "starts_at", "status")) == first
    )
