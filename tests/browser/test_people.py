"""Finding residents and showing a full ID number, as a grid worker does it in a browser."""

import pytest
from playwright.sync_api import expect

from jiceng.audit.models import Action, AuditEvent
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_grid_worker_finds_a_resident_of_their_grid_but_not_of_another(world, page):
    login(page, "grid01")
    page.get_by_role("link", name="居民").first.click()
    page.wait_for_url("**/people/search/")
    search = page.get_by_test_id("search-input")
    results = page.get_by_test_id("search-results")

    search.fill("zs")
    results.get_by_role("link", name="张三").wait_for()
    household_url = f"/people/households/{world.household1.pk}/"
    results.locator(f"a[href='{household_url}']").click()
    page.wait_for_url(f"**{household_url}")
    members = page.get_by_test_id("members")
    assert members.get_by_role("link", name="张三").is_visible()
    assert "户主" in members.inner_text()

    # 李四 lives in grid02: neither initials nor name find her, and her page is not there.
    page.go_back()
    for text in ("ls", "李四"):
        search.fill(text)
        page.get_by_text(f"没有找到“{text}”").wait_for()
        assert results.get_by_role("link").count() == 0
    response = page.goto(f"/people/residents/{world.resident2.pk}/")
    assert response.status == 404


def test_revealing_a_full_id_number_asks_for_a_reason_and_is_audited(world, page):
    login(page, "grid01")
    resident = world.resident1
    page.goto(f"/people/residents/{resident.pk}/")
    masked = page.get_by_test_id("id_number-masked")
    assert "*" in masked.inner_text()

    row = page.locator("#reveal-id_number")
    reason = row.locator("input[name=reason]")
    assert reason.is_hidden()
    page.wait_for_function("window.Alpine !== undefined && window.htmx !== undefined")  # deferred scripts
    row.get_by_role("button", name="查看完整").click()
    # The reason is required: an empty one is not sent.
    expect(reason).to_be_visible()
    assert reason.get_attribute("required") is not None
    row.get_by_role("button", name="确定").click()
    assert masked.is_visible()
    reason.fill("核对低保申请材料")
    row.get_by_role("button", name="确定").click()

    full = page.get_by_test_id("id_number-full")
    full.wait_for()
    assert full.inner_text() == resident.id_number
    assert "已记录本次查看" in row.inner_text()
    event = AuditEvent.objects.get(action=Action.REVEAL)
    assert (event.actor_name, event.reason, event.fields) == ("grid01", "核对低保申请材料", ["id_number"])
    assert event.object_id == str(resident.pk)
