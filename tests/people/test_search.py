"""Searching by pinyin or initials through the compiled query (people.search): it finds what the
ORM's search finds, for every persona, in the same order and page by page, and within a
community it narrows the search to the community's index."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jiceng.accounts.models import ApiToken, User
from jiceng.people import queries, search, services
from jiceng.people.models import Household, Resident
from tests.conftest import World, make_id

PERSONAS = ["secretary", "staff", "grid01", "grid02", "street", "district", "member", "resident"]
TEXTS = ["zs", "z", "w", "wang", "ZS", "w y", "zhang", "qq"]
NAMES = ["王一", "王二", "王小明", "张伟", "赵四", "王五", "张三丰", "吴用"]


def _token(world: World) -> str:
    return ApiToken.issue(world.users["secretary"], "test")[1]


def _fresh(world: World, persona: str) -> User:
    # A user as a request loads it: scopes are kept on the object for one request.
    return User.objects.get(pk=world.users[persona].pk)


@pytest.fixture
def neighbours(world: World) -> None:
    """More residents across both grids and the other community; one of them moved away."""
    buildings = [world.building1, world.building2]
    for i, name in enumerate([*NAMES, "王外"]):
        building = buildings[i % 2]
        household = Household.objects.create(
            building=building, area_code=building.area_code, unit=2, room=f"{300 + i}"
        )
        resident = services.register_resident(
            actor=world.users["secretary"],
            household=household,
            name=name,
            id_number=make_id(birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=i)),
            phone=f"1390000{i:04d}",
        )
        if name == "王五":
            services.end_residence(
                actor=world.users["secretary"],
                resident=resident,
                on=datetime.date(2026, 1, 1),
                destination="北京",
            )
    # The last one lives in the other community, outside every community persona's scope.
    Household.objects.filter(pk=household.pk).update(area_code=world.other_community.code + "001")
    household.residents.update(area_code=world.other_community.code + "001")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("former", [False, True])
def test_the_search_page_finds_what_the_orm_search_finds(
    world: World, neighbours: None, persona: str, former: bool
):
    for text in TEXTS:
        expected = list(
            queries.resident_page_rows(queries.search_residents(_fresh(world, persona), text, former)[:5])
        )
        assert search.page_rows(_fresh(world, persona), text, former, 5) == expected, text


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_search_pages_through_what_the_orm_search_finds(world: World, neighbours: None, persona: str):
    for text in TEXTS:
        expected = list(
            queries.resident_rows(queries.search_residents(_fresh(world, persona), text).order_by("pk"))
        )
        found, after = [], None
        while True:
            page = search.keyset_page(_fresh(world, persona), text, after, 2)
            found += page["items"]
            after = page["next_cursor"]
            if after is None:
                break
            assert len(page["items"]) == 2
        assert found == expected, text


def test_a_secretary_finds_the_community_by_initials_and_never_a_former_resident(
    world: World, neighbours: None
):
    names = [r["name"] for r in search.page_rows(_fresh(world, "secretary"), "w", False, 50)]
    assert sorted(names) == ["吴用", "王一", "王二", "王小明"]  # 王五 moved away, 吴用 (wy) too
    with_former = [r["name"] for r in search.page_rows(_fresh(world, "secretary"), "w", True, 50)]
    assert "王五" in with_former and "王五" not in names
    assert [r["name"] for r in search.page_rows(_fresh(world, "grid02"), "zhang", False, 50)] == ["张伟"]
    grid01 = search.page_rows(_fresh(world, "grid01"), "zhang", False, 50)
    assert sorted(r["name"] for r in grid01) == ["张三", "张三丰"]
    assert search.page_rows(_fresh(world, "secretary"), "wy", False, 50)[0]["address"].startswith("世纪花园")


def test_the_page_rows_come_in_the_residents_order_and_masked(world: World, neighbours: None):
    rows = search.page_rows(_fresh(world, "secretary"), "w", False, 50)
    order = [(r["area_code"], r["household_id"], r["id"]) for r in rows]
    assert order == sorted(order)
    for row in rows:
        assert "*" in row["id_number"] and "*" in row["phone"] and "id_mask" not in row
        assert row["current"] is True
    assert len(search.page_rows(_fresh(world, "secretary"), "w", False, 2)) == 2


def test_a_search_within_a_community_asks_the_community_index(world: World, neighbours: None):
    for persona, narrowed in [("secretary", True), ("grid01", True), ("street", False), ("district", False)]:
        with CaptureQueriesContext(connection) as captured:
            search.keyset_page(_fresh(world, persona), "zs", None, 50)
        assert ('SUBSTR("people_resident"."area_code", 1, 12)' in captured[-1]["sql"]) is narrowed, persona


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_on_postgresql_the_community_indexes_answer_the_expression_the_search_writes(world: World):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    found = Resident.objects.alias(community=queries.CommunityOf("area_code")).filter(
        community=world.community.code, name_initials__startswith="zs"
    )
    plan = found.order_by().values("pk").explain()
    assert "resident_community_" in plan, plan
    assert re.search(r"Index Cond: \(+substr\(\(area_code\)::text, 1, 12\) = '370303005001'", plan), plan


def test_the_search_page_and_the_api_run_the_same_number_of_queries_for_more_matches(world: World):
    page, api = world.client("secretary"), Client(HTTP_AUTHORIZATION=f"Bearer {_token(world)}")
    counts = []
    for start in (0, 20):
        for i in range(start, start + 12):
            household = Household.objects.create(
                building=world.building1, area_code=world.grid1.code, unit=3, room=f"{500 + i}"
            )
            services.register_resident(
                actor=world.users["secretary"],
                household=household,
                name="王" + "一二三四五六七八九十"[i % 10],
                id_number=make_id(birth=datetime.date(1960, 1, 1) + datetime.timedelta(days=i)),
            )
        page.get("/people/search/?q=w")  # the first request of a session also renews it
        api.get("/api/v1/people/residents?q=w")  # and a token's first records its use
        with CaptureQueriesContext(connection) as on_page:
            assert page.get("/people/search/?q=w").status_code == 200
        with CaptureQueriesContext(connection) as on_api:
            assert api.get("/api/v1/people/residents?q=w").status_code == 200
        counts.append((len(on_page), len(on_api)))
    assert counts[0] == counts[1]
