"""Roster imports: every row is validated first, nothing is written unless all pass or the user
chooses to import the valid rows, and the audit chain stays intact."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from jiceng.audit.models import Action, AuditEvent
from jiceng.audit.services import verify
from jiceng.common import crypto
from jiceng.people.models import CareTag, Household, ResidenceRecord, Resident
from jiceng.rosters.services import import_rows
from jiceng.territory.models import Building
from tests.rosters.conftest import resident_row, workbook

pytestmark = pytest.mark.django_db

BAD_ID = "370303198005170010"  # the right check character is 7


def _counts():
    return Resident.objects.count(), Household.objects.count(), AuditEvent.objects.count()


def _rows(n, start=10, **values):
    return [resident_row(start + i, **values) for i in range(n)]


def test_a_clean_file_imports_everything_with_encryption_pinyin_records_heads_and_tags(world):
    tag, _ = CareTag.objects.get_or_create(name="独居老人", defaults={"code": "alone"})
    rows = _rows(3, building="2号楼")  # grid 2's building
    rows[0]["care_tags"] = "独居老人"
    rows.append(resident_row(13, room=rows[0]["room"], building="2号楼", relation_to_head="配偶"))

    result = import_rows(world.users["secretary"], "residents", workbook("residents", rows))

    assert result.errors == []
    assert result.written
    assert result.created == {"households": 3, "residents": 4}
    head = Resident.objects.get(id_hash=crypto.lookup_hash(rows[0]["id_number"]))
    assert head.area_code == world.grid2.code
    assert head.household.area_code == world.grid2.code
    assert head.household.head_id == head.pk
    assert head.name_initials and head.name_pinyin
    assert head.id_number == rows[0]["id_number"] and head.phone == rows[0]["phone"]
    assert list(head.care_tags.all()) == [tag]
    assert ResidenceRecord.objects.filter(resident=head, household=head.household).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM people_resident WHERE id = %s", [head.pk])
        stored = cursor.fetchone()
    assert rows[0]["id_number"] not in stored[0] and rows[0]["phone"] not in stored[1]  # encrypted at rest
    spouse = Resident.objects.get(id_hash=crypto.lookup_hash(rows[3]["id_number"]))
    assert spouse.household_id == head.household_id


def _stored_resident(pk):
    """The resident's row as the database holds it, the encrypted numbers decrypted, without its
    key and times; its care tags and residence records."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_resident WHERE id = %s", [pk])
        row = dict(zip([c[0] for c in cursor.description], cursor.fetchone(), strict=True))
    for column in ("id_number", "phone"):
        row[column] = crypto.decrypt(row[column]) if row[column] else row[column]
    resident = Resident.objects.get(pk=pk)
    return (
        {k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at")},
        sorted(resident.care_tags.values_list("name", flat=True)),
        list(
            ResidenceRecord.objects.filter(resident=resident).values_list(
                "household_id", "area_code", "moved_in_on"
            )
        ),
    )


def test_an_imported_resident_is_stored_as_registering_them_on_the_page_stores_them(world):
    from django.db import transaction

    from jiceng.people.models import PoliticalStatus
    from jiceng.people.services import register_resident

    tag, _ = CareTag.objects.get_or_create(name="独居老人", defaults={"code": "alone"})
    row = resident_row(
        40,
        room="101",
        relation_to_head="配偶",
        political_status="中共党员",
        ethnicity="回族",
        care_tags="独居老人",
    )
    row["moved_in_on"] = datetime.date(2019, 6, 1)
    with transaction.atomic():
        registered = register_resident(
            actor=world.users["secretary"],
            household=world.household1,
            name=row["name"],
            id_number=row["id_number"],
            phone=row["phone"],
            care_tags=[tag],
            ethnicity="回族",
            political_status=PoliticalStatus.PARTY_MEMBER,
            relation_to_head="spouse",
            moved_in_on=row["moved_in_on"],
        )
        expected = _stored_resident(registered.pk)
        transaction.set_rollback(True)

    result = import_rows(world.users["secretary"], "residents", workbook("residents", [row]))

    assert result.errors == [] and result.created == {"households": 0, "residents": 1}
    imported = Resident.objects.get(id_hash=crypto.lookup_hash(row["id_number"]))
    assert _stored_resident(imported.pk) == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM people_resident WHERE id = %s", [imported.pk])
        assert not set(cursor.fetchone()) & {row["id_number"], row["phone"]}  # encrypted at rest
    event = AuditEvent.objects.get(object_type="people.resident", object_id=str(imported.pk))
    assert (event.action, event.object_repr, event.actor_name) == (Action.CREATE, row["name"], "secretary")
    assert list(verify()) == []


def test_a_bad_id_number_is_reported_by_row_and_column_and_nothing_is_written(world):
    rows = _rows(3)
    rows[1]["id_number"] = BAD_ID
    before = _counts()

    result = import_rows(world.users["secretary"], "residents", workbook("residents", rows))

    assert not result.written
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "身份证号码", "身份证号码校验位错误，请核对是否抄错")
    ]
    assert result.errors_as_dicts()[0]["sheet"] == "居民"
    assert _counts() == before


def test_birth_date_and_gender_given_in_the_row_must_agree_with_the_id_number(world):
    row = resident_row(10, gender="女" if resident_row(10)["id_number"][16] in "13579" else "男")
    row["birth_date"] = "1901-01-01"
    result = import_rows(world.users["secretary"], "residents", workbook("residents", [row]))
    assert {e.column for e in result.errors} == {"性别", "出生日期"}


def test_required_fields_phone_format_and_choices_are_checked(world):
    rows = _rows(3)
    rows[0]["name"] = ""
    rows[1]["phone"] = "12345"
    rows[2]["political_status"] = "党员吧"
    result = import_rows(world.users["secretary"], "residents", workbook("residents", rows))
    found = {(e.row, e.column): e.message for e in result.errors}
    assert found[(2, "姓名")] == "必填项，请填写"
    assert found[(3, "联系电话")] == "电话号码格式不正确"
    assert "不是可选的值" in found[(4, "政治面貌")]


def test_duplicates_inside_the_file_and_against_the_database_are_errors(world):
    rows = _rows(2)
    rows.append(resident_row(30, id_number=rows[0]["id_number"]))
    rows.append(resident_row(31, id_number=world.resident1.id_number))

    result = import_rows(world.users["secretary"], "residents", workbook("residents", rows))

    found = {(e.row, e.column): e.message for e in result.errors}
    assert found == {
        (4, "身份证号码"): "与第2行的身份证号码重复",
        (5, "身份证号码"): "该身份证号码已登记在本系统的其他住户中",
    }
    assert not result.written


def test_two_heads_for_one_household_are_an_error(world):
    rows = _rows(2, room="501")
    result = import_rows(world.users["secretary"], "residents", workbook("residents", rows))
    assert [(e.row, e.message) for e in result.errors] == [(3, "同一户只能有一位户主，第2行已填写户主")]


def test_unknown_building_is_an_error(world):
    rows = _rows(2)
    rows[1]["building"] = "99号楼"
    result = import_rows(world.users["secretary"], "residents", workbook("residents", rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "楼栋")]
    assert "找不到“世纪花园99号楼”" in result.errors[0].message


def test_a_grid_worker_cannot_import_into_another_grids_building(world):
    rows = _rows(2)
    rows[1]["building"] = "2号楼"
    before = _counts()
    result = import_rows(world.users["grid01"], "residents", workbook("residents", rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "楼栋")]
    assert not result.written
    assert _counts() == before


def test_roles_without_the_import_permission_are_refused(world):
    with pytest.raises(PermissionDenied):
        import_rows(world.users["district"], "residents", workbook("residents", _rows(1)))


def test_import_valid_rows_writes_the_good_rows_in_one_transaction_and_lists_the_skipped(world):
    rows = _rows(4)
    rows[2]["id_number"] = BAD_ID
    events_before = AuditEvent.objects.count()

    result = import_rows(world.users["secretary"], "residents", workbook("residents", rows), valid_only=True)

    assert result.written
    assert result.error_rows == [4]
    assert result.created == {"households": 3, "residents": 3}
    new_events = AuditEvent.objects.filter(seq__gt=events_before)
    assert new_events.filter(action=Action.CREATE, object_type="people.resident").count() == 3
    assert new_events.filter(action=Action.CREATE, object_type="people.household").count() == 3
    summary = new_events.get(action=Action.IMPORT)
    assert "跳过 1 行" in summary.object_repr
    assert list(verify()) == []


def test_the_import_is_one_transaction(world, monkeypatch):
    from jiceng.audit import services as audit

    def broken(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(audit, "record_many", broken)
    before = _counts()
    with pytest.raises(RuntimeError):
        import_rows(world.users["secretary"], "residents", workbook("residents", _rows(3)))
    assert _counts() == before


def test_the_audit_chain_verifies_after_an_import(world):
    import_rows(world.users["secretary"], "residents", workbook("residents", _rows(20)))
    assert list(verify()) == []


def test_the_template_example_row_left_in_place_is_skipped(world):
    from jiceng.rosters.registry import get_roster

    example = dict(
        zip(
            [c.key for c in get_roster("residents").columns],
            next(get_roster("residents").example_rows()),
            strict=True,
        )
    )
    result = import_rows(
        world.users["secretary"], "residents", workbook("residents", [example, resident_row(10)])
    )
    assert result.created == {"households": 1, "residents": 1}


def test_an_id_number_typed_as_a_number_is_explained(world):
    row = resident_row(10)
    row["id_number"] = 3.70303198005171e17
    result = import_rows(world.users["secretary"], "residents", workbook("residents", [row]))
    assert "文本" in result.errors[0].message


def test_households_roster_checks_duplicates_in_file_and_database(world):
    rows = [
        {"estate": "世纪花园", "building": "1号楼", "unit": 1, "room": "102", "household_type": "常住户"},
        {"estate": "世纪花园", "building": "1号楼", "unit": 1, "room": "102"},
        {"estate": "世纪花园", "building": "1号楼", "unit": 1, "room": "101"},
        {"estate": "世纪花园", "building": "1号楼", "unit": 3, "room": "101"},
    ]
    result = import_rows(world.users["secretary"], "households", workbook("households", rows))
    found = {(e.row, e.column): e.message for e in result.errors}
    assert found == {
        (3, "房号"): "与第2行是同一户（楼栋、单元、房号相同）",
        (4, "房号"): "1单元101室已登记",
        (5, "单元"): "世纪花园1号楼只有2个单元",
    }
    result = import_rows(
        world.users["secretary"], "households", workbook("households", rows), valid_only=True
    )
    assert result.created == {"households": 1}
    assert Household.objects.get(building=world.building1, room="102").household_type == "resident"


def test_buildings_roster_places_buildings_in_grids_and_estates(world):
    rows = [
        {"grid": "第一网格", "estate": "世纪花园", "name": "9号楼", "units": 3, "floors": 11},
        {"grid": world.grid2.code, "estate": "世纪花园", "name": "10号楼"},
        {"grid": "第一网格", "estate": "世纪花园", "name": "1号楼"},
        {"grid": "第九网格", "estate": "世纪花园", "name": "11号楼"},
        {"grid": "第一网格", "estate": "不存在小区", "name": "12号楼"},
        {"grid": "第一网格", "estate": "世纪花园", "name": "9号楼"},
    ]
    result = import_rows(world.users["secretary"], "buildings", workbook("buildings", rows), valid_only=True)
    assert {(e.row, e.column) for e in result.errors} == {
        (4, "楼栋名称"),
        (5, "网格"),
        (6, "小区"),
        (7, "楼栋名称"),
    }
    assert result.created == {"buildings": 2}
    b9 = Building.objects.get(name="9号楼")
    assert (b9.grid_id, b9.area_code, b9.units, b9.floors) == (world.grid1.pk, world.grid1.code, 3, 11)
    assert Building.objects.get(name="10号楼").area_code == world.grid2.code


def test_a_grid_worker_may_not_create_buildings(world):
    rows = [{"grid": "第一网格", "estate": "世纪花园", "name": "9号楼"}]
    result = import_rows(world.users["grid01"], "buildings", workbook("buildings", rows))
    assert not result.written and result.errors[0].column == "网格"


def test_a_workbook_without_the_roster_headers_is_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        import_rows(world.users["secretary"], "residents", workbook("households", [{"estate": "x"}]))
    assert "缺少列" in exc.value.messages[0]


def test_a_generated_roster_imports_cleanly_with_few_queries(world, tmp_path, django_assert_max_num_queries):
    from jiceng.rosters.sample import resident_rows, write_workbook

    path = tmp_path / "generated.xlsx"
    write_workbook(
        path, "residents", resident_rows(600, [("世纪花园", "1号楼", 2), ("世纪花园", "2号楼", 2)])
    )
    # A fixed number of lookups, then one statement per batch of inserts: no per-row queries.
    with django_assert_max_num_queries(40):
        result = import_rows(world.users["secretary"], "residents", path)
    assert result.errors == [] and result.created["residents"] == 600
    assert list(verify()) == []
