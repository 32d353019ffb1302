"""The compliance board for a wide scope: summed per area with drill-down, and paged in the API."""

from typing import Any

from django.urls import reverse

from jiceng.meetings import views
from tests.conftest import World
from tests.party.factories import party_world


def test_a_wide_board_sums_per_area_and_drills_down_to_the_organisations(world: World, monkeypatch: Any):
    pw = party_world(world)
    monkeypatch.setattr(views, "BOARD_ORG_ROWS", 1)  # as if the district had thousands
    client = world.client("district")
    page = client.get(reverse("meetings:board")).content.decode()
    assert 'data-testid="board-areas"' in page and f"?area={world.grid2.code}" in page
    assert f'data-testid="board-row-{pw.branch2.pk}"' not in page
    drilled = client.get(reverse("meetings:board"), {"area": world.grid2.code}).content.decode()
    assert f'data-testid="board-row-{pw.branch2.pk}"' in drilled
    assert pw.branch1.name not in drilled


def test_the_api_board_comes_in_pages_with_sums_per_area(world: World):
    pw = party_world(world)
    client = world.client("district")
    first = client.get("/api/v1/meetings/board", {"size": 2}).json()
    assert first["count"] == 3 and first["next_offset"] == 2
    assert [o["id"] for o in first["organisations"]] == [pw.committee.pk, pw.branch1.pk]
    rest = client.get("/api/v1/meetings/board", {"size": 2, "offset": 2}).json()
    assert [o["id"] for o in rest["organisations"]] == [pw.branch2.pk] and rest["next_offset"] is None
    assert sum(a["organisations"] for a in first["areas"]) == 3
    branch2 = next(o for o in rest["organisations"])
    assert branch2["talks"] == [0, 1]  # 王五 is owed his talk
    grid2 = next(a for a in first["areas"] if a["code"] == world.grid2.code)
    assert grid2["organisations"] == 1 and grid2["name"] == world.grid2.name
