"""Coverage figures of an area, the uncovered households and the members with no household:
live, scoped, and paginated without a count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiceng.party import services as party
from jiceng.people import services as people
from jiceng.people.models import Household
from jiceng.territory.models import Area, Building
from tests.conftest import World, make_id
from tests.party.factories import party_world

SURNAMES = "钱孙周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施"


def add_households(
    world: World, building: Building, n: int, start: int = 0, unit: int = 2
) -> list[Household]:
    """n occupied households in a building, rooms 301…, each with one resident and no liaison."""
    made = []
    for i in range(start, start + n):
        household = Household.objects.create(
            building=building, area_code=building.area_code, unit=unit, room=f"{301 + i}"
        )
        people.register_resident(
            actor=world.users["secretary"],
            household=household,
            name=f"{SURNAMES[i % len(SURNAMES)]}{'甲乙丙丁戊己庚辛壬癸'[i // len(SURNAMES) % 10]}",
            id_number=make_id(seed=100 + i, birth=datetime.date(1960, 1, 1) + datetime.timedelta(days=i)),
            relation_to_head="head",
        )
        made.append(household)
    return made


def _coverage(client, code: str = "") -> str:
    params = {"area": code} if code else {}
    response = client.get(reverse("party:coverage"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_secretary_sees_the_community_figures_by_grid(world: World):
    party_world(world)
    content = _coverage(world.client("secretary"))  # default: the secretary's community
    assert "世纪花园社区 · 联系户覆盖" in content
    # Four occupied households, two covered; two members, both with a household.
    assert 'data-testid="coverage-share">50.0%<' in content
    assert 'data-testid="coverage-households">4<' in content
    assert 'data-testid="coverage-uncovered">2<' in content
    assert 'data-testid="coverage-members">2<' in content
    assert 'data-testid="coverage-idle">0<' in content
    assert "各网格覆盖情况" in content and "第一网格" in content and "第二网格" in content
    assert f"?area={world.grid1.code}" in content
    assert reverse("party:grid", kwargs={"code": world.grid2.code}) in content
    assert 'id="chart-load"' in content and '"labels"' in content
    # Only a grid can be assigned.
    assert reverse("party:assign", kwargs={"code": world.grid1.code}) not in content


def test_figures_are_live(world: World):
    p = party_world(world)
    client = world.client("secretary")
    assert 'data-testid="coverage-share">50.0%<' in _coverage(client)
    party.link_household(actor=world.users["secretary"], member=p.member1, household=world.household1)
    content = _coverage(client)
    assert 'data-testid="coverage-share">75.0%<' in content
    assert 'data-testid="coverage-uncovered">1<' in content


def test_a_grid_page_of_coverage_offers_the_assignment(world: World):
    party_world(world)
    content = _coverage(world.client("secretary"), world.grid1.code)
    assert "第一网格 · 联系户覆盖" in content and "各网格覆盖情况" not in content
    assert 'data-testid="coverage-share">50.0%<' in content  # 赵六's of 张三's and 赵六's
    assert reverse("party:assign", kwargs={"code": world.grid1.code}) in content
    # The breadcrumbs lead back up to the community.
    assert f"?area={world.community.code}" in content


def test_a_street_sees_its_communities_and_cannot_assign(world: World):
    party_world(world)
    content = _coverage(world.client("street"))
    assert "马尚街道" in content and "各社区覆盖情况" in content and "世纪花园社区" in content
    content = _coverage(world.client("street"), world.grid1.code)
    assert reverse("party:assign", kwargs={"code": world.grid1.code}) not in content


def test_a_grid_worker_is_kept_to_their_grid(world: World):
    party_world(world)
    client = world.client("grid01")
    assert "第一网格 · 联系户覆盖" in _coverage(client)
    # Their community: sent to their own grid, never shown grid 2's figures.
    for name in ("party:coverage", "party:uncovered", "party:idle_members"):
        response = client.get(reverse(name), {"area": world.community.code})
        assert response.status_code == 302 and response["Location"].endswith(f"?area={world.grid1.code}")
        for code in (world.grid2.code, world.other_community.code, "x", "370303005001001999"):
            assert client.get(reverse(name), {"area": code}).status_code == 404, (name, code)


@pytest.mark.parametrize("persona", ["resident", "member", "sysadmin"])
def test_people_without_an_area_have_no_coverage(world: World, persona: str):
    party_world(world)
    assert world.client(persona).get(reverse("party:coverage")).status_code == 403


def test_the_uncovered_list_names_each_household_with_its_head(world: World):
    p = party_world(world)
    response = world.client("secretary").get(reverse("party:uncovered"), {"area": world.community.code})
    content = response.content.decode()
    # 张三's (grid 1) and 王五's (grid 2) households have no liaison member.
    assert "1号楼1单元101室" in content and "张三" in content
    assert "2号楼2单元202室" in content and "王五" in content
    assert "李四" not in content and "赵六" not in content
    assert reverse("people:household", kwargs={"pk": world.household1.pk}) in content
    assert reverse("people:household", kwargs={"pk": p.household3.pk}) in content
    content = world.client("grid01").get(reverse("party:uncovered")).content.decode()
    assert "张三" in content and "王五" not in content


def test_a_household_nobody_lives_in_is_not_uncovered(world: World):
    party_world(world)
    Household.objects.create(building=world.building1, area_code=world.grid1.code, unit=2, room="999")
    content = world.client("secretary").get(reverse("party:uncovered")).content.decode()
    assert "2单元999室" not in content


def test_the_uncovered_list_loads_more_on_demand(world: World):
    party_world(world)
    add_households(world, world.building1, 52)
    client = world.client("secretary")
    content = client.get(reverse("party:uncovered"), {"area": world.grid1.code}).content.decode()
    assert content.count("<tr><td><a href=") == 50 and "加载更多" in content
    after = content.split("after=")[1].split('"')[0]
    rest = client.get(
        reverse("party:uncovered"), {"area": world.grid1.code, "after": after}, HTTP_HX_REQUEST="true"
    ).content.decode()
    # 53 uncovered in grid 1: 张三's and the 52 new ones.
    assert "<html" not in rest and rest.count("<tr><td><a href=") == 3 and "加载更多" not in rest


def test_the_uncovered_list_costs_the_same_queries_for_more_rows(world: World):
    party_world(world)
    client = world.client("secretary")
    url = reverse("party:uncovered")
    add_households(world, world.building1, 3)
    client.get(url)  # the first request of a session loads more (session, user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"area": world.community.code}).status_code == 200
    add_households(world, world.building2, 30, start=3)
    with CaptureQueriesContext(connection) as many:
        content = client.get(url, {"area": world.community.code}).content.decode()
    assert content.count("<tr><td><a href=") == 35
    assert len(many) == len(few), f"{len(few)} queries with few rows, {len(many)} with more"


def test_members_without_a_household_are_listed(world: World):
    p = party_world(world)
    client = world.client("secretary")
    content = client.get(reverse("party:idle_members")).content.decode()
    assert "每名党员都有联系户" in content
    party.end_link(actor=world.users["secretary"], link=p.link1)
    content = client.get(reverse("party:idle_members")).content.decode()
    assert "张三" in content and "第一网格党支部" in content and "第一网格" in content
    assert "王五" not in content
    assert 'data-testid="coverage-idle">1<' in _coverage(client)
    # A grid worker of grid 2 does not see grid 1's branch's members.
    assert "张三" not in world.client("grid02").get(reverse("party:idle_members")).content.decode()


def test_the_idle_list_costs_the_same_queries_for_more_rows(world: World):
    p = party_world(world)
    client = world.client("secretary")
    url = reverse("party:idle_members")

    def add_members(households: list[Household]) -> None:
        for household in households:
            party.register_member(
                actor=world.users["secretary"],
                organisation=p.branch1,
                resident=household.residents.get(),
                joined_on=datetime.date(2000, 7, 1),
                full_on=datetime.date(2001, 7, 1),
                status="full",
            )

    add_members(add_households(world, world.building1, 2))
    client.get(url)  # the first request of a session loads more (session, user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_members(add_households(world, world.building1, 20, start=2))
    with CaptureQueriesContext(connection) as many:
        content = client.get(url).content.decode()
    assert content.count("<tr><td>") == 22
    assert len(many) == len(few), f"{len(few)} queries with few rows, {len(many)} with more"


def test_an_unknown_area_is_not_found(world: World):
    assert not Area.objects.filter(code="370303005001009").exists()
    response = world.client("secretary").get(reverse("party:coverage"), {"area": "370303005001009"})
    assert response.status_code == 404
