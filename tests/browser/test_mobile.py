"""Grid workers use the pages on their phones: no sideways scrolling, a working menu button."""

from pathlib import Path

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
SCREENSHOTS = Path("/tmp/jiceng-screenshots")


def assert_fits_the_screen(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"phone-{name}.png", full_page=True)
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner + 1, f"{name}: the page is {width}px wide on a {inner}px screen"


def test_pages_fit_a_phone_screen(world, new_page):
    page = new_page(**PHONE)
    login(page, "secretary")
    page.locator("#chart-tags canvas").wait_for()
    assert_fits_the_screen(page, "home")
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()

    toggler.click()
    page.locator("#navbar-menu").get_by_role("link", name="居民").click()
    page.wait_for_url("**/people/search/")
    page.get_by_test_id("search-input").fill("zs")
    page.get_by_test_id("search-results").get_by_role("link", name="张三").wait_for()
    assert_fits_the_screen(page, "search")
    assert page.locator(".navbar-toggler").is_visible()

    page.goto(f"/people/households/{world.household1.pk}/")
    assert_fits_the_screen(page, "household")
    page.goto(f"/people/residents/{world.resident1.pk}/")
    page.locator("#reveal-id_number").get_by_role("button", name="查看完整").click()
    assert_fits_the_screen(page, "resident")
