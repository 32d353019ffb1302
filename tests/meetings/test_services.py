"""Planning, scheduling, sign-in, leave, the record of a meeting, the board and the warnings."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jiceng.meetings import compliance, rules, services
from jiceng.meetings.models import Meeting, Presence, Status
from jiceng.meetings.rules import MeetingType
from jiceng.meetings.warnings import send_overdue_warnings
from jiceng.notifications.models import Notification
from jiceng.party import services as party
from jiceng.party.models import MemberStatus, Position
from tests.conftest import World
from tests.meetings.factories import schedule, soon
from tests.party.factories import party_world


def _minutes() -> str:
    return "传达学习上级精神，讨论本季度工作安排，形成决议。"


def test_the_annual_plan_has_each_required_meeting_once_per_period_and_runs_once(world: World):
    branch = party_world(world).branch1  # no committee: 张三 is its secretary alone
    created = services.plan_year(actor=world.users["secretary"], organisation=branch, year=2027)
    counts: dict[str, int] = {}
    for m in created:
        counts[m.meeting_type] = counts.get(m.meeting_type, 0) + 1
    assert counts == {"general": 4, "lecture": 4, "theme_day": 12, "org_life": 1, "appraisal": 1}
    assert all(m.status == Status.PLANNED for m in created)
    assert services.plan_year(actor=world.users["secretary"], organisation=branch, year=2027) == []


def _add_members(world: World, n: int) -> list:
    """n more full members of branch 1, living outside the community."""
    return [
        party.register_member(
            actor=world.users["secretary"],
            organisation=party_world(world).branch1,
            name=f"党员{i}",
            gender="M",
            birth_date=datetime.date(1970 + i, 1, 1),
            residence_elsewhere="外区",
            joined_on=datetime.date(2000, 7, 1),
            full_on=datetime.date(2001, 7, 1),
            status=MemberStatus.FULL,
        )
        for i in range(n)
    ]


def test_a_branch_with_an_elected_committee_also_plans_committee_meetings(world: World):
    pw = party_world(world)
    others = _add_members(world, 6)  # 7 full members elect a committee (支部工作条例 第十五条)
    party.elect_committee(
        actor=world.users["secretary"],
        organisation=pw.branch1,
        elected_on=datetime.date(2026, 1, 5),
        seats=[
            (pw.member1, Position.SECRETARY),
            (others[0], Position.ORGANISATION),
            (others[1], Position.PROPAGANDA),
        ],
    )
    created = services.plan_year(actor=world.users["secretary"], organisation=pw.branch1, year=2027)
    assert sum(1 for m in created if m.meeting_type == MeetingType.COMMITTEE) == 12


def test_scheduling_notifies_every_expected_member_with_an_account(world: World):
    pw = party_world(world)
    meeting = schedule(world, pw.branch1)
    assert meeting.status == Status.SCHEDULED
    assert list(meeting.attendances.values_list("member__name", flat=True)) == ["张三"]
    note = Notification.objects.get(recipient=world.users["member"])
    assert "会议通知" in note.title and "社区党群服务中心" in note.body


def test_a_branch_without_a_committee_cannot_hold_a_committee_meeting(world: World):
    with pytest.raises(ValidationError, match="未设支部委员会"):
        schedule(world, party_world(world).branch1, MeetingType.COMMITTEE)


def test_a_lecture_needs_its_speaker(world: World):
    with pytest.raises(ValidationError) as caught:
        services.schedule_meeting(
            actor=world.users["secretary"],
            organisation=party_world(world).branch1,
            meeting_type=MeetingType.LECTURE,
            title="党课",
            starts_at=soon(),
        )
    assert "讲课人" in str(caught.value)


def test_a_member_signs_in_within_the_window_once(world: World):
    meeting = schedule(world, party_world(world).branch1, at=soon(3))
    with pytest.raises(ValidationError, match="签到将于"):
        services.sign_in(user=world.users["member"], meeting=meeting)
    row = services.sign_in(
        user=world.users["member"], meeting=meeting, now=meeting.starts_at - datetime.timedelta(minutes=30)
    )
    assert row.presence == Presence.PRESENT and row.signed_by == "qr"
    again = services.sign_in(user=world.users["member"], meeting=meeting)
    assert again.signed_in_at == row.signed_in_at
    with pytest.raises(PermissionDenied, match="不是本次会议的应到人员"):
        services.sign_in(user=world.users["resident"], meeting=meeting)


def test_sign_in_closes_four_hours_after_the_start(world: World):
    meeting = schedule(world, party_world(world).branch1)
    late = meeting.starts_at + datetime.timedelta(hours=4, minutes=1)
    with pytest.raises(ValidationError, match="签到已结束"):
        services.sign_in(user=world.users["member"], meeting=meeting, now=late)


def test_leave_is_asked_before_the_meeting(world: World):
    meeting = schedule(world, party_world(world).branch1, at=soon(24))
    row = services.request_leave(user=world.users["member"], meeting=meeting, reason="出差在外")
    assert row.presence == Presence.LEAVE and row.leave_reason == "出差在外"


def _three_member_branch(world: World) -> Meeting:
    _add_members(world, 2)
    return schedule(world, party_world(world).branch1, at=timezone.now() - datetime.timedelta(minutes=5))


def test_a_general_meeting_without_quorum_makes_no_resolution_and_does_not_count(world: World):
    meeting = _three_member_branch(world)
    services.sign_in(user=world.users["member"], meeting=meeting)  # 1 of 3 voting members
    with pytest.raises(ValidationError, match="未超过应到3人的半数"):
        services.record_held(
            actor=world.users["secretary"], meeting=meeting, minutes=_minutes(), resolutions="通过某决议"
        )
    held = services.record_held(actor=world.users["secretary"], meeting=meeting, minutes=_minutes())
    assert held.status == Status.HELD and not held.quorum_reached
    assert held.attendances.filter(presence=Presence.ABSENT).count() == 2
    row = compliance.organisation_compliance(
        party_world(world).branch1, timezone.localdate(), world.users["secretary"]
    )
    assert row is not None
    assert not next(t for t in row.types if t.meeting_type == MeetingType.GENERAL).current_done


def test_a_held_general_meeting_with_quorum_updates_the_board(world: World):
    meeting = _three_member_branch(world)
    ids = list(meeting.attendances.values_list("member_id", flat=True))
    services.mark_attendance(actor=world.users["secretary"], meeting=meeting, present=ids[:2])
    services.record_held(
        actor=world.users["secretary"], meeting=meeting, minutes=_minutes(), resolutions="同意"
    )
    today = timezone.localdate()
    row = compliance.organisation_compliance(party_world(world).branch1, today, world.users["secretary"])
    assert row is not None
    general = next(t for t in row.types if t.meeting_type == MeetingType.GENERAL)
    assert general.current_done
    assert general.met == 1 and general.required == (today.month - 1) // 3 + 1
    assert len(general.overdue) == general.required - 1


def test_a_meeting_cannot_be_recorded_before_it_starts(world: World):
    meeting = schedule(world, party_world(world).branch1, at=soon(2))
    with pytest.raises(ValidationError, match="尚未开始"):
        services.record_held(actor=world.users["secretary"], meeting=meeting, minutes=_minutes())


def test_a_branch_secretary_manages_their_branch_only(world: World):
    pw = party_world(world)  # 张三 (member persona) is the secretary of branch 1
    assert schedule(world, pw.branch1).organisation == pw.branch1
    services.plan_year(actor=world.users["member"], organisation=pw.branch1, year=2027)
    with pytest.raises(PermissionDenied):
        services.plan_year(actor=world.users["member"], organisation=pw.branch2, year=2027)
    with pytest.raises(PermissionDenied):
        services.plan_year(actor=world.users["grid01"], organisation=pw.branch1, year=2027)


def test_the_board_shows_only_organisations_in_scope(world: World):
    pw = party_world(world)
    today = timezone.localdate()
    assert {r.organisation_id for r in compliance.board(world.users["secretary"], today)} == {
        pw.committee.pk,
        pw.branch1.pk,
        pw.branch2.pk,
    }
    assert {r.organisation_id for r in compliance.board(world.users["member"], today)} == {pw.branch1.pk}
    assert compliance.board(world.users["grid01"], today) == []


def test_overdue_warnings_go_to_the_secretaries_once(world: World):
    pw = party_world(world)
    day = datetime.date(timezone.localdate().year, 11, 22)
    sent = send_overdue_warnings(day)
    assert sent > 0
    note = Notification.objects.filter(recipient=world.users["member"]).get()  # branch 1's secretary
    assert pw.branch1.name in note.title and "支部党员大会" in note.body
    assert Notification.objects.filter(recipient=world.users["secretary"]).count() == 3  # each organisation
    assert send_overdue_warnings(day) == 0


def test_the_boards_counts_agree_with_one_organisations_detail(world: World):
    pw = party_world(world)
    meeting = _three_member_branch(world)
    ids = list(meeting.attendances.values_list("member_id", flat=True))
    services.mark_attendance(actor=world.users["secretary"], meeting=meeting, present=ids)
    services.record_held(actor=world.users["secretary"], meeting=meeting, minutes=_minutes())
    # An earlier theme day this year, in another month when there is one.
    if timezone.localdate().month > 1:
        earlier = timezone.now().replace(month=1, day=15)
        theme = schedule(world, pw.branch1, MeetingType.THEME_DAY, at=earlier)
        services.record_held(actor=world.users["secretary"], meeting=theme, minutes=_minutes())
    today = timezone.localdate()
    on_board = next(
        r for r in compliance.board(world.users["secretary"], today) if r.organisation_id == pw.branch1.pk
    )
    detail = compliance.organisation_compliance(pw.branch1, today, world.users["secretary"])
    assert detail is not None
    as_counts = [(t.meeting_type, t.required, t.met, t.current_done, t.overdue_count) for t in on_board.types]
    assert as_counts == [
        (t.meeting_type, t.required, t.met, t.current_done, len(t.overdue)) for t in detail.types
    ]
    assert on_board.year == detail.year and on_board.overdue == detail.overdue


def test_each_branch_secretary_gives_a_lecture_a_year(world: World):
    pw = party_world(world)
    planned = services.plan_year(actor=world.users["secretary"], organisation=pw.branch1, year=2027)
    assert [m.title for m in planned if m.by_secretary] == ["2027年书记讲党课"]

    def secretary_lecture() -> compliance.TypeStatus:
        row = compliance.organisation_compliance(pw.branch1, timezone.localdate(), world.users["secretary"])
        assert row is not None
        return next(t for t in row.types if t.meeting_type == rules.SECRETARY_LECTURE)

    assert not secretary_lecture().current_done and secretary_lecture().label == "书记讲党课"
    started = timezone.now() - datetime.timedelta(minutes=5)
    other = services.schedule_meeting(
        actor=world.users["secretary"], organisation=pw.branch1, meeting_type=MeetingType.LECTURE,
        title="党课：基层治理", starts_at=started, speaker="党校老师",
    )  # fmt: skip
    services.record_held(actor=world.users["secretary"], meeting=other, minutes=_minutes())
    assert not secretary_lecture().current_done  # a lecture by someone else does not count
    own = services.schedule_meeting(
        actor=world.users["secretary"], organisation=pw.branch1, meeting_type=MeetingType.LECTURE,
        title="书记讲党课：学习党章", starts_at=started, speaker="张三", by_secretary=True,
    )  # fmt: skip
    services.record_held(actor=world.users["secretary"], meeting=own, minutes=_minutes())
    assert secretary_lecture().current_done
    on_board = next(
        r
        for r in compliance.board(world.users["secretary"], timezone.localdate())
        if r.organisation_id == pw.branch1.pk
    )
    assert any(t.meeting_type == rules.SECRETARY_LECTURE and t.current_done for t in on_board.types)
