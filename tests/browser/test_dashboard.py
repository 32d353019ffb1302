"""The home dashboard draws its ECharts charts in the browser."""

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_secretary_sees_the_dashboard_charts(world, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, "secretary")
    assert page.get_by_test_id("stat-residents").inner_text() == "2"
    page.locator("#chart-tags canvas").wait_for()
    page.locator("#chart-children canvas").wait_for()
    assert page.locator("#chart-tags canvas").bounding_box()["height"] > 100
    assert errors == []
