"""Who sees and manages which meetings: another community's secretary sees none of ours, a
member sees the meetings they are expected at and manages none, a branch secretary manages their
own branch only."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from jiceng.accounts.models import User
from jiceng.accounts.roles import Role
from jiceng.meetings import compliance, services
from jiceng.meetings.models import Meeting
from tests.conftest import World, _user
from tests.meetings.factories import schedule, their_meeting
from tests.party.factories import party_world


@pytest.fixture
def other_secretary(world: World) -> User:
    """The secretary of 南定社区, the other community of the same street."""
    user = _user("nanding", Role.COMMUNITY_SECRETARY, world.other_community)
    world.users["nanding"] = user
    return user


def test_another_communitys_secretary_finds_none_of_our_meetings(world: World, other_secretary: User):
    meeting = their_meeting(world)
    branch = party_world(world).branch2
    client = world.client("nanding")
    for name, args in [
        ("meetings:meeting", [meeting.pk]),
        ("meetings:sign", [meeting.sign_in_token]),
        ("meetings:organisation", [branch.pk]),
        ("meetings:register", [branch.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.get(f"/api/v1/meetings/meetings/{meeting.pk}").status_code == 404
    assert client.get("/api/v1/meetings/meetings").json()["items"] == []
    assert client.get("/api/v1/meetings/board").json()["organisations"] == []
    assert branch.name not in client.get(reverse("meetings:board")).content.decode()
    held = client.post(
        f"/api/v1/meetings/meetings/{meeting.pk}/held",
        json.dumps({"minutes": "会议记录会议记录会议记录"}),
        content_type="application/json",
    )
    assert held.status_code == 404
    with pytest.raises(PermissionDenied):
        services.plan_year(actor=other_secretary, organisation=branch, year=2027)


def test_a_member_sees_only_the_meetings_they_are_expected_at_and_manages_none(world: World):
    pw = party_world(world)
    theirs = their_meeting(world)  # branch 2: 王五, not 张三
    ours = schedule(world, pw.branch1)
    assert list(Meeting.objects.visible_to(world.users["member"])) == [ours]
    # 李四 is no party member: no meeting, no board.
    assert not Meeting.objects.visible_to(world.users["resident"]).exists()
    assert world.client("resident").get(reverse("meetings:board")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.cancel_meeting(actor=world.users["member"], meeting=theirs, reason="不想开")
    assert world.client("member").get(reverse("meetings:edit", args=[theirs.pk])).status_code == 404


def test_a_branch_secretary_manages_their_branchs_meetings_only(world: World):
    pw = party_world(world)
    ours = schedule(world, pw.branch1)
    theirs = their_meeting(world)
    client = world.client("member")  # 张三, secretary of branch 1
    assert client.get(reverse("meetings:edit", args=[ours.pk])).status_code == 200
    assert client.get(reverse("meetings:qr", args=[ours.pk])).status_code == 200
    assert client.get(reverse("meetings:qr", args=[theirs.pk])).status_code == 404
    services.cancel_meeting(actor=world.users["member"], meeting=ours, reason="改期召开")
    with pytest.raises(PermissionDenied):
        services.record_held(actor=world.users["member"], meeting=theirs, minutes="会议记录会议记录会议记录")
    # Their board is their branch alone.
    board = compliance.board(world.users["member"], ours.starts_at.date())
    assert [r.organisation_id for r in board] == [pw.branch1.pk]
