"""The audit log is append-only and chained by hash; `jiceng audit verify` finds tampering."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from jiceng.audit import guard
from jiceng.audit.models import AuditEvent
from jiceng.audit.services import verify
from jiceng.people import services as people
from tests.conftest import World, make_id


def test_every_change_is_recorded_with_field_names_but_never_values(world: World):
    resident = world.resident1
    people.update_resident(
        actor=world.users["grid01"], resident=resident, phone="13900001111", ethnicity="回族"
    )
    event = AuditEvent.objects.filter(object_type="people.resident", object_id=str(resident.pk)).first()
    assert event is not None
    assert event.action == "update" and event.actor_name == "grid01"
    assert set(event.fields) == {"phone", "ethnicity"}
    row = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert "13900001111" not in str(row) and resident.id_number not in str(row)


def test_the_chain_verifies_when_untouched(world: World):
    assert AuditEvent.objects.count() >= 2
    assert list(verify()) == []
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()


def test_a_changed_row_is_reported(world: World):
    victim = AuditEvent.objects.order_by("seq").first()
    guard.remove(connection)  # someone who owns the schema drops the database's guard first
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_name = 'someone' WHERE id = %s", [victim.pk])
    problems = list(verify())
    assert [(p.seq, "changed" in p.message) for p in problems] == [(victim.seq, True)]
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=io.StringIO())


def test_a_deleted_row_is_reported(world: World):
    people.update_resident(actor=world.users["grid01"], resident=world.resident1, ethnicity="回族")
    rows = list(AuditEvent.objects.order_by("seq"))
    guard.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [rows[1].pk])
    messages = [p.message for p in verify()]
    assert any("missing" in m for m in messages)
    assert any("does not link" in m for m in messages)


def test_rows_cut_from_the_end_are_reported(world: World):
    last = AuditEvent.objects.order_by("-seq").first()
    guard.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    assert [p.message for p in verify()] == [
        f"the log ends at row {last.seq - 1} but its head records row {last.seq}: rows were removed"
    ]


def test_the_orm_refuses_to_change_or_delete_rows(world: World):
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(actor_name="x")


def test_a_rolled_back_change_leaves_no_audit_row(world: World):
    from django.core.exceptions import ValidationError

    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        people.update_resident(actor=world.users["grid01"], resident=world.resident1, phone="123")
    assert AuditEvent.objects.count() == before


def test_revealing_a_number_records_who_what_and_why(world: World):
    client = world.client("grid01")
    response = client.post(
        f"/people/residents/{world.resident1.pk}/reveal/", {"field": "id_number", "reason": "上门核实身份"}
    )
    assert world.resident1.id_number in response.content.decode()
    event = AuditEvent.objects.get(action="reveal")
    assert event.actor_name == "grid01" and event.fields == ["id_number"] and event.reason == "上门核实身份"


def test_revealing_needs_a_reason(world: World):
    response = world.client("grid01").post(
        f"/people/residents/{world.resident1.pk}/reveal/", {"field": "phone"}
    )
    assert world.resident1.phone not in response.content.decode()
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_the_audit_admin_reads_the_log_and_nobody_else(world: World):
    assert world.client("auditor").get("/audit/").status_code == 200
    for persona in ("sysadmin", "security", "secretary", "district", "grid01"):
        assert world.client(persona).get("/audit/").status_code == 403


def test_opening_a_sensitive_record_is_a_logged_read(world: World):
    import datetime

    from jiceng.people.models import CareTag

    client = world.client("grid01")
    client.get(f"/people/residents/{world.resident1.pk}/")
    assert not AuditEvent.objects.filter(action="view_sensitive").exists()  # an adult without sensitive tags
    world.resident1.care_tags.add(CareTag.objects.get(code="disabled"))
    client.get(f"/people/residents/{world.resident1.pk}/")
    client.get(f"/api/v1/people/residents/{world.resident1.pk}")
    assert AuditEvent.objects.filter(action="view_sensitive", actor_name="grid01").count() == 2
    child = people.register_resident(
        actor=world.users["grid01"],
        household=world.household1,
        name="张小宝",
        id_number=make_id(birth=datetime.date.today() - datetime.timedelta(days=365 * 5), seed=3),
        relation_to_head="child",
    )
    client.get(f"/people/residents/{child.pk}/")
    assert AuditEvent.objects.filter(action="view_sensitive", object_id=str(child.pk)).count() == 1


def test_a_refused_reveal_keeps_the_form_with_the_reason_asked_again(world: World):
    response = world.client("grid01").post(
        f"/people/residents/{world.resident1.pk}/reveal/", {"field": "phone", "reason": "x"}
    )
    content = response.content.decode()
    assert "138****5678" in content and 'name="reason"' in content and "事由" in content


def test_the_database_refuses_a_plain_sql_update(world: World):
    victim = AuditEvent.objects.order_by("seq").first()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET actor_name = 'someone' WHERE id = %s", [victim.pk])
    assert AuditEvent.objects.get(pk=victim.pk).actor_name == victim.actor_name
    assert list(verify()) == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's guard refuses updates only (guard.py)"
)
def test_postgresql_refuses_a_plain_sql_delete(world: World):
    count = AuditEvent.objects.count()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == count
