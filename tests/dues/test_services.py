"""Assessing, reducing, collecting and flagging dues, as a secretary does it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jiceng.dues import queries, services
from jiceng.dues.models import Hardship, Payment
from jiceng.dues.services import add_months, month_start
from jiceng.dues.warnings import send_dues_warnings
from jiceng.notifications.models import Notification
from jiceng.party import services as party
from jiceng.party.models import MemberStatus
from tests.conftest import World, make_id
from tests.party.factories import party_world

D = datetime.date
TODAY = timezone.localdate()
THIS_MONTH = month_start(TODAY)


def _assess_zhang(world: World, **fields: object):
    values = {
        "category": "employed",
        "base": Decimal(6000),
        "effective_from": D(2024, 1, 1),
        "reason": "年度核定",
    } | fields
    return services.assess(actor=world.users["secretary"], member=party_world(world).member1, **values)  # type: ignore[arg-type]


def test_an_assessment_computes_the_monthly_dues_and_keeps_the_base_out_of_the_audit_log(world: World):
    row = _assess_zhang(world)
    assert row.amount == Decimal("90.00") and row.rate == Decimal("1.5")
    from jiceng.audit.models import AuditEvent

    event = AuditEvent.objects.filter(object_type="dues.assessment").get()
    assert "6000" not in str(event.__dict__)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT base FROM dues_assessment WHERE id = %s", [row.pk])
        assert "6000" not in cursor.fetchone()[0]  # encrypted at rest


def test_a_pay_change_reassesses_from_its_month_and_keeps_earlier_months(world: World):
    _assess_zhang(world)
    _assess_zhang(world, base=Decimal(2800), effective_from=D(2025, 7, 1), reason="工资调整")
    member = party_world(world).member1
    assert services.due_for(member, D(2025, 6, 1)) == Decimal("90.00")
    assert services.due_for(member, D(2025, 7, 1)) == Decimal("14.00")


def test_a_hardship_reduction_needs_the_branch_review_then_the_higher_committee(world: World):
    row = _assess_zhang(world)
    branch_secretary = world.users["member"]  # 张三 manages branch 1, not the committee above
    services.review_hardship(
        actor=branch_secretary, assessment=row, reduced_amount="10", reason="家庭遭遇重大变故"
    )
    assert row.hardship == Hardship.REVIEWED and row.due == Decimal("90.00")
    with pytest.raises(PermissionDenied, match="上级党委"):
        services.approve_hardship(actor=branch_secretary, assessment=row)
    services.approve_hardship(actor=world.users["secretary"], assessment=row)
    assert row.due == Decimal("10.00")


def test_payments_at_the_assessed_amount_at_most_six_months_ahead_and_once(world: World):
    _assess_zhang(world)
    member = party_world(world).member1
    paid = services.record_payment(
        actor=world.users["secretary"], member=member, month=add_months(THIS_MONTH, 6), method="wechat"
    )
    assert paid.amount == Decimal("90.00")
    with pytest.raises(ValidationError, match="最多6个月"):
        services.record_payment(
            actor=world.users["secretary"], member=member, month=add_months(THIS_MONTH, 7), method="wechat"
        )
    with pytest.raises(ValidationError, match="已交"):
        services.record_payment(
            actor=world.users["secretary"], member=member, month=add_months(THIS_MONTH, 6), method="cash"
        )


def test_a_probationary_member_pays_from_the_branch_meeting_date(world: World):
    from jiceng.people import services as people

    resident = people.register_resident(
        actor=world.users["secretary"],
        household=world.household1,
        name="孙十一",
        id_number=make_id(seed=21, birth=D(1995, 1, 1)),
        relation_to_head="child",
    )
    member = party.register_member(
        actor=world.users["secretary"],
        organisation=party_world(world).branch1,
        resident=resident,
        joined_on=D(2026, 5, 20),
        status=MemberStatus.PROBATIONARY,
    )
    services.assess(
        actor=world.users["secretary"],
        member=member,
        category="student",
        effective_from=D(2026, 1, 1),
        reason="入党",
    )
    with pytest.raises(ValidationError, match="预备党员自2026-05起交纳党费"):
        services.record_payment(
            actor=world.users["secretary"],
            member=member,
            month=D(2026, 4, 1),
            method="cash",
            paid_on=D(2026, 5, 25),
        )
    services.record_payment(
        actor=world.users["secretary"],
        member=member,
        month=D(2026, 5, 1),
        method="cash",
        paid_on=D(2026, 5, 25),
    )


def test_six_consecutive_unpaid_months_are_flagged_and_the_secretaries_told_once(world: World):
    _assess_zhang(world, effective_from=add_months(THIS_MONTH, -12))
    member = party_world(world).member1
    for n in range(12, 6, -1):  # paid up to seven months ago
        services.record_payment(
            actor=world.users["secretary"], member=member, month=add_months(THIS_MONTH, -n), method="payroll"
        )
    line = queries.ledger([member], TODAY, TODAY)[0]
    assert len(line.arrears) == 6 and line.flagged
    assert send_dues_warnings(TODAY) >= 2  # 张三 (branch secretary) and the community secretary
    note = Notification.objects.get(recipient=world.users["secretary"], title__contains="连续6个月")
    assert "张三" in note.body
    assert send_dues_warnings(TODAY) == 0
    services.record_payment(
        actor=world.users["secretary"], member=member, month=add_months(THIS_MONTH, -6), method="payroll"
    )
    assert not queries.ledger([member], TODAY, TODAY)[0].flagged


def test_a_voluntary_thousand_goes_to_the_centre_and_shows_in_the_report(world: World):
    _assess_zhang(world, effective_from=D(TODAY.year, 1, 1))
    member = party_world(world).member1
    services.record_payment(
        actor=world.users["secretary"], member=member, month=D(TODAY.year, 1, 1), method="cash"
    )
    extra = services.record_extra(
        actor=world.users["secretary"], member=member, amount="1000", method="bank", paid_on=TODAY
    )
    assert extra.to_centre
    report = queries.collection(party_world(world).branch1, D(TODAY.year, 1, 1), THIS_MONTH, TODAY)
    assert report.due == Decimal("90.00") * TODAY.month
    assert report.collected == Decimal("90.00") and report.to_centre == Decimal("1000.00")
    assert [line.member for line in report.in_arrears] == [member]


def test_a_member_cannot_record_their_own_dues_and_grid_workers_see_nothing(world: World):
    _assess_zhang(world)
    pw = party_world(world)
    with pytest.raises(PermissionDenied):
        services.assess(
            actor=world.users["member"],
            member=pw.member2,
            category="student",
            effective_from=D(2026, 1, 1),
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        services.record_payment(
            actor=world.users["grid01"], member=pw.member1, month=THIS_MONTH, method="cash"
        )
    assert not Payment.objects.exists()
