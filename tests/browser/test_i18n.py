"""English is the second locale: chosen on the login page or from the account menu."""

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_english_from_the_login_page(world, page):
    page.goto("/accounts/login/")
    assert page.locator("h2").inner_text() == "登录"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h2").inner_text() == "Log in"
    assert page.locator("label[for=id_username]").inner_text() == "Username"
    assert page.locator("html").get_attribute("lang") == "en"

    login(page, "grid01")
    navbar = page.locator("#navbar-menu")
    assert navbar.get_by_role("link", name="Home").is_visible()
    assert navbar.get_by_role("link", name="Residents").is_visible()


def test_english_from_the_account_menu_and_back(world, page):
    login(page, "secretary")
    assert page.locator(".page-title").inner_text() == "首页"
    page.get_by_label("账号菜单").click()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator(".page-title").inner_text() == "Home"
    assert page.get_by_text("Population", exact=True).is_visible()

    page.goto("/people/search/")
    page.get_by_test_id("search-input").fill("zs")
    results = page.get_by_test_id("search-results")
    results.get_by_role("link", name="张三").wait_for()
    assert results.locator("th").all_text_contents()[:3] == ["Name", "Sex", "Date of birth"]
    assert "Male" in results.inner_text()

    page.get_by_label("Account menu").click()
    page.get_by_role("button", name="简体中文").click()
    page.wait_for_load_state()
    assert page.locator(".page-title").inner_text() == "查找居民"
