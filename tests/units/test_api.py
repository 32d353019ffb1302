"""双报到 API: the same rules as the pages, through /api/v1/units/."""

import json
from typing import Any

from django.test import Client

from jiceng.accounts.models import ApiToken, User
from jiceng.units.models import InServiceRegistration, SinkingUnit, UnitKind
from tests.conftest import World
from tests.units.factories import days_ago, units_world

BASE = "/api/v1/units"


def _client(user: User) -> Any:
    _, token = ApiToken.issue(user, "test")
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def call(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if body is None:
            return client.generic(method, BASE + path, **headers)
        return client.generic(
            method, BASE + path, json.dumps(body), content_type="application/json", **headers
        )

    return call


def test_a_member_registers_serves_and_the_unit_figures_count_it(world: World):
    u = units_world(world)
    street = _client(world.users["street"])
    created = street(
        "POST",
        "/units",
        {"area_code": world.street.code, "name": "民进张店区支部", "kind": "democratic_party"},
    )
    assert created.status_code == 201, created.content
    branch_id = created.json()["id"]

    me = _client(world.users["member"])
    response = me(
        "POST",
        "/registrations",
        {
            "member_id": u.member1.pk,
            "work_unit_id": branch_id,
            "post_ids": [u.post.pk],
            "registered_on": days_ago(3).isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    registration = response.json()
    assert registration["community_code"] == world.community.code and registration["post_ids"] == [u.post.pk]
    assert registration["employer"] == "民进张店区支部"

    response = me(
        "POST",
        f"/registrations/{registration['id']}/records",
        {"served_on": days_ago(1).isoformat(), "hours": "2.5", "post_id": u.post.pk},
    )
    assert response.status_code == 201 and response.json()["hours"] == 2.5

    figures = street("GET", f"/units/{branch_id}/figures").json()
    assert (figures["registered"], figures["served"], figures["hours"]) == (1, 1, 2.5)
    listing = {row["name"]: row for row in street("GET", "/figures").json()["items"]}
    assert listing["民进张店区支部"]["hours"] == 2.5 and listing["张店区审计局"]["registered"] == 1
    communities = {row["name"]: row for row in street("GET", "/communities").json()}
    assert communities["世纪花园社区"]["registered"] == 2 and communities["世纪花园社区"]["served"] == 1
    # The member's lists hold their own registration and records only.
    assert [r["member_name"] for r in me("GET", "/registrations").json()["items"]] == ["张三"]
    assert [r["hours"] for r in me("GET", "/records").json()["items"]] == [2.5]


def test_a_full_post_is_refused_with_422(world: World):
    u = units_world(world)
    InServiceRegistration.objects.filter(pk=u.registration2.pk).get().posts.add(u.post)
    response = _client(world.users["member"])(
        "POST",
        "/registrations",
        {"member_id": u.member1.pk, "work_unit_id": u.unit.pk, "post_ids": [u.post.pk]},
    )
    assert response.status_code == 422
    assert "岗位已满：四点半课堂（1人）" in response.json()["errors"]["posts"][0]
    assert not InServiceRegistration.objects.filter(member=u.member1).exists()


def test_bad_hours_are_refused_with_a_clear_message(world: World):
    u = units_world(world)
    staff = _client(world.users["staff"])
    path = f"/registrations/{u.registration2.pk}/records"
    response = staff("POST", path, {"served_on": days_ago(1).isoformat(), "hours": 25, "post_id": u.post.pk})
    assert response.status_code == 422 and response.json()["errors"]["hours"] == [
        "一天的服务时长不能超过24小时"
    ]
    response = staff("POST", path, {"served_on": days_ago(-1).isoformat(), "hours": 2, "post_id": u.post.pk})
    assert response.status_code == 422 and response.json()["errors"]["served_on"] == ["服务日期不能晚于今天"]


def test_another_communitys_staff_get_404_and_empty_lists(world: World):
    u = units_world(world)
    other = _client(u.other_staff)
    assert other("GET", f"/registrations/{u.registration2.pk}").status_code == 404
    assert other("GET", f"/pairings/{u.pairing.pk}").status_code == 404
    assert other("GET", f"/posts/{u.post.pk}").status_code == 404
    assert other("PUT", f"/registrations/{u.registration2.pk}/posts", {"post_ids": []}).status_code == 404
    assert (
        other(
            "POST", "/posts", {"community_code": world.community.code, "name": "x", "capacity": 1}
        ).status_code
        == 404
    )
    assert other("GET", "/registrations").json()["items"] == []
    assert [p["name"] for p in other("GET", "/posts").json()["items"]] == ["楼栋值守"]
    assert [c["name"] for c in other("GET", "/communities").json()] == ["南定社区"]
    # 王五's post cannot be named from outside his community either.
    secretary = _client(world.users["secretary"])
    response = secretary("PUT", f"/registrations/{u.registration2.pk}/posts", {"post_ids": [u.other_post.pk]})
    assert response.status_code == 404


def test_staff_manage_units_pairings_and_posts(world: World):
    u = units_world(world)
    street = _client(world.users["street"])
    unit = street(
        "POST",
        "/units",
        {"area_code": world.street.code, "name": "张店供电公司", "kind": UnitKind.ENTERPRISE},
    ).json()
    response = street(
        "POST",
        "/pairings",
        {
            "unit_id": unit["id"],
            "community_code": world.other_community.code,
            "services": ["用电安全检查", "用电安全检查", "  "],
            "started_on": days_ago(0).isoformat(),
            "ends_on": days_ago(-365).isoformat(),
        },
    )
    assert response.status_code == 201 and response.json()["services"] == ["用电安全检查"]
    assert response.json()["status"] == "active"
    pairing_id = response.json()["id"]
    again = street(
        "POST",
        "/pairings",
        {
            "unit_id": unit["id"],
            "community_code": world.other_community.code,
            "services": ["x"],
            "started_on": days_ago(0).isoformat(),
            "ends_on": days_ago(-5).isoformat(),
        },
    )
    assert again.status_code == 422 and "已与南定社区结对" in again.json()["errors"]["community"][0]
    ended = street("POST", f"/pairings/{pairing_id}/end", {"on": days_ago(0).isoformat(), "reason": "调整"})
    assert ended.status_code == 200 and ended.json()["status"] == "ended"

    post = street(
        "POST",
        "/posts",
        {"community_code": world.community.code, "name": "义务理发", "capacity": 2, "unit_id": u.unit.pk},
    )
    assert post.status_code == 201 and post.json()["taken"] == 0
    patched = street("PATCH", f"/posts/{post.json()['id']}", {"capacity": 6, "unit_id": None})
    assert patched.json()["capacity"] == 6 and patched.json()["unit_id"] is None
    renamed = street("PATCH", f"/units/{unit['id']}", {"office_phone": "0533-1234567"})
    assert renamed.json()["office_phone"] == "0533-1234567"
    assert SinkingUnit.objects.get(pk=unit["id"]).office_phone == "0533-1234567"


def test_a_community_worker_cannot_add_a_street_unit(world: World):
    units_world(world)
    response = _client(world.users["secretary"])(
        "POST", "/units", {"area_code": world.street.code, "name": "某局", "kind": "agency"}
    )
    assert response.status_code == 403


def test_a_member_cannot_register_someone_else(world: World):
    u = units_world(world)
    response = _client(world.users["member"])(
        "POST", "/registrations", {"member_id": u.member2.pk, "work_unit_name": "x"}
    )
    assert response.status_code == 404


def test_ending_a_registration_through_the_api(world: World):
    u = units_world(world)
    staff = _client(world.users["staff"])
    response = staff(
        "POST", f"/registrations/{u.registration2.pk}/end", {"on": days_ago(0).isoformat(), "reason": "调离"}
    )
    assert response.status_code == 200 and response.json()["ended_on"] == days_ago(0).isoformat()
    assert staff("GET", "/registrations").json()["items"] == []
    assert len(staff("GET", "/registrations?current=false").json()["items"]) == 1
