"""A resident reports uncollected rubbish from their phone with a photo and a map pin; grid 1's
worker accepts it, dispatches it, handles it with a photo of the result and closes it; the
resident rates it. A worker taking a call finds the caller and is told of a similar open appeal."""

import datetime
import re

import pytest
from PIL import Image

from jiceng.appeals import defaults
from jiceng.appeals import services as appeals
from jiceng.appeals.models import Appeal, Category, Channel, Rating, Status
from jiceng.people import services as people
from jiceng.people.models import Household
from tests.browser.conftest import login
from tests.browser.test_mobile import PHONE, assert_fits_the_screen
from tests.conftest import World, make_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _categories(world: World) -> None:
    """The default categories come from a data migration; an earlier browser test's flush may
    have removed them (the rollback's restore does not reach the connection Playwright's thread
    state gives these tests), so put back the missing ones."""
    defaults.seed(Category)


def _photo(path, colour: str) -> str:
    Image.new("RGB", (64, 48), colour).save(path, "JPEG")
    return str(path)


def _resident01_in_grid_1(world: World) -> None:
    """As in the demo community, resident01 lives in grid 1 (the shared test world has them in
    grid 2): here they are 赵敏 of 1号楼1单元102室."""
    household = Household.objects.create(
        building=world.building1, area_code=world.grid1.code, unit=1, room="102"
    )
    resident = people.register_resident(
        actor=world.users["secretary"],
        household=household,
        name="赵敏",
        id_number=make_id(seed=7, male=False, birth=datetime.date(1985, 6, 1)),
        relation_to_head="head",
    )
    user = world.users["resident"]
    user.resident = resident
    user.save(update_fields=["resident"])


def test_an_appeal_from_a_phone_to_its_rating(world: World, new_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _resident01_in_grid_1(world)
    errors: list[str] = []

    # resident01 reports it from their phone, with a photo and a pin on the map.
    phone = new_page(**PHONE)
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    login(phone, "resident01")
    phone.goto("/appeals/new/")
    assert "世纪花园1号楼1单元102室" in phone.get_by_test_id("own-household").inner_text()
    phone.select_option("#id_category", label="垃圾清运")
    phone.fill("#id_text", "楼下垃圾三天没有清运，气味很大")
    phone.set_input_files("#id_photos", [_photo(tmp_path / "before.jpg", "brown")])
    phone.get_by_test_id("map-pin").locator("summary").click()
    phone.get_by_test_id("pin-map").click()  # the middle of the map
    phone.get_by_test_id("pin-text").filter(has_text="已标注").wait_for()
    assert phone.input_value("[name=latitude]") and phone.input_value("[name=longitude]")
    assert_fits_the_screen(phone, "appeal-new")
    phone.get_by_test_id("submit-appeal").click()
    phone.wait_for_url(re.compile(r"/appeals/\d+/$"))
    appeal = Appeal.objects.get()
    assert appeal.latitude is not None and appeal.area_code == world.grid1.code
    phone.get_by_test_id("appeal-pin").locator(".leaflet-marker-icon").wait_for()
    # The photo is served back to its submitter (64 pixels wide, as taken).
    phone.wait_for_function(
        "() => document.querySelector('[data-testid=appeal-photos] img').naturalWidth === 64"
    )
    assert_fits_the_screen(phone, "appeal-detail")
    phone.goto("/appeals/")
    row = phone.get_by_test_id("appeal-row").filter(has_text=appeal.number)
    assert row.get_by_test_id("appeal-status").inner_text() == "待受理"
    assert_fits_the_screen(phone, "appeal-mine")

    # Grid 1's worker finds it in the queue and takes it through.
    desk = new_page()
    desk.on("pageerror", lambda exc: errors.append(str(exc)))
    login(desk, "grid01")
    desk.goto("/appeals/")
    desk.get_by_test_id("appeal-row").filter(has_text=appeal.number).click()
    desk.wait_for_url(f"**/appeals/{appeal.pk}/")
    desk.get_by_test_id("step-accept").click()
    desk.get_by_text("已受理", exact=True).first.wait_for()
    assert "grid01" in desk.get_by_test_id("default-route").inner_text()
    desk.get_by_test_id("step-dispatch").click()
    desk.get_by_text("已派单给grid01").wait_for()
    assert "剩余" in desk.get_by_test_id("clock").last.inner_text()
    desk.get_by_test_id("open-handle").click()
    desk.fill("#result", "已联系物业清运并消杀")
    desk.set_input_files("#handle-photos", [_photo(tmp_path / "after.jpg", "green")])
    desk.get_by_test_id("step-handle").click()
    desk.get_by_text("已提交办理结果，等待核查").wait_for()
    assert desk.get_by_test_id("event-handled").get_by_test_id("event-photo").count() == 1
    desk.get_by_test_id("step-verify").click()
    desk.get_by_text("已确认解决").wait_for()
    desk.get_by_test_id("step-close").click()
    desk.get_by_text("已办结，已请诉求人评价").wait_for()

    # resident01 sees the result and rates it.
    phone.goto(f"/appeals/{appeal.pk}/")
    assert phone.get_by_test_id("appeal-result").inner_text() == "已联系物业清运并消杀"
    phone.get_by_test_id("rate-form").get_by_text("满意", exact=True).click()
    phone.get_by_test_id("rate-form").locator("textarea").fill("处理很及时")
    assert_fits_the_screen(phone, "appeal-rate")
    phone.get_by_test_id("step-rate").click()
    phone.get_by_text("感谢您的评价").wait_for()
    assert phone.get_by_test_id("appeal-rating").inner_text() == "满意 · 处理很及时"
    appeal.refresh_from_db()
    assert (appeal.status, appeal.rating, appeal.photos.count()) == (Status.CLOSED, Rating.SATISFIED, 2)
    assert errors == []


def test_a_grid_worker_takes_a_call_and_finds_the_caller(world: World, new_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    errors: list[str] = []
    earlier = appeals.submit(
        actor=world.users["grid01"],
        channel=Channel.PATROL,
        category=Category.objects.get(code="lighting"),
        text="1号楼楼前的路灯不亮了",
        building=world.building1,
    )
    page = new_page(**PHONE)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, "grid01")
    page.goto("/appeals/new/")
    page.select_option("#id_channel", label="来电")
    page.fill("#id_reporter_phone", "138 1234 5678")  # 张三's number, as the caller says it
    page.get_by_test_id("caller").filter(has_text="张三").click()
    assert page.input_value("#id_reporter_name") == "张三"
    assert page.input_value("#id_building") == str(world.building1.pk)
    page.wait_for_function(f"() => document.querySelector('#id_household').value === '{world.household1.pk}'")
    page.select_option("#id_category", label="路灯照明")
    page.fill("#id_text", "楼前路灯不亮已经一周")
    # 张三's neighbour reported the same lamp this morning: it is offered while typing.
    page.get_by_test_id("intake-similar").filter(has_text=earlier.number).wait_for()
    assert_fits_the_screen(page, "appeal-intake")
    page.get_by_test_id("submit-appeal").click()
    page.wait_for_url(re.compile(r"/appeals/\d+/$"))
    appeal = Appeal.objects.exclude(pk=earlier.pk).get()
    assert (appeal.household, appeal.reporter_name, appeal.channel) == (world.household1, "张三", "phone")
    page.goto("/appeals/")
    assert page.get_by_test_id("appeal-row").filter(has_text=appeal.number).count() == 1
    assert_fits_the_screen(page, "appeal-queue")
    assert errors == []
