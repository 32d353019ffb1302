"""While an appeal is written: open appeals like it are offered (staff see them, a resident learns
only that neighbours raised the same), and the place may be pinned on a map."""

from decimal import Decimal

from django.urls import reverse

from jiceng.appeals import services as appeals
from jiceng.appeals.models import Appeal, Category, Channel
from tests.appeals.test_api import Api
from tests.conftest import World
from tests.party.factories import party_world

RUBBISH = "楼下垃圾三天没有清运，气味很大"


def _rubbish_from_a_neighbour(world: World) -> Appeal:
    """Grid 2's worker reports rubbish at 王五's (2号楼, the building 李四 lives in)."""
    p = party_world(world)
    return appeals.submit(
        actor=world.users["grid02"],
        channel=Channel.PATROL,
        category=Category.objects.get(code="garbage"),
        text="2号楼楼下的垃圾一直没人清运",
        household=p.household3,
    )


def _similar(client, **params: object) -> str:
    return client.get(reverse("appeals:similar"), params).content.decode()


def test_staff_writing_an_appeal_are_shown_the_similar_open_one(world: World):
    first = _rubbish_from_a_neighbour(world)
    garbage = Category.objects.get(code="garbage")
    grid02 = world.client("grid02")
    shown = _similar(grid02, category=garbage.pk, text=RUBBISH, building=world.building2.pk)
    assert first.number in shown and 'data-testid="intake-similar"' in shown and "可能重复" in shown
    # Other words, another category, too short a text: nothing offered.
    assert first.number not in _similar(
        grid02, category=garbage.pk, text="希望增加健身器材", building=world.building2.pk
    )
    parking = Category.objects.get(code="parking")
    assert first.number not in _similar(
        grid02, category=parking.pk, text=RUBBISH, building=world.building2.pk
    )
    assert first.number not in _similar(grid02, category=garbage.pk, text="垃圾", building=world.building2.pk)
    # Grid 1's worker names grid 2's building: it is not theirs, nothing is shown.
    assert first.number not in _similar(
        world.client("grid01"), category=garbage.pk, text=RUBBISH, building=world.building2.pk
    )
    # The intake page asks for them as the text is typed or the category chosen.
    page = grid02.get(reverse("appeals:new")).content.decode()
    assert f'hx-get="{reverse("appeals:similar")}"' in page and 'id="similar-results"' in page


def test_a_resident_learns_that_neighbours_raised_it_but_not_who_or_what(world: World):
    first = _rubbish_from_a_neighbour(world)
    garbage = Category.objects.get(code="garbage")
    resident = world.client("resident")  # 李四, 2号楼
    shown = _similar(resident, category=garbage.pk, text=RUBBISH)
    assert "同楼已有1件类似诉求" in shown and "待受理" in shown
    assert first.number not in shown and "一直没人清运" not in shown
    # Once they have raised it themselves, their own appeal is offered with its link.
    own = appeals.submit(
        actor=world.users["resident"],
        channel=Channel.RESIDENT,
        category=garbage,
        text=RUBBISH,
        household=world.household2,
    )
    shown = _similar(resident, category=garbage.pk, text=RUBBISH)
    assert own.number in shown and reverse("appeals:detail", args=[own.pk]) in shown
    assert "您已反映过类似的事" in shown and first.number not in shown
    # Someone who may not submit appeals is refused.
    assert world.client("sysadmin").get(reverse("appeals:similar")).status_code == 403


def test_the_api_offers_the_same(world: World):
    first = _rubbish_from_a_neighbour(world)
    staff = Api(world, "grid02").get(
        "/similar", category="garbage", text=RUBBISH, building_id=world.building2.pk
    )
    body = staff.json()
    assert staff.status_code == 200 and [i["number"] for i in body["items"]] == [first.number]
    assert body["items"][0]["score"] >= 60 and body["others"] == 0
    mine = Api(world, "resident").get("/similar", category="garbage", text=RUBBISH).json()
    assert mine == {"items": [], "others": 1, "others_status": "submitted"}
    unknown = Api(world, "grid02").get("/similar", category="nope", text=RUBBISH)
    assert unknown.status_code == 422 and "nope" in unknown.content.decode()
    # grid01 may not name a building of grid 2.
    outside = Api(world, "grid01").get(
        "/similar", category="garbage", text=RUBBISH, building_id=world.building2.pk
    )
    assert outside.status_code == 404


def _outline(world: World) -> None:
    world.grid2.boundary = {
        "type": "Polygon",
        "coordinates": [
            [[118.05, 36.80], [118.06, 36.80], [118.06, 36.81], [118.05, 36.81], [118.05, 36.80]]
        ],
    }
    world.grid2.save(update_fields=["boundary"])


def test_a_resident_pins_the_place_on_the_map_of_their_grid(world: World):
    _outline(world)
    resident = world.client("resident")
    page = resident.get(reverse("appeals:new")).content.decode()
    assert 'data-testid="pin-map"' in page and "pin-map.js" in page and "第二网格" in page
    garbage = Category.objects.get(code="garbage")
    data = {"category": garbage.pk, "text": RUBBISH, "latitude": "36.805123", "longitude": "118.055432"}
    response = resident.post(reverse("appeals:new"), data)
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert (appeal.latitude, appeal.longitude) == (Decimal("36.805123"), Decimal("118.055432"))
    detail = resident.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert 'data-testid="appeal-pin"' in detail and 'data-lat="36.805123"' in detail


def test_a_half_or_impossible_pin_is_refused_and_nothing_is_stored(world: World):
    resident = world.client("resident")
    garbage = Category.objects.get(code="garbage")
    half = resident.post(
        reverse("appeals:new"), {"category": garbage.pk, "text": RUBBISH, "latitude": "36.8"}
    )
    assert half.status_code == 200 and "地图标注不完整" in half.content.decode()
    far = resident.post(
        reverse("appeals:new"),
        {"category": garbage.pk, "text": RUBBISH, "latitude": "95", "longitude": "118"},
    )
    assert far.status_code == 200 and "90" in far.content.decode()
    assert not Appeal.objects.exists()
    api = Api(world, "resident")
    body = {"category": "garbage", "text": RUBBISH, "household_id": world.household2.pk}
    refused = api.post("/", {**body, "latitude": 36.8})
    assert refused.status_code == 422 and "纬度和经度须同时提供" in refused.json()["errors"]["latitude"][0]
    wrong = api.post("/", {**body, "latitude": 36.8, "longitude": 200})
    assert wrong.status_code == 422 and "经纬度无效" in wrong.json()["errors"]["latitude"][0]
    assert not Appeal.objects.exists()
    pinned = api.post("/", {**body, "latitude": 36.8, "longitude": 118.05})
    assert pinned.status_code == 201 and pinned.json()["latitude"] == "36.800000"
