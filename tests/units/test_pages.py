"""双报到 pages: a member registers and records hours, staff manage units, pairings and posts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiceng.party import services as party
from jiceng.party.models import MemberCategory
from jiceng.units import services
from jiceng.units.models import (
    InServiceRegistration,
    ServicePost,
    ServiceRecord,
    SinkingUnit,
    UnitKind,
    UnitPairing,
)
from tests.conftest import World
from tests.units.factories import days_ago, units_world


def test_a_member_registers_takes_a_post_records_hours_and_the_unit_shows_it(world: World):
    u = units_world(world)
    branch = services.create_unit(
        actor=world.users["street"], area=world.street, name="民进张店区支部", kind=UnitKind.DEMOCRATIC_PARTY
    )
    me = world.client("member")

    page = me.get(reverse("units:register")).content.decode()
    assert "世纪花园社区" in page and "民进张店区支部" in page and "四点半课堂（已认领0/1人）" in page
    response = me.post(
        reverse("units:register"),
        {"work_unit": branch.pk, "posts": [u.post.pk], "registered_on": days_ago(5).isoformat()},
    )
    registration = InServiceRegistration.objects.get(member=u.member1)
    assert response.status_code == 302 and response["Location"] == reverse(
        "units:registration", args=[registration.pk]
    )

    response = me.post(
        reverse("units:record_new", args=[registration.pk]),
        {"served_on": days_ago(1).isoformat(), "hours": "2.5", "post": u.post.pk, "description": "辅导作业"},
    )
    assert response.status_code == 302
    mine = me.get(reverse("units:mine")).content.decode()
    assert "2.5" in mine and "辅导作业" in mine and "民进张店区支部" in mine

    unit_page = world.client("secretary").get(reverse("units:unit", args=[branch.pk])).content.decode()
    assert 'data-testid="registered">1<' in unit_page
    assert 'data-testid="served">1<' in unit_page
    assert 'data-testid="hours">2.5<' in unit_page
    assert "张三" in unit_page and "辅导作业" in unit_page
    index = world.client("secretary").get(reverse("units:index")).content.decode()
    assert "民进张店区支部" in index and "张店区审计局" in index


def test_a_registered_member_is_sent_to_their_registration(world: World):
    u = units_world(world)
    registration = services.register(actor=world.users["member"], member=u.member1, work_unit=u.unit)
    response = world.client("member").get(reverse("units:register"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "units:registration", args=[registration.pk]
    )


def test_a_member_who_is_not_in_service_is_told_why(world: World):
    u = units_world(world)
    party.update_member(actor=world.users["secretary"], member=u.member1, category=MemberCategory.RETIRED)
    client = world.client("member")
    assert "请联系社区工作人员核实" in client.get(reverse("units:register")).content.decode()
    response = client.post(
        reverse("units:register"), {"work_unit": u.unit.pk, "registered_on": days_ago(0).isoformat()}
    )
    assert response.status_code == 200 and "不是“在职（下沉）党员”" in response.content.decode()
    assert not InServiceRegistration.objects.filter(member=u.member1).exists()


def test_a_full_post_is_refused_on_the_page(world: World):
    u = units_world(world)
    services.register(actor=world.users["member"], member=u.member1, work_unit=u.unit, posts=[u.post])
    client = world.client("secretary")
    url = reverse("units:registration_posts", args=[u.registration2.pk])
    assert "四点半课堂（已认领1/1人）" in client.get(url).content.decode()
    response = client.post(url, {"posts": [u.post.pk]})
    assert response.status_code == 200 and "岗位已满：四点半课堂（1人）" in response.content.decode()


def test_hours_over_a_day_are_refused_on_the_page(world: World):
    u = units_world(world)
    response = world.client("staff").post(
        reverse("units:record_new", args=[u.registration2.pk]),
        {"served_on": days_ago(1).isoformat(), "hours": "25", "post": u.post.pk},
    )
    assert response.status_code == 200 and "一天的服务时长不能超过24小时" in response.content.decode()
    assert not ServiceRecord.objects.exists()


def test_staff_add_a_unit_pair_it_and_end_the_pairing(world: World):
    units_world(world)
    client = world.client("street")
    response = client.post(
        reverse("units:unit_new"),
        {
            "name": "张店区人民医院",
            "kind": UnitKind.INSTITUTION,
            "area": world.street.pk,
            "contact_person": "赵医生",
            "office_phone": "0533-2888888",
        },
    )
    unit = SinkingUnit.objects.get(name="张店区人民医院")
    assert response.status_code == 302
    response = client.post(
        reverse("units:pairing_new", args=[unit.pk]),
        {
            "community": world.community.pk,
            "services": "义诊\n健康讲座\n\n义诊",
            "started_on": days_ago(0).isoformat(),
            "ends_on": days_ago(-730).isoformat(),
        },
    )
    pairing = UnitPairing.objects.get(unit=unit)
    assert response.status_code == 302 and pairing.services == ["义诊", "健康讲座"]
    page = client.get(reverse("units:unit", args=[unit.pk])).content.decode()
    assert "健康讲座" in page and "进行中" in page and "0533-2888888" in page

    again = client.post(
        reverse("units:pairing_new", args=[unit.pk]),
        {
            "community": world.community.pk,
            "services": "义诊",
            "started_on": days_ago(0).isoformat(),
            "ends_on": days_ago(-30).isoformat(),
        },
    )
    assert "已与世纪花园社区结对" in again.content.decode()

    response = client.post(
        reverse("units:pairing_end", args=[pairing.pk]), {"on": days_ago(0).isoformat(), "reason": "期满"}
    )
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.ended_on == days_ago(0) and pairing.end_reason == "期满"

    response = client.post(
        reverse("units:unit_edit", args=[unit.pk]),
        {
            "name": "张店区人民医院",
            "kind": UnitKind.INSTITUTION,
            "office_phone": "0533-2888000",
            "active": "",
        },
    )
    unit.refresh_from_db()
    assert response.status_code == 302 and unit.office_phone == "0533-2888000" and not unit.active


def test_staff_add_and_edit_a_post(world: World):
    u = units_world(world)
    client = world.client("secretary")
    response = client.post(
        reverse("units:post_new"),
        {"community": world.community.pk, "name": "楼道清洁", "capacity": 4, "unit": u.unit.pk},
    )
    post = ServicePost.objects.get(name="楼道清洁")
    assert response.status_code == 302 and post.unit == u.unit
    listing = client.get(reverse("units:posts")).content.decode()
    assert "楼道清洁" in listing and "0/4" in listing and "楼栋值守" not in listing  # 南定社区's
    response = client.post(
        reverse("units:post_edit", args=[post.pk]),
        {"name": "楼道清洁", "capacity": 2, "unit": "", "active": "on"},
    )
    post.refresh_from_db()
    assert response.status_code == 302 and post.capacity == 2 and post.unit is None
    # A unit that is not paired with the community cannot lead its post: the page says so.
    services.end_pairing(actor=world.users["secretary"], pairing=u.pairing, on=days_ago(0))
    response = client.post(
        reverse("units:post_new"),
        {"community": world.community.pk, "name": "义诊", "capacity": 1, "unit": u.unit.pk},
    )
    assert response.status_code == 200 and "张店区审计局未与本社区结对" in response.content.decode()


def test_staff_register_a_member_who_lives_here(world: World):
    u = units_world(world)
    client = world.client("staff")
    page = client.get(reverse("units:registration_new")).content.decode()
    assert "张三" in page
    response = client.post(
        reverse("units:registration_new"),
        {
            "member": u.member1.pk,
            "work_unit_name": "淄博市第一医院",
            "registered_on": days_ago(0).isoformat(),
        },
    )
    registration = InServiceRegistration.objects.get(member=u.member1)
    assert response.status_code == 302 and registration.registered_by == world.users["staff"]
    listing = client.get(reverse("units:registrations")).content.decode()
    assert "张三" in listing and "王五" in listing and "淄博市第一医院" in listing


def test_a_member_ends_their_registration(world: World):
    u = units_world(world)
    registration = services.register(actor=world.users["member"], member=u.member1, work_unit=u.unit)
    client = world.client("member")
    response = client.post(
        reverse("units:registration_end", args=[registration.pk]),
        {"on": days_ago(0).isoformat(), "reason": "搬家"},
    )
    registration.refresh_from_db()
    assert response.status_code == 302 and registration.ended_on == days_ago(0)
    assert "我要报到" in client.get(reverse("units:mine")).content.decode()


def test_another_communitys_staff_get_404(world: World):
    u = units_world(world)
    client = world.client("anonymous")
    client.force_login(u.other_staff)
    for name, pk in [
        ("units:registration", u.registration2.pk),
        ("units:record_new", u.registration2.pk),
        ("units:registration_posts", u.registration2.pk),
        ("units:pairing_end", u.pairing.pk),
        ("units:post_edit", u.post.pk),
    ]:
        assert client.post(reverse(name, args=[pk])).status_code == 404, name
    assert client.get(reverse("units:unit", args=[u.other_unit.pk])).status_code == 200
    # The street's unit is theirs to pair too, but 世纪花园社区's members are not shown.
    page = client.get(reverse("units:unit", args=[u.unit.pk])).content.decode()
    assert "南定社区" in page and "王五" not in page
    assert "王五" not in client.get(reverse("units:registrations")).content.decode()
    assert "世纪花园社区" not in client.get(reverse("units:index")).content.decode()
    assert world.client("secretary").get(reverse("units:unit", args=[u.other_unit.pk])).status_code == 404


def test_a_member_sees_only_their_own_registration(world: World):
    u = units_world(world)
    client = world.client("member")
    assert client.get(reverse("units:registration", args=[u.registration2.pk])).status_code == 404
    assert client.get(reverse("units:index")).status_code == 403
    assert "王五" not in client.get(reverse("units:mine")).content.decode()


@pytest.mark.parametrize("persona", ["grid01", "resident", "sysadmin"])
def test_people_outside_units_work_are_refused(world: World, persona: str):
    units_world(world)
    client = world.client(persona)
    for name in [
        "units:index",
        "units:posts",
        "units:registrations",
        "units:unit_new",
        "units:registration_new",
    ]:
        assert client.get(reverse(name)).status_code == 403, name


@pytest.mark.parametrize(
    ("name", "marker"),
    [
        ("units:index", "unit-rows"),
        ("units:posts", "post-rows"),
        ("units:registrations", "registration-rows"),
    ],
)
def test_lists_answer_htmx_with_their_rows_only(world: World, name: str, marker: str):
    units_world(world)
    client = world.client("street")
    full = client.get(reverse(name)).content.decode()
    fragment = client.get(reverse(name), HTTP_HX_REQUEST="true").content.decode()
    assert marker in full and "<html" in full
    assert "<html" not in fragment and "<tr>" in fragment


def _more_rows(world: World, start: int, n: int) -> None:
    u = units_world(world)
    street = world.users["street"]
    for i in range(start, start + n):
        unit = services.create_unit(
            actor=street, area=world.street, name=f"单位{i}", kind=UnitKind.ENTERPRISE
        )
        services.pair_unit(
            actor=street,
            unit=unit,
            community=world.community,
            services=["x"],
            started_on=days_ago(1),
            ends_on=days_ago(-30),
        )
        services.create_post(actor=street, community=world.community, name=f"岗位{i}", capacity=3, unit=unit)
    services.choose_posts(
        actor=street,
        registration=u.registration2,
        posts=list(ServicePost.objects.filter(community=world.community)[:3]),
    )
    mine = InServiceRegistration.objects.filter(member=u.member1).first() or services.register(
        actor=street, member=u.member1, work_unit=u.unit, registered_on=days_ago(30)
    )
    for i in range(start, start + n):
        services.record_service(
            actor=street, registration=mine, served_on=days_ago(i % 25), hours=1, description=f"服务{i}"
        )


@pytest.mark.parametrize(
    "name", ["units:index", "units:posts", "units:registrations", "units:mine", "units:registration_new"]
)
def test_list_pages_run_the_same_number_of_queries_for_more_rows(world: World, name: str):
    _more_rows(world, 0, 2)
    persona = "member" if name == "units:mine" else "street"
    client = world.client(persona)
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code in (200, 302)
    _more_rows(world, 10, 6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(name)).status_code in (200, 302)
    assert len(many) == len(few), f"{name}: {len(few)} queries with few rows, {len(many)} with more"
