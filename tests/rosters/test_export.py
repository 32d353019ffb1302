"""Exports: scoped, masked by default, full numbers only with permission and a purpose, audited."""

import io

import pytest
from openpyxl import load_workbook

from jiceng.audit.models import Action, AuditEvent
from jiceng.rosters.registry import get_roster
from jiceng.rosters.services import import_rows
from tests.rosters.conftest import resident_row, workbook

pytestmark = pytest.mark.django_db


def _post(client, **data):
    response = client.post("/rosters/export/", {"kind": "residents", **data})
    if response.status_code != 200 or "Content-Disposition" not in response:
        return response, None
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return response, [[c.value for c in row] for row in ws.iter_rows()]


def _column(rows, title):
    i = rows[0].index(title)
    return [r[i] for r in rows[1:]]


def test_an_export_masks_numbers_and_is_audited(world):
    _, rows = _post(world.client("secretary"), purpose="入户走访名单")
    assert rows is not None
    assert sorted(_column(rows, "姓名")) == sorted(["张三", "李四"])
    ids = _column(rows, "身份证号码")
    assert all("*" in v for v in ids)
    assert world.resident1.id_number_masked in ids
    assert world.resident1.phone_masked in _column(rows, "联系电话")
    event = AuditEvent.objects.filter(action=Action.EXPORT).get()
    assert event.reason == "入户走访名单" and "2 行" in event.object_repr and event.fields == []


def test_residents_exports_need_a_purpose(world):
    response, rows = _post(world.client("secretary"))
    assert rows is None and "导出居民个人信息须说明用途" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_full_numbers_only_with_the_reveal_permission_and_a_purpose(world):
    _, rows = _post(world.client("secretary"), purpose="核对低保名单", reveal="on")
    assert world.resident1.id_number in _column(rows, "身份证号码")
    assert world.resident1.phone in _column(rows, "联系电话")
    event = AuditEvent.objects.filter(action=Action.EXPORT).get()
    assert event.fields == ["id_number", "phone"] and event.reason == "核对低保名单"


def test_a_district_admin_without_reveal_gets_masked_numbers_only(world):
    response, rows = _post(world.client("district"), purpose="统计", reveal="on")
    assert rows is None
    assert "请只导出脱敏数据" in response.content.decode()
    response, rows = _post(world.client("district"), purpose="统计")
    assert all("*" in v for v in _column(rows, "身份证号码"))


def test_exports_are_scoped_and_filtered(world):
    _, rows = _post(world.client("grid01"), purpose="走访")
    assert _column(rows, "姓名") == ["张三"]
    _, rows = _post(world.client("secretary"), purpose="走访", area=world.grid2.code)
    assert _column(rows, "姓名") == ["李四"]
    _, rows = _post(world.client("secretary"), purpose="走访", q="zs")
    assert _column(rows, "姓名") == ["张三"]


def test_households_and_buildings_export(world):
    client = world.client("secretary")
    _, rows = _post(client, kind="households")
    assert rows[0][:4] == ["小区", "楼栋", "单元", "房号"] and rows[0][-1] == "户主"
    assert sorted(_column(rows, "户主")) == ["张三", "李四"]
    _, rows = _post(client, kind="buildings")
    assert sorted(_column(rows, "楼栋名称")) == ["1号楼", "2号楼"]


@pytest.mark.parametrize("persona", ["member", "resident", "auditor", "sysadmin"])
def test_exports_need_the_export_permission(world, persona):
    assert world.client(persona).get("/rosters/export/").status_code == 403


def test_a_full_export_can_be_imported_again(world):
    _, rows = _post(world.client("secretary"), purpose="迁移到新系统", reveal="on")
    keys = [c.key for c in get_roster("residents").columns]
    again = [dict(zip(keys, r, strict=True)) for r in rows[1:]]
    result = import_rows(world.users["secretary"], "residents", workbook("residents", again))
    # Every person is already registered: the import reports each as a duplicate, by row.
    assert [(e.row, e.message) for e in result.errors if e.column == "身份证号码"] == [
        (2, "该身份证号码已登记在本系统的其他住户中"),
        (3, "该身份证号码已登记在本系统的其他住户中"),
    ]
    assert {e.column for e in result.errors} == {
        "身份证号码",
        "与户主关系",
    }  # and each household has its head


def test_the_export_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    client = world.client("secretary")
    with django_assert_max_num_queries(20) as few:
        _post(client, purpose="走访")
    queries = len(few.captured_queries)
    import_rows(
        world.users["secretary"], "residents", workbook("residents", [resident_row(i) for i in range(10, 60)])
    )
    with django_assert_max_num_queries(queries):
        _, rows = _post(client, purpose="走访")
    assert len(rows) == 53
