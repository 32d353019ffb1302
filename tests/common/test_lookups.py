"""A prefix of a territory code finds exactly the codes under it, and on PostgreSQL it is a range
a b-tree index answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiceng.common.lookups import successor
from jiceng.territory.models import Area, Level


def test_the_successor_of_a_digit_prefix():
    assert successor("3703") == "3704"
    assert successor("370309") == "37031"
    assert successor("37039999") == "3704"
    assert successor("999") == ""


@pytest.mark.django_db
def test_a_code_prefix_finds_exactly_the_codes_under_it():
    district = Area.objects.create(code="370303", name="张店区", level=Level.DISTRICT)
    for code in ("370303009", "370303010", "370303099"):
        Area.objects.create(code=code, name=code, level=Level.STREET, parent=district)
    other = Area.objects.create(code="370304", name="邻区", level=Level.DISTRICT)
    Area.objects.create(code="370304001", name="邻区街道", level=Level.STREET, parent=other)
    found = set(Area.objects.filter(code__startswith="37030300").values_list("code", flat=True))
    assert found == {"370303009"}
    found = set(Area.objects.filter(code__startswith="3703030").values_list("code", flat=True))
    assert found == {"370303009", "370303010", "370303099"}
    assert set(Area.objects.filter(code__startswith="370303099").values_list("code", flat=True)) == {
        "370303099"
    }
    # A value that is not a code is a plain prefix.
    assert Area.objects.filter(name__startswith="张店").count() == 1
    assert set(Area.objects.filter(code__startswith="3703").values_list("code", flat=True)) >= {"370304001"}
    with CaptureQueriesContext(connection) as queries:
        list(Area.objects.filter(code__startswith="370303"))
    sql = queries.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert ">= '370303'" in sql and "< '370304'" in sql and "LIKE '370303%'" in sql
    else:
        assert "LIKE" in sql and ">=" not in sql


@pytest.mark.django_db
def test_a_prefix_as_long_as_the_column_is_the_code_itself():
    district = Area.objects.create(code="370303", name="张店区", level=Level.DISTRICT)
    grid = "370303005001001"
    for code in (grid, "370303005001002"):
        Area.objects.create(code=code, name=code, level=Level.GRID, parent=district)
    with CaptureQueriesContext(connection) as queries:
        found = list(Area.objects.filter(code__startswith=grid).values_list("code", flat=True))
    assert found == [grid]
    sql = queries.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        # Equality: an index on (code, id) then answers a grid's rows in key order.
        assert f"= '{grid}'" in sql and "LIKE" not in sql


@pytest.mark.django_db
def test_any_of_finds_what_in_finds_with_one_parameter_on_postgresql():
    from django.db import NotSupportedError

    district = Area.objects.create(code="370303", name="张店区", level=Level.DISTRICT)
    for code in ("370303009", "370303010", "370303099"):
        Area.objects.create(code=code, name=code, level=Level.STREET, parent=district)
    wanted = ["370303010", "370303099", "999999999", *(f"1{i:08d}" for i in range(3000))]
    if connection.vendor != "postgresql":
        with pytest.raises(NotSupportedError):
            list(Area.objects.filter(code__any_of=wanted))
        return
    with CaptureQueriesContext(connection) as queries:
        found = set(Area.objects.filter(code__any_of=wanted).values_list("code", flat=True))
    assert found == set(Area.objects.filter(code__in=wanted).values_list("code", flat=True))
    assert found == {"370303010", "370303099"}
    assert "ANY(" in queries[0]["sql"]
