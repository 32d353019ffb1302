"""common.bulk.insert behaves like bulk_create: keys set, fields prepared, numbers encrypted."""

import datetime

import pytest
from django.db import connection

from jiceng.common import bulk, crypto
from jiceng.people.models import PoliticalStatus, ResidenceRecord, Resident

pytestmark = pytest.mark.django_db


def test_insert_sets_keys_timestamps_and_encrypts(world):
    number = world.resident1.id_number[:-4] + "0000"
    resident = Resident(
        household=world.household1,
        area_code=world.household1.area_code,
        name="王五",
        gender="M",
        birth_date=datetime.date(1980, 5, 17),
        id_number=number,
        id_hash=crypto.lookup_hash(number),
        id_tail="0000",
        political_status=PoliticalStatus.PARTY_MEMBER,  # an enum member, stored as its value
        residence_status="moved_out",
    )
    bulk.insert(Resident, [resident])
    assert resident.pk and resident.created_at and not resident._state.adding
    stored = Resident.objects.get(pk=resident.pk)
    assert (stored.id_number, stored.political_status, stored.birth_date) == (
        number,
        "party_member",
        datetime.date(1980, 5, 17),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM people_resident WHERE id = %s", [resident.pk])
        assert cursor.fetchone()[0] != number


def _stored(pk):
    """The row as the database holds it (encrypted columns as stored), without its key and times."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_resident WHERE id = %s", [pk])
        names = [c[0] for c in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
    return {k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at")}


def test_insert_rows_stores_what_insert_stores(world):
    number, phone = world.resident1.id_number[:-4] + "0000", "13812345678"
    values = {
        "household_id": world.household1.pk,
        "area_code": world.household1.area_code,
        "name": "王五",
        "gender": "M",
        "birth_date": datetime.date(1980, 5, 17),
        "id_number": number,
        "id_hash": crypto.lookup_hash(number),
        "id_tail": "0000",
        "phone": phone,
        "phone_hash": crypto.lookup_hash(phone),
        "political_status": PoliticalStatus.PARTY_MEMBER,
        "residence_status": "moved_out",  # twice the same person: allowed for past records only
        "moved_in_on": datetime.date(2020, 3, 15),
    }
    by_instance = Resident(**values)
    bulk.insert(Resident, [by_instance])
    (key,) = bulk.insert_rows(Resident, list(values), [list(values.values())])

    assert key > by_instance.pk
    stored, expected = _stored(key), _stored(by_instance.pk)
    # Both encrypted at rest, each with its own random IV: equal once decrypted, never clear.
    for column in ("id_number", "phone"):
        assert stored[column] not in (expected[column], values[column])
        assert crypto.decrypt(stored.pop(column)) == crypto.decrypt(expected.pop(column)) == values[column]
    assert stored == expected
    made = Resident.objects.get(pk=key)
    assert made.created_at and made.updated_at and made.moved_out_to == ""  # times and defaults


def test_insert_rows_takes_a_generator_and_returns_keys_in_order(world):
    assert bulk.insert_rows(ResidenceRecord, ("household_id", "resident_id"), [], count=0) == []
    households = [world.household1.pk, world.household2.pk, world.household1.pk]
    keys = bulk.insert_rows(
        ResidenceRecord,
        ("household_id", "resident_id"),
        ((household, world.resident1.pk) for household in households),
        count=len(households),
    )
    assert len(keys) == 3 and keys == sorted(keys)
    stored = dict(ResidenceRecord.objects.filter(pk__in=keys).values_list("pk", "household_id"))
    assert [stored[k] for k in keys] == households


def test_insert_rows_refuses_unknown_fields_and_a_wrong_count(world):
    with pytest.raises(ValueError, match="no fields"):
        bulk.insert_rows(Resident, ("nickname",), [("x",)])
    with pytest.raises(ValueError):
        bulk.insert_rows(
            ResidenceRecord,
            ("household_id", "resident_id"),
            iter([(world.household1.pk, world.resident1.pk)]),
            count=2,
        )


def test_rows_made_with_queries_are_refused_while_postgresql_copies_them(world):
    def rows():
        for _ in range(2):
            yield (Resident.objects.values_list("household_id", flat=True).first(), world.resident1.pk)

    if connection.vendor != "postgresql":  # SQLite inserts statement by statement: no COPY to wait for
        assert len(bulk.insert_rows(ResidenceRecord, ("household_id", "resident_id"), rows(), count=2)) == 2
        return
    with pytest.raises(RuntimeError, match="COPY"):
        bulk.insert_rows(ResidenceRecord, ("household_id", "resident_id"), rows(), count=2)
