"""The measures page and its export, for the areas one may see."""

import io

from openpyxl import load_workbook

from jiceng.appeals import services as appeals
from jiceng.appeals.models import Category, Channel
from jiceng.audit.models import AuditEvent
from tests.conftest import World
from tests.party.factories import party_world


def _dispatched(w: World) -> None:
    party_world(w)
    appeal = appeals.submit(
        actor=w.users["resident"],
        channel=Channel.RESIDENT,
        category=Category.objects.get(code="garbage"),
        text="楼下垃圾三天没有清运",
        household=w.household2,
    )
    appeal = appeals.accept(actor=w.users["grid02"], appeal=appeal, version=appeal.version)
    appeal = appeals.dispatch(actor=w.users["grid02"], appeal=appeal, version=appeal.version)
    appeals.start(actor=w.users["grid02"], appeal=appeal, version=appeal.version)


def test_the_secretary_sees_the_communitys_rates_by_grid(world: World):
    _dispatched(world)
    page = world.client("secretary").get("/appeals/measures/").content.decode()
    assert 'data-testid="count-dispatched">1<' in page and 'data-testid="rate-response">100.0%' in page
    assert "第二网格" in page  # by grid
    assert "/appeals/measures/hot/" in page  # the hot issues are a page of their own


def test_the_hot_issue_page_shows_the_rising_category_and_keyword(world: World):
    _dispatched(world)
    page = world.client("secretary").get("/appeals/measures/hot/").content.decode()
    rows = page.split('data-testid="hot-categories"')[1].split("</table>")[0]
    assert "垃圾清运" in rows and "+1" in rows
    assert "垃圾" in page.split('data-testid="hot-keywords"')[1].split("</div>")[0]
    # Grid 1's worker has nothing rising; grid 2 is not theirs; a resident has no area.
    mine = world.client("grid01").get("/appeals/measures/hot/").content.decode()
    assert "垃圾清运" not in mine and "无明显上升" in mine
    assert world.client("grid01").get("/appeals/measures/hot/", {"area": world.grid2.code}).status_code == 404
    assert world.client("resident").get("/appeals/measures/hot/").status_code == 403


def test_the_figures_are_counted_once_every_few_minutes(world: World, settings):
    settings.APPEAL_FIGURES_CACHE_SECONDS = 300
    client = world.client("secretary")
    assert 'data-testid="count-dispatched">0<' in client.get("/appeals/measures/").content.decode()
    _dispatched(world)
    page = client.get("/appeals/measures/").content.decode()
    assert 'data-testid="count-dispatched">0<' in page and "每5分钟更新" in page  # as counted before
    settings.APPEAL_FIGURES_CACHE_SECONDS = 0
    assert 'data-testid="count-dispatched">1<' in client.get("/appeals/measures/").content.decode()


def test_the_api_gives_the_measures_and_hot_issues(world: World):
    _dispatched(world)
    client = world.client("secretary")
    body = client.get("/api/v1/appeals/measures", {"group": "category"}).json()
    assert body["area"] == world.community.code and body["group"] == "category"
    assert body["total"]["dispatched"] == 1 and body["total"]["response_rate"] == 1.0
    assert [(r["label"], r["dispatched"]) for r in body["rows"]] == [("垃圾清运", 1)]
    by_grid = client.get("/api/v1/appeals/measures").json()
    assert [(r["key"], r["label"]) for r in by_grid["rows"]] == [(world.grid2.code, "第二网格")]
    hot = client.get("/api/v1/appeals/hot", {"month": body["month"]}).json()
    assert hot["categories"] == [{"name": "垃圾清运", "this_period": 1, "last_period": 0, "rise": 1}]
    assert "垃圾" in [k["name"] for k in hot["keywords"]]
    grid01 = world.client("grid01")
    assert grid01.get("/api/v1/appeals/measures").json()["total"]["dispatched"] == 0
    assert grid01.get("/api/v1/appeals/hot", {"area": world.grid2.code}).status_code == 404
    assert world.client("resident").get("/api/v1/appeals/hot").status_code == 403


def test_a_grid_worker_sees_only_their_grid(world: World):
    _dispatched(world)
    client = world.client("grid01")
    assert 'data-testid="count-dispatched">0<' in client.get("/appeals/measures/").content.decode()
    assert client.get("/appeals/measures/", {"area": world.grid2.code}).status_code == 404
    assert world.client("resident").get("/appeals/measures/").status_code == 403


def test_the_export_is_a_workbook_and_is_logged(world: World):
    _dispatched(world)
    response = world.client("secretary").get("/appeals/measures/export.xlsx", {"group": "category"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("名称", "派单", "响应率") and rows[1][:3] == ("垃圾清运", 1, 100.0)
    assert AuditEvent.objects.filter(action="export", reason__startswith="appeal measures").exists()


def test_a_grid_worker_asking_for_the_community_gets_their_grid(world: World):
    _dispatched(world)
    page = world.client("grid02").get("/appeals/measures/", {"area": world.community.code}).content.decode()
    assert "第二网格" in page and 'data-testid="count-dispatched">1<' in page
