"""Household and resident pages, and list pages whose query count does not grow with rows."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiceng.people import services
from jiceng.people.models import Household
from tests.conftest import World, make_id, with_wrong_check_character


def _add_households(world: World, n: int, start: int) -> None:
    """n more households, alternating between the two grids, each with one resident."""
    for i in range(start, start + n):
        building, grid = (world.building1, world.grid1) if i % 2 else (world.building2, world.grid2)
        household = Household.objects.create(
            building=building, area_code=grid.code, unit=2, room=f"{300 + i}"
        )
        services.register_resident(
            actor=world.users["secretary"],
            household=household,
            name=f"王{'一二三四五六七八九十'[i % 10]}",
            id_number=make_id(birth=datetime.date(1970, 1, 1) + datetime.timedelta(days=i)),
            phone=f"1390000{i:04d}",
        )


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/people/households/",
        "/people/search/?q=w",
        "/territory/370303005001001/",
        "/territory/370303005001/",
        "/territory/buildings/{building}/",
    ],
)
def test_list_pages_run_the_same_number_of_queries_for_more_rows(world: World, url: str):
    url = url.format(building=world.building1.pk)
    client = world.client("secretary")
    _add_households(world, 2, start=0)
    client.get(url)  # the first request of a session also renews it
    cache.clear()  # count the figures both times rather than serve them from the cache
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_households(world, 12, start=20)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), f"{url}: {len(few)} queries with few rows, {len(many)} with more"


def test_the_resident_page_masks_numbers(world: World):
    content = (
        world.client("grid01").get(reverse("people:resident", args=[world.resident1.pk])).content.decode()
    )
    assert world.resident1.id_number_masked in content
    assert world.resident1.id_number not in content and "13812345678" not in content
    assert "138****5678" in content


def test_the_household_page_lists_members_and_history(world: World):
    content = (
        world.client("grid01").get(reverse("people:household", args=[world.household1.pk])).content.decode()
    )
    assert "张三" in content and "户主" in content and "迁入迁出记录" in content


def test_registering_a_resident_through_the_page(world: World):
    client = world.client("grid01")
    response = client.post(
        reverse("people:resident_new", args=[world.household1.pk]),
        {
            "name": "王五",
            "id_number": with_wrong_check_character(make_id(seed=77)),
            "ethnicity": "汉族",
            "political_status": "masses",
            "relation_to_head": "child",
            "residence_status": "living",
        },
    )
    assert response.status_code == 200 and "校验位" in response.content.decode()
    response = client.post(
        reverse("people:resident_new", args=[world.household1.pk]),
        {
            "name": "王五",
            "id_number": make_id(seed=77),
            "phone": "13900000000",
            "ethnicity": "汉族",
            "political_status": "masses",
            "relation_to_head": "child",
            "residence_status": "living",
        },
    )
    assert response.status_code == 302
    assert world.household1.residents.filter(name="王五").exists()


def test_htmx_search_returns_only_the_results_fragment(world: World):
    client = world.client("grid01")
    full = client.get("/people/search/?q=zs").content.decode()
    fragment = client.get("/people/search/?q=zs", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in full and "<html" not in fragment and "张三" in fragment


def test_changing_the_head_of_household_through_the_page(world: World):
    spouse = services.register_resident(
        actor=world.users["grid01"],
        household=world.household1,
        name="王丽",
        id_number=make_id(male=False, seed=11),
        relation_to_head="spouse",
    )
    response = world.client("grid01").post(
        reverse("people:household_edit", args=[world.household1.pk]),
        {"household_type": "resident", "head": spouse.pk},
    )
    assert response.status_code == 302
    world.household1.refresh_from_db()
    assert world.household1.head == spouse and world.household1.household_type == "resident"


def test_moving_a_resident_to_another_address_through_the_page(world: World):
    target = Household.objects.create(
        building=world.building1, area_code=world.grid1.code, unit=2, room="602"
    )
    client = world.client("grid01")
    url = reverse("people:resident_move", args=[world.resident1.pk])
    response = client.post(
        url, {"building": world.building1.pk, "unit": 2, "room": "999", "on": "2026-11-01"}
    )
    assert "尚未登记住户" in response.content.decode()
    response = client.post(
        url, {"building": world.building1.pk, "unit": 2, "room": "602", "on": "2026-11-01"}
    )
    assert response.status_code == 302
    assert world.resident1.__class__.objects.get(pk=world.resident1.pk).household == target
    # grid01 cannot pick grid 2's building at all.
    response = client.post(
        url, {"building": world.building2.pk, "unit": 1, "room": "201", "on": "2026-11-01"}
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert world.resident1.__class__.objects.get(pk=world.resident1.pk).household == target
