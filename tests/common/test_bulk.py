"""common.bulk.insert behaves like bulk_create: keys set, fields prepared, numbers encrypted."""

import datetime

import pytest
from django.db import connection

from jiceng.common import bulk, crypto
from jiceng.people.models import PoliticalStatus, Resident

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
