"""The home dashboard shows the figures of the user's own scope."""

import datetime
import json

from jiceng.dashboard.queries import overview
from jiceng.people import services
from jiceng.people.models import CareTag
from tests.conftest import World


def _chart_data(content: str) -> dict:
    return json.loads(content.split('id="dashboard-data">')[1].split("</script>")[0])


def test_the_secretary_sees_the_community_with_per_grid_counts(world: World):
    services.update_resident(
        actor=world.users["secretary"],
        resident=world.resident1,
        political_status="party_member",
        care_tags=[CareTag.objects.get(code="elderly_alone")],
    )
    data = overview(world.users["secretary"])
    assert (data.residents, data.households, data.members) == (2, 2, 1)
    assert data.member_share == 0.5
    assert ("独居老人", 1) in data.by_tag and ("留守儿童", 0) in data.by_tag
    assert [(c["name"], c["residents"], c["members"]) for c in data.by_child] == [
        ("第一网格", 1, 1),
        ("第二网格", 1, 0),
    ]
    content = world.client("secretary").get("/").content.decode()
    assert 'data-testid="stat-member-share">50.0%' in content
    assert [c["name"] for c in _chart_data(content)["children"]] == ["第一网格", "第二网格"]


def test_a_grid_worker_sees_their_grid_only(world: World):
    data = overview(world.users["grid01"])
    assert (data.residents, data.households) == (1, 1)


def test_moved_out_residents_are_not_counted(world: World):
    import datetime

    services.end_residence(
        actor=world.users["grid01"],
        resident=world.resident1,
        on=datetime.date(2026, 1, 1),
        destination="北京",
    )
    assert overview(world.users["secretary"]).residents == 1


def test_administrators_get_no_figures(world: World):
    content = world.client("sysadmin").get("/").content.decode()
    assert "dashboard-data" not in content and "您的角色不涉及居民信息" in content


def test_street_and_district_figures_come_from_the_cache_refreshed_by_the_worker(world: World):
    from jiceng.dashboard.tasks import refresh_large_areas

    assert refresh_large_areas() == 2  # the district and the street
    first = overview(world.users["street"])
    assert first.cached and first.residents == 2
    services.end_residence(
        actor=world.users["grid01"],
        resident=world.resident1,
        on=datetime.date(2026, 1, 1),
        destination="北京",
    )
    assert overview(world.users["street"]).residents == 2  # until the next refresh
    assert overview(world.users["secretary"]).residents == 1  # a community is counted live
    refresh_large_areas()
    assert overview(world.users["street"]).residents == 1
    content = world.client("street").get("/").content.decode()
    assert "数据统计于" in content


def test_community_figures_are_cached_but_follow_every_change(world: World):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_id

    assert overview(world.users["secretary"]).residents == 2
    with CaptureQueriesContext(connection) as queries:
        assert overview(world.users["secretary"]).residents == 2
    assert not any("people_resident" in q["sql"] for q in queries.captured_queries)  # served from the cache
    services.register_resident(
        actor=world.users["grid01"],
        household=world.household1,
        name="张小红",
        id_number=make_id(seed=21, male=False),
        relation_to_head="child",
    )
    assert overview(world.users["secretary"]).residents == 3
    assert not overview(world.users["secretary"]).cached  # live figures carry no "as of" note


def test_grid_figures_follow_every_change_too(world: World):
    from tests.conftest import make_id

    assert overview(world.users["grid01"]).residents == 1
    services.register_resident(
        actor=world.users["grid01"],
        household=world.household1,
        name="张小明",
        id_number=make_id(seed=22),
        relation_to_head="child",
    )
    assert overview(world.users["grid01"]).residents == 2
    services.move_resident(
        actor=world.users["secretary"],
        resident=world.resident2,
        household=world.household1,
        on=datetime.date(2026, 5, 1),
    )
    assert overview(world.users["grid01"]).residents == 3
    assert overview(world.users["grid02"]).residents == 0


def test_the_home_page_shows_live_liaison_coverage(world):
    from tests.party.factories import party_world

    p = party_world(world)
    client = world.client("secretary")
    assert 'data-testid="stat-coverage">50.0%' in client.get("/").content.decode().replace("\n", "")
    from jiceng.party import services as party

    party.link_household(actor=world.users["secretary"], member=p.member2, household=p.household3)
    assert 'data-testid="stat-coverage">75.0%' in client.get("/").content.decode().replace("\n", "")
