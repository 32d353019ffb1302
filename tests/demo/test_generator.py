"""The demo data generator: realistic shape, valid personal data, accounts, determinism."""

import datetime
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F

from jiceng.accounts.models import RoleBinding, User
from jiceng.audit.models import AuditEvent
from jiceng.common import crypto
from jiceng.common.identity import parse_id_number
from jiceng.demo.accounts import DEMO_LOGINS, DEMO_PASSWORD
from jiceng.demo.generator import generate
from jiceng.people.models import CareTag, Household, ResidenceRecord, Resident
from jiceng.territory.models import Area, Building, Estate, Level

TODAY = datetime.date(2026, 1, 1)


@pytest.fixture
def community(db: Any) -> Any:
    return generate("community", seed=11, today=TODAY)


def _age(birth: datetime.date) -> int:
    return TODAY.year - birth.year - ((TODAY.month, TODAY.day) < (birth.month, birth.day))


def test_community_has_the_shape_of_shiji_huayuan(community: Any) -> None:
    place = Area.objects.get(level=Level.COMMUNITY)
    assert (place.code, place.name, place.parent.code, place.parent.parent.code) == (
        "370303005001",
        "世纪花园社区",
        "370303005",
        "370303",
    )
    grids = Area.objects.filter(parent=place)
    assert [g.code for g in grids] == [f"370303005001{i:03d}" for i in range(1, 11)]
    # Each grid has an outline to draw, side by side and none overlapping the next.
    corners = [tuple(g.boundary["coordinates"][0][0]) for g in grids]
    assert all(g.boundary["type"] == "Polygon" for g in grids) and len(set(corners)) == 10
    # Grid 2 starts where grid 1 ends.
    assert grids[1].boundary["coordinates"][0][0][0] == grids[0].boundary["coordinates"][0][1][0]
    assert Building.objects.count() == 148
    per_grid = dict(Household.objects.values_list("area_code").annotate(n=Count("id")).order_by())
    assert set(per_grid) == {g.code for g in grids}
    assert all(300 <= n <= 500 for n in per_grid.values()), per_grid
    assert community.households == sum(per_grid.values())
    assert Estate.objects.three_no().exists()
    assert Estate.objects.filter(property_management="company").exists()
    assert all(b.units >= 1 and b.floors >= 4 for b in Building.objects.all())
    # Every household has a current head who is one of its members.
    heads = Household.objects.filter(head__household_id=F("id"), head__relation_to_head="head")
    assert heads.count() == Household.objects.count()
    assert set(Household.objects.values_list("household_type", flat=True)) == {
        "registered",
        "resident",
        "floating",
        "registered_absent",
    }


def test_residents_are_realistic(community: Any) -> None:
    rows = list(
        Resident.objects.values_list(
            "id_number", "birth_date", "gender", "phone", "political_status", "ethnicity"
        )
    )
    assert len(rows) == community.residents > 9000
    ids = set()
    for number, birth, gender, phone, *_ in rows:
        parsed = parse_id_number(number, today=TODAY)  # GB 11643 check character, date, gender
        assert (parsed.birth_date, parsed.gender) == (birth, gender)
        assert not phone or (len(phone) == 11 and phone[0] == "1")
        ids.add(number)
    assert len(ids) == len(rows)
    ages = [_age(birth) for _, birth, *_ in rows]
    assert min(ages) >= 0 and max(ages) <= 105
    elderly = sum(a >= 60 for a in ages) / len(ages)
    children = sum(a < 15 for a in ages) / len(ages)
    assert 0.14 <= elderly <= 0.28 and 0.10 <= children <= 0.22
    politics = Counter(r[4] for r in rows)
    # 158 on the roll plus the in-service members who report here (test_party_demo.py).
    assert 0.02 <= (politics["party_member"] + politics["probationary"]) / len(rows) <= 0.035
    assert politics["masses"] > politics["league_member"] > 0
    ethnicity = Counter(r[5] for r in rows)
    assert 0.93 <= ethnicity["汉族"] / len(rows) < 1 and len(ethnicity) > 3
    assert (
        Resident.objects.filter(
            political_status="party_member", birth_date__gt=datetime.date(2008, 1, 1)
        ).count()
        == 0
    )
    size = len(rows) / community.households
    assert 2.2 <= size <= 3.2
    relations = set(Resident.objects.values_list("relation_to_head", flat=True))
    assert {"head", "spouse", "child", "parent", "grandchild", "tenant"} <= relations
    # Encrypted at rest with working lookup hashes and tails.
    sample = Resident.objects.order_by("pk")[7]
    assert Resident.objects.get(id_hash=crypto.lookup_hash(sample.id_number)) == sample
    assert sample.id_tail == sample.id_number[-4:]
    assert ResidenceRecord.objects.count() == len(rows)


def test_care_tags_at_realistic_rates(community: Any) -> None:
    counts = dict(CareTag.objects.annotate(n=Count("residents")).values_list("code", "n"))
    total = community.residents
    assert set(counts) >= {"elderly_alone", "left_behind_child", "disabled", "minimum_allowance"}
    assert all(counts[code] > 0 for code in counts)
    assert 0.01 < counts["elderly_alone"] / total < 0.05
    assert counts["left_behind_child"] / total < 0.02
    assert counts["disabled"] / total < 0.04
    alone = Resident.objects.filter(care_tags__code="elderly_alone")
    assert all(_age(r.birth_date) >= 60 for r in alone)
    assert all(Resident.objects.filter(household_id=r.household_id).count() == 1 for r in alone[:50])


def test_demo_accounts_and_bindings(db: Any) -> None:
    generate("tiny", seed=3, today=TODAY)
    community = Area.objects.get(level=Level.COMMUNITY)
    grids = list(Area.objects.filter(parent=community))
    expected = {
        "admin": ("system_admin", None),
        "security": ("security_admin", None),
        "auditor": ("audit_admin", None),
        "district": ("district_admin", "370303"),
        "street": ("street_admin", "370303005"),
        "secretary": ("community_secretary", community.code),
        "staff": ("community_staff", community.code),
        "member01": ("party_member", community.code),
        "resident01": ("resident", community.code),
        **{f"grid{i:02d}": ("grid_worker", grids[i - 1].code) for i in range(1, 11)},
    }
    bindings = {
        b.user.username: (b.role, b.area.code if b.area else None)
        for b in RoleBinding.objects.select_related("user", "area")
    }
    assert bindings == expected
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)
        assert not user.password_expired
    member = User.objects.get(username="member01")
    assert member.resident is not None and member.resident.political_status == "party_member"
    resident = User.objects.get(username="resident01")
    assert resident.resident is not None and resident.resident.household_id != member.resident.household_id
    listed = {name for name, *_ in DEMO_LOGINS}
    assert {
        "admin",
        "security",
        "auditor",
        "district",
        "street",
        "secretary",
        "staff",
        "member01",
        "resident01",
    } <= listed
    assert any(name.startswith("grid01") for name in listed)


def test_one_audit_record_for_the_generation(db: Any) -> None:
    generate("tiny", seed=3, today=TODAY)
    # The bulk rows are one record; the few 双报到 rows and member01's next meeting go through
    # the services, which audit each change as they do for real users.
    assert set(AuditEvent.objects.exclude(reason="demo data").values_list("object_type", flat=True)) <= {
        "units.sinkingunit",
        "units.unitpairing",
        "units.servicepost",
        "units.inserviceregistration",
        "units.servicerecord",
        "meetings.meeting",
        "development.development",
        "development.thoughtreport",
        "transfers.transfer",
        "birthdays.oathactivity",
        "appeals.appeal",
    }
    events = list(AuditEvent.objects.filter(reason="demo data"))
    assert len(events) == 1
    assert events[0].action == "import" and events[0].reason == "demo data"


class _Rollback(Exception):
    pass


def _snapshot(seed: int) -> list[tuple[Any, ...]]:
    result: list[tuple[Any, ...]] = []
    try:
        with transaction.atomic():
            generate("tiny", seed=seed, today=TODAY)
            result = [
                (
                    r.pk,
                    r.household.room,
                    r.area_code,
                    r.name,
                    r.id_number,
                    r.phone,
                    r.political_status,
                    tuple(sorted(r.care_tags.values_list("code", flat=True))),
                )
                for r in Resident.objects.select_related("household").order_by("pk")
            ]
            result += list(Estate.objects.order_by("name").values_list("name", "property_management"))
            raise _Rollback
    except _Rollback:
        pass
    return result


def test_same_seed_same_data(db: Any) -> None:
    first = _snapshot(5)
    assert first and first == _snapshot(5)
    assert first != _snapshot(6)


def test_command_if_empty_and_refuses_twice(db: Any) -> None:
    out = StringIO()
    call_command("demo", "--scale", "tiny", "--seed", "2", stdout=out)
    assert "done: tiny" in out.getvalue() and "grid01" in out.getvalue()
    households = Household.objects.count()
    out = StringIO()
    call_command("demo", "--scale", "community", "--if-empty", stdout=out)
    assert Household.objects.count() == households
    with pytest.raises(CommandError):
        call_command("demo", "--scale", "tiny", stdout=StringIO())
    # Keys continue after the generated rows.
    household = Household.objects.create(
        building=Building.objects.first(), area_code="370303005001001", unit=9, room="999"
    )
    assert household.pk > households
