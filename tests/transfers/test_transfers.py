"""Transfers of organisational relations: the letter, the change on completion, the flags."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jiceng.notifications.models import Notification
from jiceng.people import services as people
from jiceng.transfers import queries, services
from jiceng.transfers.models import Status
from tests.conftest import World, make_id
from tests.party.factories import party_world
from tests.transfers.factories import their_transfer

D = datetime.date


def test_a_letter_is_valid_three_months_at_most(world: World):
    pw = party_world(world)
    with pytest.raises(ValidationError, match="最长3个月"):
        services.transfer_out(
            actor=world.users["secretary"],
            member=pw.member1,
            letter_number="A-1",
            issued_on=D(2026, 8, 31),
            valid_until=D(2026, 12, 2),
            external="外地党委",
        )
    row = services.transfer_out(
        actor=world.users["secretary"],
        member=pw.member1,
        letter_number="A-1",
        issued_on=D(2026, 8, 31),
        external="外地党委",
    )
    assert row.valid_until == D(2026, 12, 1)  # 30 November + the day November lacks


def test_an_internal_transfer_moves_the_member_only_when_the_receiver_confirms(world: World):
    pw = party_world(world)
    row = services.transfer_out(
        actor=world.users["member"],
        member=pw.member1,
        to_organisation=pw.branch2,
        letter_number="内-1",
        issued_on=D(2026, 11, 1),
    )
    pw.member1.refresh_from_db()
    assert pw.member1.organisation == pw.branch1  # not yet
    with pytest.raises(PermissionDenied, match="接收方"):
        services.complete(
            actor=world.users["member"], transfer=row, on=D(2026, 11, 5)
        )  # 张三 runs branch 1 only
    services.complete(actor=world.users["secretary"], transfer=row, on=D(2026, 11, 5))
    pw.member1.refresh_from_db()
    assert pw.member1.organisation == pw.branch2 and pw.member1.area_code == world.grid2.code


def test_an_outgoing_transfer_takes_the_member_off_the_roll(world: World):
    row = their_transfer(world)
    services.complete(actor=world.users["secretary"], transfer=row, on=D(2026, 11, 10))
    member = party_world(world).member2
    member.refresh_from_db()
    assert not member.active and "济南市历下区某社区党委" in member.left_reason


def test_a_letter_past_its_validity_cannot_complete_and_the_worker_expires_it(world: World):
    row = their_transfer(world)  # valid until 2027-02-01
    with pytest.raises(ValidationError, match="过期"):
        services.complete(actor=world.users["secretary"], transfer=row, on=D(2027, 2, 2))
    assert services.expire_letters(D(2027, 2, 2)) == 1
    row.refresh_from_db()
    assert row.status == Status.EXPIRED
    assert Notification.objects.filter(recipient=world.users["secretary"], title__contains="王五").exists()


def test_an_incoming_member_joins_the_roll_on_completion(world: World):
    pw = party_world(world)
    row = services.transfer_in(
        actor=world.users["secretary"],
        to_organisation=pw.branch1,
        name="周七",
        external="淄川区某党支部",
        letter_number="淄川-9",
        issued_on=D(2026, 11, 1),
    )
    resident = people.register_resident(
        actor=world.users["secretary"],
        household=world.household1,
        name="周七",
        id_number=make_id(seed=77, birth=D(1980, 1, 1)),
        relation_to_head="other",
    )
    with pytest.raises(ValidationError, match="入党日期"):
        services.complete(actor=world.users["secretary"], transfer=row, on=D(2026, 11, 3))
    services.complete(
        actor=world.users["secretary"],
        transfer=row,
        on=D(2026, 11, 3),
        resident=resident,
        joined_on=D(2001, 7, 1),
        full_on=D(2002, 7, 1),
        status="full",
    )
    row.refresh_from_db()
    assert row.member is not None and row.member.organisation == pw.branch1 and row.status == Status.COMPLETED


def test_one_open_transfer_per_member(world: World):
    their_transfer(world)
    with pytest.raises(ValidationError, match="未完成"):
        services.transfer_out(
            actor=world.users["secretary"],
            member=party_world(world).member2,
            letter_number="B",
            issued_on=D(2026, 11, 2),
            external="x",
        )


def test_members_who_moved_out_are_flagged_until_a_transfer_starts(world: World):
    pw = party_world(world)
    people.end_residence(
        actor=world.users["secretary"], resident=world.resident1, on=D(2026, 10, 1), destination="济南"
    )
    assert [m.pk for m in queries.to_transfer(world.users["secretary"])] == [pw.member1.pk]
    services.transfer_out(
        actor=world.users["secretary"],
        member=pw.member1,
        letter_number="C",
        issued_on=D(2026, 11, 2),
        external="济南某党委",
    )
    assert list(queries.to_transfer(world.users["secretary"])) == []


def test_pages_and_api(world: World):
    row = their_transfer(world)
    client = world.client("secretary")
    assert "淄组2026-018" in client.get(reverse("transfers:index")).content.decode()
    pdf = client.get(reverse("transfers:letter", args=[row.pk]))
    assert pdf.content.startswith(b"%PDF")
    closed = client.post(
        f"/api/v1/transfers/transfers/{row.pk}/close",
        json.dumps({"status": "cancelled", "note": "信息有误"}),
        content_type="application/json",
    )
    assert closed.json()["status"] == "cancelled"
    assert world.client("member").get(reverse("transfers:transfer", args=[row.pk])).status_code == 404
