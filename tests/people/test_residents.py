"""Registering, changing and moving residents; search by pinyin, number tails and address."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from jiceng.people import queries, services
from jiceng.people.models import ResidenceRecord, ResidenceStatus, Resident
from tests.conftest import World, make_id


def test_birth_date_and_gender_come_from_the_id_number(world: World):
    resident = services.register_resident(
        actor=world.users["grid01"],
        household=world.household1,
        name="王芳",
        id_number=make_id(birth=datetime.date(2015, 6, 1), male=False, seed=5),
        relation_to_head="child",
    )
    assert resident.birth_date == datetime.date(2015, 6, 1) and resident.gender == "F"
    assert (resident.name_pinyin, resident.name_initials) == ("wangfang", "wf")


def test_a_birth_date_that_contradicts_the_id_number_is_refused(world: World):
    with pytest.raises(ValidationError) as exc:
        services.register_resident(
            actor=world.users["grid01"],
            household=world.household1,
            name="王芳",
            id_number=make_id(birth=datetime.date(2015, 6, 1), seed=5),
            birth_date=datetime.date(2015, 6, 2),
        )
    assert "不一致" in exc.value.message_dict["birth_date"][0]


def test_the_same_person_cannot_live_in_two_households(world: World):
    with pytest.raises(ValidationError) as exc:
        services.register_resident(
            actor=world.users["secretary"],
            household=world.household2,
            name="张三",
            id_number=world.resident1.id_number,
        )
    assert "已登记" in exc.value.message_dict["id_number"][0]


def test_id_and_phone_numbers_are_encrypted_at_rest(world: World):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM people_resident WHERE id = %s", [world.resident1.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert world.resident1.id_number not in stored_id and "13812345678" not in stored_phone
    assert Resident.objects.get(pk=world.resident1.pk).id_number == world.resident1.id_number


def test_moving_out_keeps_the_record_and_its_history(world: World):
    resident = services.end_residence(
        actor=world.users["grid01"],
        resident=world.resident1,
        on=datetime.date(2026, 10, 1),
        destination="济南市历下区",
    )
    assert resident.residence_status == ResidenceStatus.MOVED_OUT
    assert Resident.objects.filter(pk=resident.pk).exists()
    record = ResidenceRecord.objects.get(resident=resident)
    assert (record.moved_out_on, record.destination) == (datetime.date(2026, 10, 1), "济南市历下区")
    world.household1.refresh_from_db()
    assert world.household1.head is None
    # A person who moved out may come back and be registered again.
    again = services.register_resident(
        actor=world.users["secretary"],
        household=world.household2,
        name="张三",
        id_number=resident.id_number,
        relation_to_head="relative",
    )
    assert again.pk != resident.pk


def test_moving_out_needs_a_destination(world: World):
    with pytest.raises(ValidationError) as exc:
        services.end_residence(
            actor=world.users["grid01"], resident=world.resident1, on=datetime.date(2026, 1, 1)
        )
    assert "destination" in exc.value.message_dict


def test_moving_between_households_closes_one_stay_and_opens_another(world: World):
    services.move_resident(
        actor=world.users["secretary"],
        resident=world.resident1,
        household=world.household2,
        on=datetime.date(2026, 3, 1),
    )
    records = list(ResidenceRecord.objects.filter(resident=world.resident1).order_by("id"))
    assert [r.household_id for r in records] == [world.household1.pk, world.household2.pk]
    assert records[0].moved_out_on == datetime.date(2026, 3, 1) and records[1].moved_out_on is None
    assert Resident.objects.get(pk=world.resident1.pk).area_code == world.grid2.code


def test_a_grid_worker_cannot_move_someone_into_another_grid(world: World):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.move_resident(
            actor=world.users["grid01"],
            resident=world.resident1,
            household=world.household2,
            on=datetime.date(2026, 3, 1),
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zs", ["张三"]),
        ("zhangsan", ["张三"]),
        ("zhang", ["张三"]),
        ("ZS", ["张三"]),
        ("张", ["张三"]),
        ("5678", ["张三"]),
        ("13812345678", ["张三"]),
        ("1号楼", ["张三"]),
        ("1号楼1单元101", ["张三"]),
        ("世纪花园1号楼", ["张三"]),
        ("ls", ["李四"]),
        ("世纪花园", ["张三", "李四"]),
        ("wangwu", []),
    ],
)
def test_search(world: World, text: str, expected: list[str]):
    found = sorted(r.name for r in queries.search_residents(world.users["secretary"], text))
    assert found == sorted(expected)


def test_search_by_id_tail_and_whole_id(world: World):
    tail = world.resident2.id_number[-4:]
    assert [r.name for r in queries.search_residents(world.users["secretary"], tail)] == ["李四"]
    assert [
        r.name for r in queries.search_residents(world.users["secretary"], world.resident2.id_number)
    ] == ["李四"]


def test_former_residents_are_found_only_when_asked(world: World):
    services.end_residence(
        actor=world.users["grid01"],
        resident=world.resident1,
        on=datetime.date(2026, 1, 1),
        destination="北京",
    )
    assert list(queries.search_residents(world.users["grid01"], "zs")) == []
    assert [r.name for r in queries.search_residents(world.users["grid01"], "zs", include_former=True)] == [
        "张三"
    ]


def test_moving_a_building_to_another_grid_carries_its_people(world: World):
    from jiceng.territory import services as territory

    territory.update_building(actor=world.users["secretary"], building=world.building1, grid=world.grid2)
    assert Resident.objects.get(pk=world.resident1.pk).area_code == world.grid2.code
    assert list(queries.search_residents(world.users["grid01"], "zs")) == []
    assert [r.name for r in queries.search_residents(world.users["grid02"], "zs")] == ["张三"]
