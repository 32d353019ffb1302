"""The party chain's rosters: organisations, members and liaison links, imported with the party
permissions and the rules of the party services, and exported masked."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from ninja.testing import TestClient
from openpyxl import load_workbook

from jiceng.accounts.models import RoleBinding, User
from jiceng.accounts.roles import Role
from jiceng.api import api as ninja
from jiceng.audit.models import Action, AuditEvent
from jiceng.audit.services import verify
from jiceng.party import services as party
from jiceng.party.models import LiaisonLink, LinkSource, Member, MemberStatus, Organisation, OrgType
from jiceng.people.models import PoliticalStatus
from jiceng.rosters import services
from jiceng.rosters.exports import export_roster
from jiceng.rosters.models import JobStatus
from jiceng.rosters.services import import_rows
from jiceng.territory.models import Area, Level
from tests.conftest import World, make_id
from tests.party.factories import party_world
from tests.rosters.conftest import workbook

pytestmark = pytest.mark.django_db

ELSEWHERE_ID = make_id(birth=datetime.date(1982, 4, 9), male=False, seed=7)
UNDER_AGE_ID = make_id(birth=datetime.date(2000, 1, 1), seed=8)


def _counts() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        Member.objects.count(),
        LiaisonLink.objects.count(),
        AuditEvent.objects.count(),
    )


def _errors(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def _member_rows(w: World) -> list[dict]:
    return [
        {  # 李四, a resident of grid 2, not yet on the roll
            "name": "李四",
            "id_number": w.resident2.id_number,
            "organisation": "第二网格党支部",
            "joined_on": "2015-07-01",
            "full_on": "2016-07-01",
            "status": "正式党员",
            "category": "本社区在册党员",
            "education": "大学本科",
            "occupation": "教师",
        },
        {  # a probationary member living elsewhere
            "name": "陈七",
            "id_number": ELSEWHERE_ID,
            "residence_elsewhere": "淄博市张店区华光路12号",
            "organisation": "第一网格党支部",
            "joined_on": "2025-09-01",
            "status": "预备党员",
            "category": "在职（下沉）党员",
            "phone": "13912345678",
        },
        {  # 15 when joining
            "name": "刘八",
            "id_number": UNDER_AGE_ID,
            "residence_elsewhere": "淄博市张店区共青团路3号",
            "organisation": "第一网格党支部",
            "joined_on": "2015-07-01",
            "full_on": "2016-07-01",
            "status": "正式党员",
        },
    ]


def _grid_staff(w: World) -> User:
    """A community worker bound to grid 1 only: party.import over grid 1, nothing of grid 2."""
    user = User.objects.create(username="gridstaff")
    RoleBinding.objects.create(user=user, role=Role.COMMUNITY_STAFF, area=w.grid1)
    return user


# ---- members -------------------------------------------------------------------------------


def test_an_under_age_member_is_reported_by_sheet_row_and_column_and_nothing_is_written(world):
    party_world(world)
    before = _counts()

    result = import_rows(world.users["secretary"], "members", workbook("members", _member_rows(world)))

    assert not result.written
    assert result.errors_as_dicts() == [
        {
            "sheet": "党员",
            "row": 4,
            "column": "入党日期",
            "col": 5,
            "message": "入党时应年满18周岁（入党日期时仅15周岁）",
        }
    ]
    assert _counts() == before


def test_importing_the_valid_rows_writes_the_others_with_the_services_rules(world):
    p = party_world(world)
    user = world.users["secretary"]
    job = services.start_import(
        actor=user, kind="members", file_name="党员.xlsx", data=workbook("members", _member_rows(world))
    )
    assert job.status == JobStatus.FAILED and job.error_rows == 1
    # The newest row's key, not the count: PostgreSQL's sequences do not restart between tests.
    audit_before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    job = services.import_valid_rows(actor=user, job=job)

    assert job.status == JobStatus.DONE
    assert job.skipped_rows == [4] and job.created_counts == {"members": 2}
    li = Member.objects.get(name="李四")
    # The resident is the member: name, birth date, gender, home and phone from their record.
    assert li.resident_id == world.resident2.pk and li.household_id == world.household2.pk
    assert li.home_area_code == world.grid2.code and li.area_code == p.branch2.area_code
    assert (li.birth_date, li.gender) == (world.resident2.birth_date, world.resident2.gender)
    assert li.phone == world.resident2.phone and li.phone_masked == world.resident2.phone_masked
    assert (li.education, li.occupation, li.status) == ("university", "教师", MemberStatus.FULL)
    world.resident2.refresh_from_db()
    assert world.resident2.political_status == PoliticalStatus.PARTY_MEMBER
    chen = Member.objects.get(name="陈七")
    # Living elsewhere: birth date and gender from the ID number (GB 11643).
    assert chen.resident_id is None and chen.residence_elsewhere == "淄博市张店区华光路12号"
    assert (chen.birth_date, chen.gender) == (datetime.date(1982, 4, 9), "F")
    assert chen.status == MemberStatus.PROBATIONARY and chen.full_on is None
    assert chen.category == "in_service" and chen.phone_masked == "139****5678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM party_member WHERE id = %s", [chen.pk])
        assert "13912345678" not in cursor.fetchone()[0]  # encrypted at rest
    created = AuditEvent.objects.filter(pk__gt=audit_before, action=Action.CREATE)
    assert sorted(created.values_list("object_type", "object_repr")) == [
        ("party.member", "李四"),
        ("party.member", "陈七"),
    ]
    assert AuditEvent.objects.filter(action=Action.IMPORT, object_type="rosters.members").count() == 1
    assert list(verify()) == []


def test_a_probationary_member_with_a_full_membership_date_is_refused(world):
    party_world(world)
    row = _member_rows(world)[1] | {"full_on": "2026-09-01"}
    result = import_rows(world.users["secretary"], "members", workbook("members", [row]))
    assert _errors(result) == [(2, "转正日期", "预备党员没有转正日期")]
    row = _member_rows(world)[0] | {"full_on": "2015-06-30"}
    result = import_rows(world.users["secretary"], "members", workbook("members", [row]))
    assert _errors(result) == [(2, "转正日期", "转正日期应晚于入党日期")]
    assert not Member.objects.filter(name__in=["李四", "陈七"]).exists()


def test_residents_already_on_the_roll_and_repeated_ids_are_duplicates(world):
    party_world(world)
    rows = _member_rows(world)[:2]
    zhang = rows[0] | {"name": "张三", "id_number": world.resident1.id_number}  # member 1 already
    rows += [zhang, rows[0] | {"organisation": "第一网格党支部"}]
    result = import_rows(world.users["secretary"], "members", workbook("members", rows))
    assert _errors(result) == [
        (4, "身份证号码", "张三已在党员名册中"),
        (5, "身份证号码", "与第2行的身份证号码重复"),
    ]


def test_a_member_must_match_their_resident_record_or_give_a_residence(world):
    party_world(world)
    rows = [
        _member_rows(world)[0] | {"name": "李思"},
        _member_rows(world)[1] | {"residence_elsewhere": ""},
        _member_rows(world)[1] | {"id_number": ELSEWHERE_ID[:-1] + "0", "organisation": "南定社区党委"},
    ]
    result = import_rows(world.users["secretary"], "members", workbook("members", rows))
    assert _errors(result) == [
        (2, "姓名", "与身份证号码对应的居民“李四”姓名不一致"),
        (3, "居住地（非本社区）", "在本社区在住居民中找不到该身份证号码；居住在本社区以外的党员请填写居住地"),
        (4, "身份证号码", "身份证号码校验位错误，请核对是否抄错"),
        (4, "所在党组织", "找不到党组织“南定社区党委”，或它不在您的管辖范围内"),
    ]


def test_a_member_living_elsewhere_is_not_registered_twice(world):
    party_world(world)
    row = _member_rows(world)[1]
    assert import_rows(world.users["secretary"], "members", workbook("members", [row])).written
    again = import_rows(world.users["secretary"], "members", workbook("members", [row]))
    assert _errors(again) == [(2, "身份证号码", "该身份证号码的党员已在党员名册中")]
    member = Member.objects.get(name="陈七")
    assert member.id_tail == ELSEWHERE_ID[-4:] and member.id_mask.endswith(ELSEWHERE_ID[-4:])


# ---- organisations -------------------------------------------------------------------------


def _grid3(w: World) -> Area:
    return Area.objects.create(code="370303005001003", name="第三网格", level=Level.GRID, parent=w.community)


def test_an_organisation_chain_imports_with_parents_from_earlier_rows(world):
    p = party_world(world)
    grid3 = _grid3(world)
    rows = [
        {"name": "第三网格党支部", "kind": "党支部", "org_type": "网格党支部", "parent": "世纪花园社区党委",
         "area": grid3.code, "founded_on": "2021-07-01"},
        {"name": "第三网格楼道党小组", "kind": "党小组", "org_type": "趣缘党小组", "parent": "第三网格党支部",
         "area": "第三网格"},
        {"name": "老党员志愿服务党支部", "kind": "党支部", "org_type": "功能型党支部", "parent": "世纪花园社区党委",
         "area": world.community.code},
    ]  # fmt: skip

    result = import_rows(world.users["secretary"], "organisations", workbook("organisations", rows))

    assert result.errors == [] and result.created == {"organisations": 3}
    branch = Organisation.objects.get(name="第三网格党支部")
    group = Organisation.objects.get(name="第三网格楼道党小组")
    assert branch.parent_id == p.committee.pk and branch.area_code == grid3.code
    assert branch.founded_on == datetime.date(2021, 7, 1)
    assert group.parent_id == branch.pk and group.depth == 2
    assert group.path == f"{branch.path}{group.pk}/" and branch.path == f"{p.committee.path}{branch.pk}/"
    assert set(
        AuditEvent.objects.filter(action=Action.CREATE, object_type="party.organisation").values_list(
            "object_repr", flat=True
        )
    ) >= {"第三网格党支部", "第三网格楼道党小组", "老党员志愿服务党支部"}


def test_organisation_rows_break_the_placement_rules(world):
    party_world(world)
    grid3 = _grid3(world)
    rows = [
        {"name": "甲党支部", "kind": "党支部", "org_type": "功能型党支部", "parent": "不存在的党委",
         "area": world.community.code},
        {"name": "乙党总支", "kind": "党总支", "org_type": "社区党组织", "parent": "第一网格党支部",
         "area": world.community.code},
        {"name": "丙网格党支部", "kind": "党支部", "org_type": "网格党支部", "parent": "世纪花园社区党委",
         "area": world.community.code},
        {"name": "丁网格党支部", "kind": "党支部", "org_type": "网格党支部", "parent": "世纪花园社区党委",
         "area": world.grid1.code},
        {"name": "第三网格党支部", "kind": "党支部", "org_type": "网格党支部", "parent": "世纪花园社区党委",
         "area": grid3.code},
        {"name": "第三网格第二支部", "kind": "党支部", "org_type": "网格党支部", "parent": "世纪花园社区党委",
         "area": grid3.code},
        {"name": "戊党小组", "kind": "党小组", "org_type": "趣缘党小组", "parent": "甲党支部",
         "area": world.community.code},
        {"name": "南定社区党委", "kind": "党委", "org_type": "社区党组织", "area": world.other_community.code},
        {"name": "联合党支部", "kind": "党支部", "org_type": "联合党支部", "area": world.community.code,
         "joint_units": 6},
    ]  # fmt: skip
    before = _counts()

    result = import_rows(world.users["secretary"], "organisations", workbook("organisations", rows))

    assert _errors(result) == [
        (2, "上级组织", "找不到上级组织“不存在的党委”：请填写已登记的组织，或把它排在本行之前"),
        (3, "组织类别", "党总支不能设在党支部之下"),
        (4, "所在区域", "网格党支部应为党支部，并对应一个网格"),
        (5, "所在区域", "第一网格已有网格党支部"),
        (7, "所在区域", "第6行已为第三网格设立网格党支部"),
        (8, "上级组织", "上级组织“甲党支部”所在的第2行有错误，未能设立"),
        (9, "所在区域", "找不到区域“370303005002”，或它不在您的管辖范围内"),
        (10, "联合单位数", "联合党支部覆盖单位一般不超过5个"),
    ]
    assert _counts() == before
    result = import_rows(
        world.users["secretary"], "organisations", workbook("organisations", rows), valid_only=True
    )
    assert result.created == {"organisations": 1}
    assert Organisation.objects.filter(name="第三网格党支部", area=grid3, org_type=OrgType.GRID).exists()


# ---- liaison links -------------------------------------------------------------------------


def _address(household) -> dict:
    b = household.building
    return {"estate": b.estate.name, "building": b.name, "unit": household.unit, "room": household.room}


def test_a_household_that_already_has_a_liaison_member_is_refused(world):
    p = party_world(world)
    zhang_tail = world.resident1.id_tail
    rows = [
        {"member": "张三", "id_tail": zhang_tail} | _address(world.household1),
        {"member": "张三", "id_tail": zhang_tail} | _address(world.household2),  # 王五 liaises
        {"member": "王五", "member_phone": p.member2.phone} | _address(world.household1),  # same as row 2
        {"member": "王五", "member_phone": p.member2.phone, "started_on": "2025-03-01"}
        | _address(p.household3),
    ]
    before = _counts()

    result = import_rows(world.users["secretary"], "liaison", workbook("liaison", rows))

    assert _errors(result) == [
        (3, "房号", "该户已由王五联系"),
        (4, "房号", "与第2行是同一户：一户只能有一名联系党员"),
    ]
    assert _counts() == before
    result = import_rows(world.users["secretary"], "liaison", workbook("liaison", rows), valid_only=True)
    assert result.created == {"links": 2}
    first = LiaisonLink.objects.get(household=world.household1, ended_on__isnull=True)
    assert first.member_id == p.member1.pk and first.source == LinkSource.IMPORT
    assert first.area_code == world.grid1.code
    third = LiaisonLink.objects.get(household=p.household3, ended_on__isnull=True)
    assert third.member_id == p.member2.pk and third.started_on == datetime.date(2025, 3, 1)
    assert LiaisonLink.objects.get(household=world.household2, ended_on__isnull=True).pk == p.link2.pk


def test_liaison_rows_name_a_member_on_the_roll(world):
    p = party_world(world)
    party.end_membership(
        actor=world.users["secretary"], member=p.member2, on=datetime.date(2026, 1, 1), reason="组织关系转出"
    )
    rows = [
        {"member": "王五", "member_phone": p.member2.phone} | _address(world.household1),
        {"member": "张三", "id_tail": "0000"} | _address(world.household1),
        {"member": "张三"} | _address(world.household1),
        {"member": "张三", "id_tail": world.resident1.id_tail} | _address(world.household1) | {"room": "909"},
    ]
    result = import_rows(world.users["secretary"], "liaison", workbook("liaison", rows))
    assert _errors(result) == [
        (2, "党员姓名", "王五已离册"),
        (3, "身份证后4位", "找不到党员“张三”，或其不在您的管辖范围内"),
        (4, "身份证后4位", "请填写党员身份证号码后4位或党员电话，以确认是哪一位党员"),
        (5, "房号", "世纪花园1号楼1单元909室尚未登记，请先导入住户"),
    ]


# ---- permissions and scope -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["organisations", "members", "liaison"])
def test_a_grid_worker_cannot_import_the_party_rosters(world, kind):
    party_world(world)
    with pytest.raises(PermissionDenied):
        import_rows(world.users["grid01"], kind, workbook(kind, [{"name": "x"}]))
    with pytest.raises(PermissionDenied):
        services.template_workbook(actor=world.users["grid01"], kind=kind)


def test_an_importer_of_grid_1_cannot_import_into_grid_2(world):
    p = party_world(world)
    user = _grid_staff(world)
    orgs = [
        {"name": "第二网格党小组", "kind": "党小组", "org_type": "趣缘党小组", "parent": "第二网格党支部",
         "area": world.grid2.code},
        {"name": "第一网格党小组", "kind": "党小组", "org_type": "趣缘党小组", "parent": "第一网格党支部",
         "area": world.grid1.code},
    ]  # fmt: skip
    result = import_rows(user, "organisations", workbook("organisations", orgs))
    assert _errors(result) == [(2, "所在区域", "找不到区域“370303005001002”，或它不在您的管辖范围内")]

    members = _member_rows(world)[:2]
    result = import_rows(user, "members", workbook("members", members))
    # 李四 lives in grid 2: to this importer she is no resident they know of.
    assert [(row, column) for row, column, _m in _errors(result)] == [
        (2, "居住地（非本社区）"),
        (2, "所在党组织"),
    ]

    links = [
        {"member": "王五", "member_phone": p.member2.phone} | _address(world.household1),
        {"member": "张三", "id_tail": world.resident1.id_tail} | _address(p.household3),
        {"member": "张三", "id_tail": world.resident1.id_tail} | _address(world.household1),
    ]
    result = import_rows(user, "liaison", workbook("liaison", links))
    assert _errors(result) == [
        (2, "党员电话", "找不到党员“王五”，或其不在您的管辖范围内"),
        (3, "楼栋", "找不到“世纪花园2号楼”：请核对小区和楼栋名称，只能导入您所辖范围内的楼栋"),
    ]
    assert not LiaisonLink.objects.filter(household=world.household1).exists()


# ---- exports -------------------------------------------------------------------------------


def _sheet(export) -> list[list]:
    with export.file:
        ws = load_workbook(io.BytesIO(export.file.read())).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def _column(rows, title):
    i = rows[0].index(title)
    return [r[i] for r in rows[1:]]


def test_the_members_export_masks_phones_and_id_numbers_and_is_audited(world):
    p = party_world(world)
    user = world.users["secretary"]
    with pytest.raises(ValidationError):
        export_roster(actor=user, kind="members")

    rows = _sheet(export_roster(actor=user, kind="members", purpose="党员大会通知"))

    assert sorted(_column(rows, "姓名")) == ["张三", "王五"]
    phones = _column(rows, "联系电话")
    assert p.member1.phone_masked in phones and p.member1.phone not in phones
    assert all("****" in phone for phone in phones)
    assert world.resident1.id_number_masked in _column(rows, "身份证号码")
    assert set(_column(rows, "所在党组织")) == {"第一网格党支部", "第二网格党支部"}
    assert "正式党员" in _column(rows, "党员类别")
    event = AuditEvent.objects.get(action=Action.EXPORT, object_type="rosters.members")
    assert event.reason == "党员大会通知" and event.fields == []

    full = _sheet(export_roster(actor=user, kind="members", purpose="核对党员名册", reveal=True))
    assert p.member1.phone in _column(full, "联系电话")
    assert world.resident1.id_number in _column(full, "身份证号码")


def test_a_branch_secretary_exports_their_branch_masked_only(world):
    party_world(world)
    secretary = world.users["member"]  # 张三, secretary of grid 1's branch
    rows = _sheet(export_roster(actor=secretary, kind="members", purpose="支部党员名单"))
    assert _column(rows, "姓名") == ["张三"]
    with pytest.raises(PermissionDenied):
        export_roster(actor=secretary, kind="members", purpose="支部党员名单", reveal=True)
    with pytest.raises(PermissionDenied):
        export_roster(actor=secretary, kind="residents", purpose="走访")


def test_organisation_and_liaison_exports_can_be_imported_again(world):
    p = party_world(world)
    user = world.users["secretary"]
    orgs = _sheet(export_roster(actor=user, kind="organisations"))
    assert orgs[0][:5] == ["组织名称", "组织类别", "组织类型", "上级组织", "所在区域"]
    assert orgs[1] == ["世纪花园社区党委", "党委", "社区党组织", None, world.community.code, None, None]
    assert [
        "第一网格党支部",
        "党支部",
        "网格党支部",
        "世纪花园社区党委",
        world.grid1.code,
        None,
        None,
    ] in orgs

    links = _sheet(export_roster(actor=user, kind="liaison", purpose="联系户走访"))
    assert sorted(_column(links, "党员姓名")) == ["张三", "王五"]
    assert p.member2.phone_masked in _column(links, "党员电话")
    # Every household in it is linked already: importing it again is refused row by row.
    data = workbook("liaison", [dict(zip(("member", "id_tail", "member_phone", "estate", "building", "unit",
                                          "room", "started_on"), row, strict=True)) for row in links[1:]])  # fmt: skip
    result = import_rows(user, "liaison", data)
    assert not result.written and len(result.errors) == 2


# ---- pages ---------------------------------------------------------------------------------


def test_the_party_rosters_are_listed_only_for_users_who_may_import_them(world):
    secretary = world.client("secretary").get("/rosters/").content.decode()
    assert "党员花名册" in secretary and "联系户花名册" in secretary and "党组织花名册" in secretary
    grid = world.client("grid01").get("/rosters/").content.decode()
    assert "居民花名册" in grid and "党员花名册" not in grid and "党组织花名册" not in grid
    assert world.client("grid01").get("/rosters/templates/members.xlsx").status_code == 403
    response = world.client("grid01").post("/rosters/", {"kind": "members"})
    assert "党员花名册" not in response.content.decode()


def test_the_members_template_offers_the_chinese_labels(world):
    response = world.client("secretary").get("/rosters/templates/members.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["党员"]
    headers = [c.value for c in ws[1]]
    column = {h: chr(ord("A") + i) for i, h in enumerate(headers)}
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "预备党员" in lists[column["党员类别"] + "2"]
    assert "流动党员" in lists[column["党员分类"] + "2"]
    assert len([c.value for c in ws[2]][headers.index("身份证号码")]) == 18


def test_a_branch_secretary_reaches_the_export_page_for_party_rosters_only(world):
    party_world(world)
    client = world.client("member")
    page = client.get("/rosters/export/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "党员花名册" in content and "居民花名册" not in content
    assert client.get("/rosters/").status_code == 403
    response = client.post("/rosters/export/", {"kind": "members", "purpose": "支部党员名单"})
    assert response.status_code == 200 and "Content-Disposition" in response


def test_the_api_takes_the_party_kinds_as_parameters(world):
    party_world(world)
    api = TestClient(ninja)
    data = workbook("members", _member_rows(world))
    response = api.post(
        "/rosters/jobs",
        data={"kind": "members"},
        FILES={"file": SimpleUploadedFile("党员.xlsx", data)},
        user=world.users["secretary"],
    )
    assert response.status_code == 201
    job = response.json()
    assert job["status"] == "failed" and job["errors"][0]["column"] == "入党日期"
    done = api.post(f"/rosters/jobs/{job['id']}/import-valid", user=world.users["secretary"]).json()
    assert done["created"] == {"members": 2} and done["skipped_rows"] == [4]
    assert api.get("/rosters/templates/liaison", user=world.users["grid01"]).status_code == 403
    response = api.post("/rosters/export", json={"kind": "members"}, user=world.users["secretary"])
    assert response.status_code == 422 and response.json()["errors"]["purpose"] == [
        "导出党员个人信息须说明用途"
    ]
