"""The secretary follows the chain to the uncovered households, runs the assignment for one grid,
confirms it and sees the coverage rise."""

import re

import pytest

from tests.browser.conftest import login
from tests.conftest import World
from tests.party.factories import party_world
from tests.party.test_coverage_pages import add_households

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _share(page) -> float:
    return float(page.get_by_test_id("coverage-share").inner_text().rstrip("%"))


def test_secretary_assigns_liaison_households_for_a_grid(world: World, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    party_world(world)
    add_households(world, world.building1, 3)  # three more uncovered households in grid 1
    login(page, "secretary")

    page.goto("/party/chain/")
    page.locator("#chain-tree canvas").wait_for()
    committee = page.get_by_test_id("chain-org").first
    committee.locator("summary strong").first.click()  # the branches load when the committee is opened
    page.get_by_text("第一网格党支部").wait_for()
    committee.get_by_role("link", name="覆盖率").first.click()

    page.wait_for_url(re.compile(r"/party/coverage/"))
    # 7 occupied households: 李四's and 赵六's are covered.
    assert page.get_by_test_id("coverage-households").inner_text() == "7"
    before = _share(page)
    assert before == pytest.approx(28.6)
    page.locator("#chart-load canvas").wait_for()
    page.get_by_test_id("coverage-uncovered").click()
    page.get_by_test_id("uncovered-list").get_by_text("1号楼2单元301室").wait_for()
    assert page.get_by_test_id("uncovered-list").get_by_text("张三").count() == 1

    page.goto(f"/party/grids/{world.grid1.code}/")
    page.get_by_test_id("run-assignment").click()
    assert page.locator("#id_target").input_value() == "10"
    page.get_by_role("button", name="生成分配方案").click()
    page.wait_for_url(re.compile(r"/party/proposals/\d+/"))
    assert page.get_by_test_id("proposal-count").inner_text() == "4"
    assert page.get_by_test_id("proposal-left").inner_text() == "0"
    page.get_by_test_id("confirm-proposal").click()
    page.get_by_text("新增联系户4户").wait_for()
    assert page.get_by_test_id("grid-share").inner_text() == "100.0%"

    page.goto(f"/party/coverage/?area={world.community.code}")
    after = _share(page)
    assert after == pytest.approx(85.7) and after > before
    assert page.get_by_test_id("coverage-uncovered").inner_text() == "1"  # 王五's, in grid 2
    assert errors == []
