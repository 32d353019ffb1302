"""A compiled query gives what the ORM gives (dates, decrypted numbers, model instances) with new
parameters each time, and the per-request lookups use it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiceng.accounts.models import ApiToken, User, user_by_key
from jiceng.accounts.scope import bindings
from jiceng.common.compiled import CompiledQuery, Prefix
from jiceng.people.models import Resident

RESIDENT_NUMBERS = CompiledQuery(
    lambda pk: Resident.objects.filter(pk=pk).values_list("name", "birth_date", "phone", "created_at"),
    -1_234_567,
)


@pytest.mark.django_db
def test_a_compiled_query_converts_its_columns_as_the_orm_does(world):
    for resident in (world.resident1, world.resident2):
        expected = Resident.objects.filter(pk=resident.pk).values_list(
            "name", "birth_date", "phone", "created_at"
        )
        assert [tuple(row) for row in RESIDENT_NUMBERS.rows(resident.pk)] == list(expected)
    _name, birth, phone, created = RESIDENT_NUMBERS.rows(world.resident1.pk)[0]
    assert isinstance(birth, datetime.date) and phone == "13812345678"  # decrypted, as the ORM does
    assert created.tzinfo is not None
    assert RESIDENT_NUMBERS.rows(0) == []


@pytest.mark.django_db
def test_the_sessions_user_comes_back_whole(world):
    grid01 = world.users["grid01"]
    found = user_by_key(grid01.pk)
    assert found is not None and found.pk == grid01.pk and found.username == "grid01"
    assert (
        found.password == grid01.password and found.date_joined == User.objects.get(pk=grid01.pk).date_joined
    )
    assert found._state.adding is False and found._state.db == "default"
    assert user_by_key(0) is None


@pytest.mark.django_db
def test_role_bindings_are_read_in_one_compiled_query(world):
    user = User.objects.get(username="grid01")
    with CaptureQueriesContext(connection) as queries:
        assert bindings(user) == [("grid_worker", world.grid1.code)]
        assert bindings(user) == [("grid_worker", world.grid1.code)]  # kept for the request
    assert len(queries) == 1
    assert bindings(User.objects.get(username="admin")) == [("system_admin", None)]


@pytest.mark.django_db
def test_a_token_finds_its_user_until_it_is_revoked_or_expires(world):
    row, token = ApiToken.issue(world.users["grid01"], "integration")
    with CaptureQueriesContext(connection) as queries:
        found = ApiToken.authenticate(token)
    # The token and its whole user in one query (and the first use stamped).
    assert found == world.users["grid01"] and len(queries) == 2
    stored = User.objects.get(pk=found.pk)
    assert all(getattr(found, f.attname) == getattr(stored, f.attname) for f in User._meta.concrete_fields)
    assert found._state.adding is False
    User.objects.filter(pk=found.pk).update(is_active=False)
    assert ApiToken.authenticate(token) is None
    User.objects.filter(pk=found.pk).update(is_active=True)
    assert ApiToken.authenticate(token + "x") is None
    ApiToken.objects.filter(pk=row.pk).update(expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    assert ApiToken.authenticate(token) is None
    ApiToken.objects.filter(pk=row.pk).update(expires_at=None, revoked_at=datetime.datetime.now(datetime.UTC))
    assert ApiToken.authenticate(token) is None


def test_a_sample_that_cannot_be_placed_is_refused():
    ambiguous = CompiledQuery(lambda pk: Resident.objects.filter(pk=pk, household_id=pk), 5)
    with pytest.raises(ValueError, match="appears 2 times"):
        ambiguous.rows(5)


# A code and a name prefix, each given to `startswith`: on PostgreSQL the code reaches the SQL as
# its range and its pattern (common/lookups.py), the letters as a pattern only.
BY_PREFIX = CompiledQuery(
    lambda code, initials: Resident.objects.filter(
        area_code__startswith=code, name_initials__startswith=initials
    ).values("name", "area_code"),
    Prefix("777777777701"),
    Prefix("qxjz"),
)


@pytest.mark.django_db
def test_a_prefix_sample_takes_new_codes_and_letters_in_every_form(world):
    assert BY_PREFIX.dicts(world.community.code, "zs") == [{"name": "张三", "area_code": world.grid1.code}]
    assert BY_PREFIX.dicts(world.community.code, "ls") == [{"name": "李四", "area_code": world.grid2.code}]
    assert BY_PREFIX.dicts(world.community.code, "z") == [{"name": "张三", "area_code": world.grid1.code}]
    assert BY_PREFIX.dicts(world.other_community.code, "zs") == []
    assert BY_PREFIX.dicts("370303005009", "zs") == []  # a code ending in 9: its range is …009 to …010


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "initials"),
    [
        ("370303", "zs"),  # shorter than the sample: its SQL could differ (a range, not equality)
        ("999999999999", "zs"),  # no code follows it: no range
        ("37030300500%", "zs"),
        ("370303005001", "z_"),  # a pattern character
        ("370303005001", "12"),  # digits where letters were compiled
    ],
)
def test_an_argument_that_does_not_fit_its_prefix_sample_is_refused(world, code, initials):
    with pytest.raises(ValueError, match="does not fit"):
        BY_PREFIX.dicts(code, initials)
