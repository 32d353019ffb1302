"""The downloadable templates and the error report."""

import io

import pytest
from openpyxl import load_workbook

from jiceng.rosters import services
from jiceng.rosters.models import JobStatus
from tests.rosters.conftest import resident_row, workbook

pytestmark = pytest.mark.django_db


def test_the_residents_template_has_chinese_headers_drop_downs_and_an_example(world):
    response = world.client("secretary").get("/rosters/templates/residents.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb["居民"]
    headers = [c.value for c in ws[1]]
    assert headers[:7] == ["小区", "楼栋", "单元", "房号", "户类型", "姓名", "身份证号码"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    column = {h: chr(ord("A") + i) for i, h in enumerate(headers)}
    assert "中共党员" in lists[column["政治面貌"] + "2"]
    assert "户主" in lists[column["与户主关系"] + "2"]
    assert "在住" in lists[column["居住状态"] + "2"] and "已故" not in lists[column["居住状态"] + "2"]
    assert "户籍户" in lists[column["户类型"] + "2"]
    assert column["性别"] + "2" not in lists  # derived from the ID number
    assert ws.column_dimensions[column["身份证号码"]].number_format == "@"
    example = [c.value for c in ws[2]]
    assert example[0] == "世纪花园" and len(example[6]) == 18
    assert "填写说明" in wb.sheetnames


@pytest.mark.parametrize("kind,sheet", [("buildings", "楼栋"), ("households", "住户")])
def test_every_roster_has_a_template(world, kind, sheet):
    response = world.client("secretary").get(f"/rosters/templates/{kind}.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb[sheet].max_row == 2


def test_templates_need_the_import_permission(world):
    assert world.client("district").get("/rosters/templates/residents.xlsx").status_code == 403
    assert world.client("secretary").get("/rosters/templates/nothing.xlsx").status_code == 404


def test_the_error_report_is_the_uploaded_workbook_with_an_error_column(world):
    rows = [resident_row(10), resident_row(11, id_number="370303198005170010"), resident_row(12, phone="12")]
    job = services.start_import(
        actor=world.users["secretary"],
        kind="residents",
        file_name="居民.xlsx",
        data=workbook("residents", rows),
    )
    assert job.status == JobStatus.FAILED

    response = world.client("secretary").get(f"/rosters/jobs/{job.pk}/errors.xlsx")

    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["居民"]
    headers = [c.value for c in ws[1]]
    assert headers[-1] == "错误说明"
    assert ws.cell(row=2, column=len(headers)).value is None
    assert ws.cell(row=3, column=len(headers)).value == "身份证号码：身份证号码校验位错误，请核对是否抄错"
    assert "联系电话" in ws.cell(row=4, column=len(headers)).value
    id_col = headers.index("身份证号码") + 1
    assert ws.cell(row=3, column=id_col).fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(row=2, column=id_col).fill.fgColor.rgb != ws.cell(row=3, column=id_col).fill.fgColor.rgb
    assert ws.cell(row=3, column=id_col).value == rows[1]["id_number"]  # the user's data is kept
