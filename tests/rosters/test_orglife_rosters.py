"""Organisational-life rosters: meetings, attendance, training hours and dues payments, imported
through the one Excel framework under the services' rules, and exported back."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jiceng.dues import services as dues
from jiceng.dues.models import Payment
from jiceng.meetings.models import Meeting, Presence, Status
from jiceng.rosters.exports import export_roster
from jiceng.rosters.services import import_rows
from jiceng.training import services as training
from jiceng.training.models import Attendance as TrainingAttendance
from tests.conftest import World
from tests.party.factories import party_world
from tests.rosters.conftest import workbook

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
D = datetime.date


def _rows(export) -> list[tuple]:
    return list(load_workbook(export.file).active.iter_rows(min_row=2, values_only=True))


def test_a_paper_register_imports_as_held_meetings_and_its_attendance_gives_the_quorum(world: World):
    pw = party_world(world)
    secretary = world.users["secretary"]
    meeting_row = {
        "organisation": pw.branch1.name, "meeting_type": "支部党员大会", "day": D(2026, 3, 20), "time": "19:00",
        "title": "一季度党员大会", "place": "党群服务中心", "host": "张三", "minutes": "传达学习全国两会精神，讨论一季度工作。",
    }  # fmt: skip
    bad = {**meeting_row, "meeting_type": "支部委员会", "title": "支委会"}
    result = import_rows(secretary, "meetings", workbook("meetings", [meeting_row, bad]))
    assert not result.written and [e.row for e in result.errors] == [3]
    assert "未设支部委员会" in result.errors[0].message
    assert import_rows(secretary, "meetings", workbook("meetings", [meeting_row])).written
    meeting = Meeting.objects.get(title="一季度党员大会")
    assert meeting.status == Status.HELD and not meeting.quorum_reached  # no attendance yet
    attendance = {
        "organisation": pw.branch1.name,
        "day": D(2026, 3, 20),
        "title": "一季度党员大会",
        "member": "张三",
        "id_tail": world.resident1.id_tail,
        "presence": "出席",
    }
    result = import_rows(secretary, "attendance", workbook("attendance", [attendance]))
    assert result.written, result.errors
    meeting.refresh_from_db()
    assert meeting.attendances.get().presence == Presence.PRESENT and meeting.quorum_reached
    exported = export_roster(actor=secretary, kind="attendance", purpose="核对出勤")
    assert _rows(exported)[0][3] == "张三"


def test_dues_payments_import_at_the_assessed_amount_and_refuse_unassessed_months(world: World):
    pw = party_world(world)
    secretary = world.users["secretary"]
    dues.assess(
        actor=secretary,
        member=pw.member1,
        category="retired",
        base=Decimal(6000),
        effective_from=D(2026, 1, 1),
        reason="年度核定",
    )
    rows = [
        {
            "member": "张三",
            "id_tail": world.resident1.id_tail,
            "month": D(2026, 1, 15),
            "method": "微信",
            "paid_on": D(2026, 1, 20),
        },
        {"member": "王五", "id_tail": pw.resident3.id_tail, "month": D(2026, 1, 1), "method": "现金"},
    ]
    result = import_rows(secretary, "dues", workbook("dues", rows))
    assert [e.row for e in result.errors] == [3] and "尚未核定" in result.errors[0].message
    assert import_rows(secretary, "dues", workbook("dues", rows), valid_only=True).written
    payment = Payment.objects.get()
    assert payment.amount == Decimal("60.00") and payment.month == D(2026, 1, 1)
    again = import_rows(secretary, "dues", workbook("dues", rows[:1]))
    assert "已交" in again.errors[0].message
    exported = _rows(export_roster(actor=secretary, kind="dues", purpose="党费核对"))
    assert exported[0][0] == "张三" and exported[0][-1] == "60.00"


def test_training_hours_import_enrols_and_counts_the_session(world: World):
    pw = party_world(world)
    secretary = world.users["secretary"]
    course = training.create_course(
        actor=secretary, organisation=pw.committee, year=TODAY.year, name="学习党章", module="theory"
    )
    when = datetime.datetime(TODAY.year, 3, 10, 19, 0, tzinfo=timezone.get_current_timezone())
    training.add_session(actor=secretary, course=course, starts_at=when, hours=Decimal(3), teacher="党校老师")
    row = {
        "course": "学习党章",
        "day": D(TODAY.year, 3, 10),
        "member": "王五",
        "id_tail": pw.resident3.id_tail,
    }
    wrong_day = {**row, "day": D(TODAY.year, 3, 11), "member": "张三", "id_tail": world.resident1.id_tail}
    result = import_rows(secretary, "training", workbook("training", [row, wrong_day]))
    assert [e.row for e in result.errors] == [3] and "没有课次" in result.errors[0].message
    assert import_rows(secretary, "training", workbook("training", [row])).written
    assert TrainingAttendance.objects.get().member == pw.member2
    assert course.enrolments.filter(member=pw.member2).exists()
    exported = _rows(export_roster(actor=secretary, kind="training", purpose="学时统计"))
    assert exported == [
        (
            "学习党章",
            D(TODAY.year, 3, 10).isoformat() if isinstance(exported[0][1], str) else exported[0][1],
            "王五",
            pw.resident3.id_tail,
            None,
            "3.0",
        )
    ]


def test_the_grid_worker_cannot_import_or_export_organisational_life(world: World):
    from django.core.exceptions import PermissionDenied

    for kind in ("meetings", "attendance", "training", "dues"):
        with pytest.raises(PermissionDenied):
            export_roster(actor=world.users["grid01"], kind=kind, purpose="x" * 3)
        with pytest.raises(PermissionDenied):
            import_rows(world.users["grid01"], kind, workbook(kind, []))
