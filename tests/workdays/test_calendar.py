"""Working days with Chinese public holidays and make-up working days (调休)."""

import datetime
import io
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from jiceng.notifications.models import Notification
from jiceng.workdays import calendar, services
from jiceng.workdays.models import CalendarDay, CalendarYear
from jiceng.workdays.reminders import warn_missing_years
from tests.conftest import World

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_the_seeded_2026_schedule_counts_national_day_and_the_make_up_saturday():
    assert not calendar.is_working_day(datetime.date(2026, 10, 1))  # 国庆节, a Thursday
    assert calendar.is_working_day(datetime.date(2026, 9, 20))  # a Sunday worked in lieu
    # Three working days from the day before the holiday: 8, 9 and Saturday 10 October.
    assert calendar.due_after(at("2026-09-30"), 3, "working_days") == at("2026-10-10")
    assert calendar.due_after(at("2026-09-30"), 1, "working_days") == at("2026-10-08")
    assert calendar.working_days_between(datetime.date(2026, 9, 30), datetime.date(2026, 10, 12)) == 4


@pytest.mark.django_db
def test_a_limit_started_on_a_rest_day_runs_to_the_end_of_its_last_working_day():
    due = calendar.due_after(at("2026-10-03"), 1, "working_days")
    assert due.date() == datetime.date(2026, 10, 8) and due.time() == datetime.time.max


@pytest.mark.django_db
def test_hours_are_clock_hours():
    assert calendar.due_after(at("2026-10-01", 23), 2, "hours") == at("2026-10-02", 1)


@pytest.mark.django_db
def test_a_year_without_a_schedule_counts_weekends_only_and_never_fails():
    assert calendar.missing_years([2026, 2027]) == [2027]
    assert calendar.is_working_day(datetime.date(2027, 1, 1))  # a Friday: no schedule yet
    assert calendar.due_after(at("2027-01-01"), 1, "working_days") == at("2027-01-04")  # Monday


def _ics(*events: tuple[str, str, str]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    for start, end, summary in events:
        lines += [
            "BEGIN:VEVENT",
            f"DTSTART;VALUE=DATE:{start}",
            f"DTEND;VALUE=DATE:{end}",
            f"SUMMARY:{summary}",
            "END:VEVENT",
        ]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def test_the_system_administrator_imports_next_years_schedule(world: World):
    admin = world.users["sysadmin"]
    data = _ics(("20270101", "20270104", "元旦（休）"), ("20270109", "20270110", "元旦调休（班）"))
    assert services.import_schedule(actor=admin, year=2027, file_name="2027.ics", data=data) == 4
    assert not calendar.is_working_day(datetime.date(2027, 1, 1))
    assert calendar.is_working_day(datetime.date(2027, 1, 9))  # a Saturday worked in lieu
    assert calendar.missing_years([2027]) == []
    assert CalendarDay.objects.get(date=datetime.date(2027, 1, 2)).name == "元旦"


def test_a_wrong_line_imports_nothing(world: World):
    admin = world.users["sysadmin"]
    services.import_schedule(
        actor=admin, year=2027, file_name="a.ics", data=_ics(("20270101", "20270102", "元旦（休）"))
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["日期", "类型", "名称"])
    sheet.append(["2027-02-06", "放假", "春节"])
    sheet.append(["2027-02-08", "调休上班", "春节"])  # a Monday cannot be a make-up working day
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ValidationError) as exc:
        services.import_schedule(actor=admin, year=2027, file_name="b.xlsx", data=buffer.getvalue())
    assert "2027-02-08" in exc.value.message_dict["file"][0]
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [
        datetime.date(2027, 1, 1)
    ]


def test_only_the_system_administrator_edits_the_calendar(world: World):
    with pytest.raises(PermissionDenied):
        services.set_day(actor=world.users["secretary"], date=datetime.date(2027, 1, 1), kind="holiday")
    services.set_day(
        actor=world.users["sysadmin"], date=datetime.date(2027, 1, 1), kind="holiday", name="元旦"
    )
    assert not calendar.is_working_day(datetime.date(2027, 1, 1))
    services.set_day(actor=world.users["sysadmin"], date=datetime.date(2027, 1, 1), kind=None)
    assert calendar.is_working_day(datetime.date(2027, 1, 1))
    assert not CalendarYear.objects.get(year=2027).complete


def test_administrators_are_warned_once_about_a_missing_year(world: World):
    assert warn_missing_years(datetime.date(2026, 11, 22)) == 1
    assert warn_missing_years(datetime.date(2026, 11, 23)) == 0
    note = Notification.objects.get(recipient=world.users["sysadmin"])
    assert "2027" in note.title
    assert warn_missing_years(datetime.date(2026, 6, 1)) == 0  # 2026 is complete; 2027 not due yet


def test_the_calendar_page_and_api(world: World):
    page = world.client("sysadmin").get("/settings/workdays/2027/")
    assert page.status_code == 200 and "本年度没有节假日数据" in page.content.decode()
    assert world.client("secretary").get("/settings/workdays/2027/").status_code == 403
    upload = io.BytesIO(_ics(("20270101", "20270102", "元旦（休）")))
    upload.name = "2027.ics"
    response = world.client("sysadmin").post(
        "/settings/workdays/2027/", {"action": "import", "import-file": upload}
    )
    assert response.status_code == 302
    data = world.client("grid01").get("/api/v1/workdays/years/2027").json()
    assert data["complete"] and data["days"] == [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]
    due = (
        world.client("grid01")
        .get("/api/v1/workdays/due", {"start": "2026-09-30T10:00:00+08:00", "amount": 3})
        .json()
    )
    assert due["due"].startswith("2026-10-10T10:00:00")
