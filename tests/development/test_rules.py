"""Each rule of 发展党员工作细则 at its boundary: the day before is refused with a message naming
the rule, the day itself is allowed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jiceng.development import rules, services
from jiceng.development.models import Stage
from tests.conftest import World
from tests.development.factories import (
    D,
    applicant,
    at_activist,
    at_candidate,
    ready_for_vote,
    reports_for,
    second_member,
)
from tests.party.factories import party_world


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_an_applicant_must_be_18_on_the_day_of_application(world: World):
    resident = applicant(world, birth=D(2008, 11, 22))
    with pytest.raises(ValidationError) as caught:
        services.apply(
            actor=world.users["secretary"],
            resident=resident,
            organisation=party_world(world).branch1,
            applied_on=D(2026, 11, 21),
        )
    assert "年满18周岁" in _messages(caught) and "17周岁" in _messages(caught)
    dev = services.apply(
        actor=world.users["secretary"],
        resident=resident,
        organisation=party_world(world).branch1,
        applied_on=D(2026, 11, 22),
    )
    assert dev.stage == Stage.APPLICANT


def test_the_talk_is_within_one_month_of_the_application(world: World):
    dev = services.apply(
        actor=world.users["secretary"],
        resident=applicant(world),
        organisation=party_world(world).branch1,
        applied_on=D(2026, 1, 31),
    )
    assert rules.talk_due(D(2026, 1, 31)) == D(2026, 3, 1)  # February has no 31st: the limit is not cut short
    with pytest.raises(ValidationError) as caught:
        services.record_talk(actor=world.users["secretary"], dev=dev, talk_on=D(2026, 3, 2), talk_by="张三")
    assert "一个月内" in _messages(caught) and "第九条" in _messages(caught)
    services.record_talk(actor=world.users["secretary"], dev=dev, talk_on=D(2026, 3, 1), talk_by="张三")


def test_an_activist_needs_one_or_two_full_member_contacts(world: World):
    actor = world.users["secretary"]
    dev = services.apply(
        actor=actor,
        resident=applicant(world),
        organisation=party_world(world).branch1,
        applied_on=D(2026, 1, 5),
    )
    services.record_talk(actor=actor, dev=dev, talk_on=D(2026, 1, 20), talk_by="张三")
    with pytest.raises(ValidationError, match="一至两名"):
        services.make_activist(actor=actor, dev=dev, on=D(2026, 3, 1), contacts=[])
    services.make_activist(
        actor=actor, dev=dev, on=D(2026, 3, 1), contacts=[party_world(world).member1, second_member(world)]
    )
    assert dev.contacts.count() == 2


def test_one_day_short_of_a_year_of_training_is_refused(world: World):
    dev = at_activist(world, activist_on=D(2023, 3, 1))
    reports_for(world, dev, [(2023, 5), (2023, 8), (2023, 11)])
    introducers = [party_world(world).member1, second_member(world)]
    with pytest.raises(ValidationError) as caught:
        services.make_candidate(
            actor=world.users["secretary"], dev=dev, on=D(2024, 2, 29), introducers=introducers
        )
    assert "培养教育和考察不满一年" in _messages(caught) and "还差1天" in _messages(caught)
    services.make_candidate(
        actor=world.users["secretary"], dev=dev, on=D(2024, 3, 1), introducers=introducers
    )
    assert dev.stage == Stage.CANDIDATE


def test_a_missing_quarterly_thought_report_holds_the_candidate_back(world: World):
    dev = at_activist(world, activist_on=D(2023, 3, 1))
    reports_for(world, dev, [(2023, 5), (2023, 11)])
    with pytest.raises(ValidationError, match="2023-Q3"):
        services.make_candidate(
            actor=world.users["secretary"],
            dev=dev,
            on=D(2024, 3, 1),
            introducers=[party_world(world).member1, second_member(world)],
        )


def test_a_candidate_needs_two_introducers_who_are_full_members(world: World):
    dev = at_activist(world)
    reports_for(world, dev, [(2023, 5), (2023, 8), (2023, 11)])
    with pytest.raises(ValidationError, match="两名正式党员"):
        services.make_candidate(
            actor=world.users["secretary"],
            dev=dev,
            on=D(2024, 3, 1),
            introducers=[party_world(world).member1],
        )


@pytest.mark.parametrize(
    ("days", "hours", "ok"),
    [(Decimal("2.5"), 23, False), (None, 24, True), (Decimal(3), None, True), (None, None, False)],
)
def test_concentrated_training_is_3_days_or_24_class_hours(world: World, days, hours, ok):
    dev = at_candidate(world)
    if ok:
        services.record_training(
            actor=world.users["secretary"], dev=dev, finished_on=D(2024, 4, 20), days=days, hours=hours
        )
        assert dev.training_finished_on == D(2024, 4, 20)
    else:
        with pytest.raises(ValidationError, match="第十九条"):
            services.record_training(
                actor=world.users["secretary"], dev=dev, finished_on=D(2024, 4, 20), days=days, hours=hours
            )


def test_five_working_days_of_public_notice_skip_the_national_day_holiday(world: World):
    # Tuesday 29 September 2026: 29th, 30th, then 国庆 1–7 October, then 8th, 9th and the make-up
    # working Saturday 10th. Counted in calendar days the notice would end on 3 October.
    dev = ready_for_vote(world, notice_from=D(2026, 9, 29))
    assert dev.notice_until == D(2026, 10, 10)
    vote = {"voting": 2, "present": 2, "votes_for": 2}
    with pytest.raises(ValidationError) as caught:
        services.record_branch_vote(actor=world.users["secretary"], dev=dev, on=D(2026, 10, 10), **vote)
    assert "公示期至2026-10-10结束" in _messages(caught)
    services.record_branch_vote(actor=world.users["secretary"], dev=dev, on=D(2026, 10, 11), **vote)
    assert dev.stage == Stage.VOTED


def test_a_notice_starting_on_a_rest_day_starts_counting_on_the_next_working_day(world: World):
    assert rules.notice_until(D(2026, 10, 3)) == D(2026, 10, 13)  # 8, 9, 10 (make-up Saturday), 12, 13


@pytest.mark.parametrize(
    ("voting", "present", "votes_for", "message"),
    [(10, 5, 5, "未超过应到10人的半数"), (10, 6, 5, "未能通过"), (10, 11, 6, "票数不合理")],
)
def test_the_branch_meeting_needs_quorum_and_a_majority_of_all_voting_members(
    world: World, voting, present, votes_for, message
):
    dev = ready_for_vote(world)
    with pytest.raises(ValidationError, match=message):
        services.record_branch_vote(
            actor=world.users["secretary"],
            dev=dev,
            on=D(2024, 5, 10),
            voting=voting,
            present=present,
            votes_for=votes_for,
        )
    dev.refresh_from_db()
    assert dev.stage == Stage.CANDIDATE


def _voted(world: World):
    dev = ready_for_vote(world)
    return services.record_branch_vote(
        actor=world.users["secretary"], dev=dev, on=D(2024, 5, 10), voting=10, present=6, votes_for=6
    )


def test_the_higher_committee_approves_within_three_months_or_six_with_a_reason(world: World):
    dev = _voted(world)
    with pytest.raises(ValidationError, match="三个月内"):
        services.approve(actor=world.users["secretary"], dev=dev, on=D(2024, 8, 11))
    with pytest.raises(ValidationError, match="不超过六个月"):
        services.approve(
            actor=world.users["secretary"], dev=dev, on=D(2024, 11, 11), delay_reason="外调材料未回"
        )
    services.approve(actor=world.users["secretary"], dev=dev, on=D(2024, 8, 11), delay_reason="外调材料未回")
    assert dev.stage == Stage.PROBATIONARY
    assert dev.member is not None and dev.member.joined_on == D(2024, 5, 10)  # from the branch meeting
    assert dev.probation_until == D(2025, 5, 10)


@pytest.mark.parametrize(("months", "ok"), [(5, False), (6, True), (12, True), (13, False)])
def test_probation_is_extended_by_six_months_to_a_year(world: World, months, ok):
    dev = _voted(world)
    services.approve(actor=world.users["secretary"], dev=dev, on=D(2024, 6, 1))
    if ok:
        services.extend_probation(
            actor=world.users["secretary"], dev=dev, months=months, reason="考察期表现需进一步观察"
        )
        assert dev.probation_until == rules.add_months(D(2025, 5, 10), months)
        with pytest.raises(ValidationError, match="已延长过一次"):
            services.extend_probation(actor=world.users["secretary"], dev=dev, months=6, reason="再延长")
    else:
        with pytest.raises(ValidationError, match="不能少于半年"):
            services.extend_probation(actor=world.users["secretary"], dev=dev, months=months, reason="考察")


def test_conversion_waits_for_the_end_of_probation_and_dates_full_membership_from_it(world: World):
    dev = _voted(world)
    actor = world.users["secretary"]
    services.approve(actor=actor, dev=dev, on=D(2024, 6, 1))
    services.record_oath(actor=actor, dev=dev, on=D(2024, 7, 1))
    vote = {"voting": 3, "present": 3, "votes_for": 3}
    with pytest.raises(ValidationError, match="2025-05-10期满"):
        services.convert(
            actor=actor,
            dev=dev,
            applied_on=D(2025, 4, 20),
            vote_on=D(2025, 5, 9),
            approved_on=D(2025, 6, 1),
            **vote,
        )
    services.convert(
        actor=actor,
        dev=dev,
        applied_on=D(2025, 4, 20),
        vote_on=D(2025, 5, 12),
        approved_on=D(2025, 6, 1),
        **vote,
    )
    assert dev.stage == Stage.FULL
    member = dev.member
    assert member is not None
    member.refresh_from_db()
    assert member.status == "full" and member.full_on == D(2025, 5, 10)


def test_cancelling_probation_takes_the_member_off_the_roll(world: World):
    dev = _voted(world)
    services.approve(actor=world.users["secretary"], dev=dev, on=D(2024, 6, 1))
    services.end(actor=world.users["secretary"], dev=dev, on=D(2024, 12, 1), reason="不履行党员义务")
    assert dev.stage == Stage.CANCELLED
    member = dev.member
    assert member is not None
    member.refresh_from_db()
    assert not member.active and "取消预备党员资格" in member.left_reason


def test_rules_months_and_years_never_end_early():
    assert rules.add_months(D(2024, 1, 31), 1) == D(2024, 3, 1)
    assert rules.add_years(D(2024, 2, 29), 1) == D(2025, 3, 1)
    assert rules.quarters_between(D(2023, 3, 1), D(2024, 3, 1)) == ["2023-Q2", "2023-Q3", "2023-Q4"]
