"""双报到 services: registering, choosing posts, recording hours, the figures, and their rules."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jiceng.audit.models import AuditEvent
from jiceng.party import services as party
from jiceng.party.models import MemberCategory
from jiceng.units import queries, services
from jiceng.units.models import (
    InServiceRegistration,
    PairingStatus,
    ServiceRecord,
    SinkingUnit,
    UnitKind,
    UnitPairing,
)
from tests.conftest import World
from tests.units.factories import days_ago, units_world


def _branch(world: World) -> SinkingUnit:
    return services.create_unit(
        actor=world.users["street"], area=world.street, name="民进张店区支部", kind=UnitKind.DEMOCRATIC_PARTY
    )


def test_a_member_registers_picks_a_post_and_serves_and_the_unit_counts_it(world: World):
    u = units_world(world)
    me = world.users["member"]  # 张三
    branch = _branch(world)

    registration = services.register(actor=me, member=u.member1, work_unit=branch, registered_on=days_ago(10))
    services.choose_posts(actor=me, registration=registration, posts=[u.post])
    services.record_service(
        actor=me,
        registration=registration,
        served_on=days_ago(2),
        hours="2.5",
        post=u.post,
        description="辅导作业",
    )

    period = queries.Period(days_ago(20), days_ago(0))
    figures = queries.unit_figures(world.users["secretary"], period)[branch.pk]
    assert (figures.registered, figures.served, figures.hours) == (1, 1, Decimal("2.5"))
    # 王五 registered with 审计局 but has not served yet.
    audit = queries.unit_figures(world.users["secretary"], period)[u.unit.pk]
    assert (audit.registered, audit.served, audit.hours) == (1, 0, Decimal(0))
    assert registration.community == world.community and registration.registered_by == me
    assert AuditEvent.objects.filter(object_type="units.servicerecord", actor_name="member01").exists()


def test_a_full_post_is_refused_with_a_clear_message(world: World):
    u = units_world(world)
    services.register(actor=world.users["member"], member=u.member1, work_unit=u.unit, posts=[u.post])
    with pytest.raises(ValidationError, match="岗位已满：四点半课堂（1人）"):
        services.choose_posts(actor=world.users["secretary"], registration=u.registration2, posts=[u.post])
    assert list(u.registration2.posts.all()) == []


def test_a_post_frees_up_when_its_member_ends_their_registration(world: World):
    u = units_world(world)
    mine = services.register(actor=world.users["member"], member=u.member1, work_unit=u.unit, posts=[u.post])
    services.end_registration(actor=world.users["member"], registration=mine, on=days_ago(0), reason="搬家")
    services.choose_posts(actor=world.users["secretary"], registration=u.registration2, posts=[u.post])
    assert list(u.registration2.posts.all()) == [u.post]


def test_capacity_cannot_drop_below_the_members_who_took_the_post(world: World):
    u = units_world(world)
    services.update_post(actor=world.users["secretary"], post=u.post, capacity=3)
    services.choose_posts(actor=world.users["secretary"], registration=u.registration2, posts=[u.post])
    services.register(actor=world.users["member"], member=u.member1, work_unit=u.unit, posts=[u.post])
    with pytest.raises(ValidationError, match="已有2人认领该岗位"):
        services.update_post(actor=world.users["secretary"], post=u.post, capacity=1)


@pytest.mark.parametrize(
    ("hours", "served_on", "message"),
    [
        ("24.5", 1, "一天的服务时长不能超过24小时"),
        ("0", 1, "服务时长应大于0"),
        ("-1", 1, "服务时长应大于0"),
        ("abc", 1, "请填写服务时长"),
        ("1.234", 1, "最多保留两位小数"),
        ("2", -1, "服务日期不能晚于今天"),
        ("2", 31, "服务日期不能早于报到日期"),
    ],
)
def test_bad_hours_and_dates_are_refused(world: World, hours: str, served_on: int, message: str):
    u = units_world(world)
    with pytest.raises(ValidationError, match=message):
        services.record_service(
            actor=world.users["secretary"],
            registration=u.registration2,
            served_on=days_ago(served_on),
            hours=hours,
            post=u.post,
        )
    assert not ServiceRecord.objects.exists()


def test_a_members_hours_on_one_day_add_up_to_at_most_24(world: World):
    u = units_world(world)
    day = days_ago(3)
    services.record_service(
        actor=world.users["secretary"], registration=u.registration2, served_on=day, hours=20, post=u.post
    )
    with pytest.raises(ValidationError, match="已记录20小时，再记5小时将超过一天24小时"):
        services.record_service(
            actor=world.users["secretary"], registration=u.registration2, served_on=day, hours=5, post=u.post
        )
    services.record_service(
        actor=world.users["secretary"], registration=u.registration2, served_on=day, hours=4, post=u.post
    )


def test_service_without_a_post_needs_a_description(world: World):
    u = units_world(world)
    with pytest.raises(ValidationError, match="请填写服务内容"):
        services.record_service(
            actor=world.users["secretary"], registration=u.registration2, served_on=days_ago(1), hours=1
        )
    record = services.record_service(
        actor=world.users["secretary"],
        registration=u.registration2,
        served_on=days_ago(1),
        hours=1,
        description="集中志愿日",
    )
    assert record.post is None and record.area_code == world.community.code


def test_another_communitys_post_cannot_be_taken_or_served(world: World):
    u = units_world(world)
    with pytest.raises(ValidationError, match="楼栋值守不是报到社区的岗位"):
        services.choose_posts(
            actor=world.users["secretary"], registration=u.registration2, posts=[u.other_post]
        )
    with pytest.raises(ValidationError, match="楼栋值守不是报到社区的岗位"):
        services.record_service(
            actor=world.users["secretary"],
            registration=u.registration2,
            served_on=days_ago(1),
            hours=1,
            post=u.other_post,
        )


def test_only_in_service_members_register_and_only_once(world: World):
    u = units_world(world)
    party.update_member(actor=world.users["secretary"], member=u.member1, category=MemberCategory.RETIRED)
    with pytest.raises(ValidationError, match="不是“在职（下沉）党员”"):
        services.register(actor=world.users["member"], member=u.member1, work_unit=u.unit)
    with pytest.raises(ValidationError, match="无需重复报到"):
        services.register(actor=world.users["secretary"], member=u.member2, work_unit=u.unit)


def test_a_registration_names_a_work_unit_or_another_employer(world: World):
    u = units_world(world)
    with pytest.raises(ValidationError, match="请选择工作单位"):
        services.register(actor=world.users["member"], member=u.member1)
    registration = services.register(
        actor=world.users["member"], member=u.member1, work_unit_name=" 淄博市第一医院 "
    )
    assert registration.employer == "淄博市第一医院"
    figures = queries.unit_figures(world.users["secretary"], queries.Period.year_to_date())
    assert figures[None].registered == 1


def test_a_registration_date_in_the_future_is_refused(world: World):
    u = units_world(world)
    with pytest.raises(ValidationError, match="报到日期不能晚于今天"):
        services.register(
            actor=world.users["member"], member=u.member1, work_unit=u.unit, registered_on=days_ago(-1)
        )


def test_a_member_acts_for_themself_only(world: World):
    u = units_world(world)
    with pytest.raises(PermissionDenied):
        services.register(actor=world.users["member"], member=u.member2, work_unit=u.unit)
    with pytest.raises(PermissionDenied):
        services.record_service(
            actor=world.users["member"],
            registration=u.registration2,
            served_on=days_ago(1),
            hours=1,
            post=u.post,
        )
    with pytest.raises(PermissionDenied):
        services.choose_posts(actor=world.users["member"], registration=u.registration2, posts=[])


@pytest.mark.parametrize("persona", ["grid01", "resident", "sysadmin"])
def test_people_outside_units_work_change_nothing(world: World, persona: str):
    u = units_world(world)
    actor = world.users[persona]
    with pytest.raises(PermissionDenied):
        services.create_unit(actor=actor, area=world.community, name="某企业", kind=UnitKind.ENTERPRISE)
    with pytest.raises(PermissionDenied):
        services.record_service(
            actor=actor, registration=u.registration2, served_on=days_ago(1), hours=1, post=u.post
        )
    with pytest.raises(PermissionDenied):
        services.create_post(actor=actor, community=world.community, name="x", capacity=1)


def test_another_communitys_staff_cannot_touch_this_community(world: World):
    u = units_world(world)
    with pytest.raises(PermissionDenied):
        services.record_service(
            actor=u.other_staff, registration=u.registration2, served_on=days_ago(1), hours=1, post=u.post
        )
    with pytest.raises(PermissionDenied):
        services.end_pairing(actor=u.other_staff, pairing=u.pairing, on=days_ago(0))
    with pytest.raises(PermissionDenied):
        services.update_unit(actor=u.other_staff, unit=u.unit, name="x")  # the street manages it


def test_a_unit_is_paired_once_at_a_time(world: World):
    u = units_world(world)
    with pytest.raises(ValidationError, match="张店区审计局已与世纪花园社区结对"):
        services.pair_unit(
            actor=world.users["secretary"],
            unit=u.unit,
            community=world.community,
            services=["义诊"],
            started_on=days_ago(1),
            ends_on=days_ago(-365),
        )
    services.end_pairing(actor=world.users["secretary"], pairing=u.pairing, on=days_ago(0), reason="期满")
    again = services.pair_unit(
        actor=world.users["secretary"],
        unit=u.unit,
        community=world.community,
        services=["义诊", " 义诊 ", ""],
        started_on=days_ago(0),
        ends_on=days_ago(-365),
    )
    assert again.services == ["义诊"] and again.status == PairingStatus.ACTIVE
    assert UnitPairing.objects.get(pk=u.pairing.pk).status == PairingStatus.ENDED


def test_pairing_rules(world: World):
    u = units_world(world)
    secretary, street = world.users["secretary"], world.users["street"]
    own = services.create_unit(
        actor=secretary, area=world.community, name="世纪花园物业公司", kind=UnitKind.ENTERPRISE
    )
    with pytest.raises(ValidationError, match="南定社区不在该单位的管理范围内"):
        services.pair_unit(
            actor=street,
            unit=own,
            community=world.other_community,
            services=["保洁"],
            started_on=days_ago(1),
            ends_on=days_ago(-30),
        )
    with pytest.raises(ValidationError, match="约定到期日期应晚于开始日期"):
        services.pair_unit(
            actor=secretary,
            unit=own,
            community=world.community,
            services=["保洁"],
            started_on=days_ago(1),
            ends_on=days_ago(1),
        )
    with pytest.raises(ValidationError, match="请至少填写一项约定服务"):
        services.pair_unit(
            actor=secretary,
            unit=own,
            community=world.community,
            services=[" "],
            started_on=days_ago(1),
            ends_on=days_ago(-30),
        )
    with pytest.raises(ValidationError, match="请选择一个社区"):
        services.pair_unit(
            actor=street,
            unit=u.unit,
            community=world.street,
            services=["x"],
            started_on=days_ago(1),
            ends_on=days_ago(-30),
        )
    expired = UnitPairing(unit=own, community=world.community, started_on=days_ago(400), ends_on=days_ago(35))
    assert expired.status == PairingStatus.EXPIRED


def test_unit_rules(world: World):
    u = units_world(world)
    street = world.users["street"]
    with pytest.raises(ValidationError, match="已有同名单位"):
        services.create_unit(actor=street, area=world.street, name="张店区审计局", kind=UnitKind.AGENCY)
    with pytest.raises(ValidationError, match="办公电话格式不正确"):
        services.create_unit(
            actor=street, area=world.street, name="某局", kind=UnitKind.AGENCY, office_phone="abc"
        )
    with pytest.raises(ValidationError, match="不能设在网格"):
        services.create_unit(
            actor=world.users["secretary"], area=world.grid1, name="某店", kind=UnitKind.ENTERPRISE
        )
    with pytest.raises(PermissionDenied):  # a community worker cannot add a street's unit
        services.create_unit(
            actor=world.users["secretary"], area=world.street, name="某局", kind=UnitKind.AGENCY
        )
    with pytest.raises(ValidationError, match="请先结束结对再停用"):
        services.update_unit(actor=street, unit=u.unit, active=False)
    updated = services.update_unit(
        actor=street, unit=u.unit, office_phone="0533-2180000转801", contact_person="王科长"
    )
    assert updated.office_phone == "0533-2180000转801"


def test_ending_a_registration_keeps_its_hours_in_the_figures(world: World):
    u = units_world(world)
    services.record_service(
        actor=world.users["staff"],
        registration=u.registration2,
        served_on=days_ago(5),
        hours="3",
        post=u.post,
    )
    services.end_registration(
        actor=world.users["staff"], registration=u.registration2, on=days_ago(1), reason="调离"
    )
    period = queries.Period(days_ago(10), days_ago(0))
    figures = queries.unit_figures(world.users["street"], period)[u.unit.pk]
    assert (figures.registered, figures.served, figures.hours) == (1, 1, Decimal(3))
    with pytest.raises(ValidationError, match="报到已于"):
        services.record_service(
            actor=world.users["staff"],
            registration=u.registration2,
            served_on=days_ago(0),
            hours=1,
            post=u.post,
        )
    # A later period counts neither.
    later = queries.unit_figures(world.users["street"], queries.Period(days_ago(0), days_ago(0)))
    assert u.unit.pk not in later
    # He may register again (a new job, a new home).
    again = services.register(actor=world.users["staff"], member=u.member2, work_unit_name="某公司")
    assert again.pk != u.registration2.pk


def test_figures_follow_the_viewers_area(world: World):
    u = units_world(world)
    services.record_service(
        actor=world.users["staff"],
        registration=u.registration2,
        served_on=days_ago(1),
        hours="1.5",
        post=u.post,
    )
    period = queries.Period(days_ago(40), days_ago(0))
    assert u.unit.pk in queries.unit_figures(world.users["street"], period)
    assert queries.unit_figures(u.other_staff, period) == {}  # 南定社区 has no registrations
    assert queries.unit_figures(world.users["grid01"], period) == {}
    rows = {r["name"]: r for r in queries.community_figures(world.users["street"], period)}
    assert rows["世纪花园社区"] == {
        "hours_text": "1.5",
        "code": world.community.code,
        "name": "世纪花园社区",
        "pairings": 1,
        "posts": 1,
        "registered": 1,
        "served": 1,
        "hours": Decimal("1.5"),
    }
    assert rows["南定社区"]["pairings"] == 1 and rows["南定社区"]["registered"] == 0


def test_who_sees_which_registration(world: World):
    u = units_world(world)
    mine = services.register(actor=world.users["member"], member=u.member1, work_unit=u.unit)
    assert set(queries.registrations_for(world.users["member"])) == {mine}
    assert set(queries.registrations_for(world.users["secretary"])) == {mine, u.registration2}
    assert set(queries.registrations_for(u.other_staff)) == set()
    assert set(queries.registrations_for(world.users["grid01"])) == set()
    assert set(queries.pairings_for(u.other_staff)) == {u.other_pairing}
    # Its own partner unit, and its street's unit (to pair it); not the other way round.
    assert set(queries.units_for(u.other_staff)) == {u.unit, u.other_unit}
    assert set(queries.units_for(world.users["secretary"])) == {u.unit}
    assert set(queries.units_for(world.users["grid01"])) == set()
    assert InServiceRegistration.objects.filter(member=u.member1).count() == 1


def test_members_to_register_are_in_service_members_living_in_the_area(world: World):
    u = units_world(world)
    assert list(queries.members_to_register(world.users["secretary"])) == [u.member1]
    assert list(queries.members_to_register(u.other_staff)) == []
    assert queries.own_member(world.users["member"]) == u.member1
    assert queries.own_member(world.users["secretary"]) is None


def test_a_work_unit_is_chosen_from_the_units_managed_above_the_community(world: World):
    u = units_world(world)
    assert set(queries.units_open_to(world.community)) == {u.unit}
    assert set(queries.units_open_to(world.other_community)) == {u.unit, u.other_unit}
