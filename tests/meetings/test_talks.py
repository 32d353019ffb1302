"""Heart-to-heart talks (谈心谈话): each member at least once a year, counted on the board."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from jiceng.meetings import compliance, queries, rules, services
from jiceng.meetings.models import Talk
from jiceng.meetings.warnings import send_overdue_warnings
from jiceng.notifications.models import Notification
from jiceng.party import services as party
from jiceng.party.models import MemberStatus, OrgKind, OrgType
from tests.conftest import World
from tests.party.factories import party_world


def _talks(world: World, org: object) -> compliance.TypeStatus:
    row = compliance.organisation_compliance(org, timezone.localdate(), world.users["secretary"])  # type: ignore[arg-type]
    assert row is not None
    return next(t for t in row.types if t.meeting_type == rules.TALKS)


def _on_board(world: World, org_id: int) -> compliance.TypeStatus:
    row = next(
        r
        for r in compliance.board(world.users["secretary"], timezone.localdate())
        if r.organisation_id == org_id
    )
    return next(t for t in row.types if t.meeting_type == rules.TALKS)


def _group_member(world: World):  # type: ignore[no-untyped-def]
    """A party group under branch 1 with one member of its own."""
    pw = party_world(world)
    group = party.create_organisation(
        actor=world.users["secretary"],
        name="书画兴趣党小组",
        kind=OrgKind.GROUP,
        org_type=OrgType.INTEREST,
        area=world.grid1,
        parent=pw.branch1,
    )
    return party.register_member(
        actor=world.users["secretary"],
        organisation=group,
        name="孙七",
        gender="F",
        birth_date=datetime.date(1958, 5, 4),
        residence_elsewhere="外区",
        joined_on=datetime.date(1985, 7, 1),
        full_on=datetime.date(1986, 7, 1),
        status=MemberStatus.FULL,
    )


def test_a_branch_owes_each_of_its_members_and_its_groups_members_a_talk_a_year(world: World):
    pw = party_world(world)
    other = _group_member(world)
    assert {m.name for m in queries.talk_members(pw.branch1)} == {"张三", "孙七"}
    assert not queries.talk_members(pw.committee).exists()  # its members are the branches'
    assert _talks(world, pw.branch1).progress == (0, 2)
    today = timezone.localdate()
    services.record_talk(
        actor=world.users["secretary"], member=pw.member1, talked_on=today, talker="社区书记"
    )
    services.record_talk(
        actor=world.users["secretary"], member=pw.member1, talked_on=today, talker="社区书记"
    )
    status = _talks(world, pw.branch1)
    assert status.progress == (1, 2) and not status.current_done  # twice with one is not both
    assert _on_board(world, pw.branch1.pk).progress == (1, 2)
    services.record_talk(actor=world.users["member"], member=other, talked_on=today, talker="张三")
    assert _talks(world, pw.branch1).current_done and _on_board(world, pw.branch1.pk).current_done
    # The committee has no members of its own, so it owes no talk; branch 2 still owes 王五 one.
    committee = compliance.organisation_compliance(pw.committee, today, world.users["secretary"])
    assert committee is not None and all(t.meeting_type != rules.TALKS for t in committee.types)
    assert _talks(world, pw.branch2).progress == (0, 1)


def test_last_years_talk_does_not_count_this_year(world: World):
    pw = party_world(world)
    last_year = datetime.date(timezone.localdate().year - 1, 12, 1)
    services.record_talk(
        actor=world.users["secretary"], member=pw.member1, talked_on=last_year, talker="书记"
    )
    assert _talks(world, pw.branch1).progress == (0, 1)


def test_a_talk_needs_a_past_date_and_a_talker(world: World):
    pw = party_world(world)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.record_talk(
            actor=world.users["secretary"], member=pw.member1, talked_on=tomorrow, talker="书记"
        )
    with pytest.raises(ValidationError, match="请填写谈话人"):
        services.record_talk(
            actor=world.users["secretary"], member=pw.member1, talked_on=timezone.localdate(), talker=" "
        )
    assert not Talk.objects.exists()


def test_only_those_who_manage_the_members_branch_record_a_talk(world: World):
    pw = party_world(world)
    today = timezone.localdate()
    services.record_talk(actor=world.users["member"], member=pw.member1, talked_on=today, talker="张三")
    for persona in ("member", "street", "grid01", "resident"):  # 张三 is branch 1's secretary only
        with pytest.raises(PermissionDenied):
            services.record_talk(actor=world.users[persona], member=pw.member2, talked_on=today, talker="x")
    assert Talk.objects.count() == 1


def test_a_member_sees_only_their_own_talks_and_their_year(world: World):
    pw = party_world(world)
    today = timezone.localdate()
    services.record_talk(actor=world.users["secretary"], member=pw.member1, talked_on=today, talker="书记")
    services.record_talk(actor=world.users["secretary"], member=pw.member2, talked_on=today, talker="书记")
    assert [t.member for t in Talk.objects.visible_to(world.users["resident"])] == []
    assert Talk.objects.visible_to(world.users["street"]).count() == 2
    assert queries.member_year_summary(pw.member1, today.year)["talks"] == 1
    assert queries.member_year_summary(pw.member1, today.year - 1)["talks"] == 0


def test_the_organisation_page_lists_the_talks_and_records_one(world: World):
    pw = party_world(world)
    client = world.client("secretary")
    page = client.get(reverse("meetings:organisation", args=[pw.branch1.pk])).content.decode()
    assert "未谈" in page and 'data-testid="talk-form"' in page
    response = client.post(
        reverse("meetings:talk", args=[pw.branch1.pk]),
        {"member": pw.member1.pk, "talked_on": timezone.localdate().isoformat(), "talker": "社区书记"},
    )
    assert response.status_code == 302
    page = client.get(reverse("meetings:organisation", args=[pw.branch1.pk])).content.decode()
    assert "1/1人" in page and "未谈" not in page
    # Branch 2's member is not branch 1's to talk with.
    refused = client.post(
        reverse("meetings:talk", args=[pw.branch1.pk]),
        {"member": pw.member2.pk, "talked_on": timezone.localdate().isoformat(), "talker": "社区书记"},
    )
    assert refused.status_code == 302 and Talk.objects.count() == 1
    street_page = world.client("street").get(reverse("meetings:organisation", args=[pw.branch1.pk]))
    assert 'data-testid="talk-form"' not in street_page.content.decode()


def test_the_api_records_a_talk_and_lists_the_roll(world: World):
    pw = party_world(world)
    url = f"/api/v1/meetings/organisations/{pw.branch2.pk}/talks"
    body = {"member_id": pw.member2.pk, "talked_on": timezone.localdate().isoformat(), "talker": "社区书记"}
    created = world.client("secretary").post(url, json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    roll = world.client("street").get(url).json()
    assert [(r["name"], r["talks"]) for r in roll] == [("王五", 1)]
    # 张三 is not branch 2's secretary: branch 2 is not theirs to see.
    refused = world.client("member").post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 404


def test_secretaries_are_reminded_at_the_end_of_the_year_of_members_not_talked_with(world: World):
    pw = party_world(world)
    services.record_talk(
        actor=world.users["secretary"], member=pw.member2, talked_on=timezone.localdate(), talker="书记"
    )
    send_overdue_warnings(datetime.date(timezone.localdate().year, 12, 28))
    note = Notification.objects.get(recipient=world.users["member"])  # branch 1's secretary
    assert "谈心谈话：本年尚有1名党员未谈" in note.body
    branch2 = Notification.objects.get(recipient=world.users["secretary"], title__contains=pw.branch2.name)
    assert "谈心谈话" not in branch2.body
