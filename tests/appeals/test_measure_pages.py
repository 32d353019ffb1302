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
    assert "第二网格" in page and "垃圾清运" in page  # by grid, and the rising category


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
