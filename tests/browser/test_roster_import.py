"""A community secretary imports a residents roster in the browser: a bad ID number is shown by
row and column; the corrected file imports."""

import pytest

from jiceng.people.models import Resident
from tests.browser.conftest import login
from tests.rosters.conftest import resident_row, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(page, rows):
    page.goto("/rosters/")
    page.select_option("#id_kind", "residents")
    page.set_input_files(
        "#id_file",
        files=[{"name": "居民花名册.xlsx", "mimeType": XLSX, "buffer": workbook("residents", rows)}],
    )
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_url("**/rosters/jobs/**")


def test_secretary_fixes_a_bad_id_number_and_imports_the_roster(world, page):
    rows = [resident_row(10), resident_row(11), resident_row(12)]
    good_id = rows[1]["id_number"]
    rows[1]["id_number"] = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    login(page, "secretary")

    _upload(page, rows)

    errors = page.get_by_test_id("job-errors")
    first = errors.locator("tbody tr").first
    assert first.locator("td").nth(1).inner_text() == "3"
    assert first.locator("td").nth(2).inner_text() == "身份证号码"
    assert "校验位错误" in first.inner_text()
    assert page.get_by_test_id("job-status").inner_text() == "有错误"
    assert not Resident.objects.filter(name=rows[0]["name"], household__room=rows[0]["room"]).exists()

    rows[1]["id_number"] = good_id
    _upload(page, rows)

    assert "新增居民 3" in page.get_by_test_id("job-result").inner_text()
    assert Resident.objects.filter(household__building=world.building1).count() == 4
