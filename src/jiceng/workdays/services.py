"""Maintaining the working-day calendar. The system administrator edits a day, or imports the
State Council's schedule for a year from Excel or an .ics file; every change is audited and the
import replaces the year's days in one transaction, or changes nothing."""

import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.workdays import calendar
from jiceng.workdays.models import CalendarDay, CalendarYear, DayKind, Source

KIND_WORDS = {
    "放假": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "休息": DayKind.HOLIDAY,
    "holiday": DayKind.HOLIDAY,
    "上班": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
    "workday": DayKind.WORKDAY,
}
# chinese-calendar's English holiday names, as people here say them.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def seed_rows() -> tuple[list[tuple[datetime.date, str, str]], list[int]]:
    """The days chinese-calendar knows (its 1.11.0 release: 2004–2026) and the years they cover."""
    from chinese_calendar import constants

    rows = [(d, DayKind.HOLIDAY, HOLIDAY_NAMES.get(n, n)) for d, n in constants.holidays.items()]
    rows += [(d, DayKind.WORKDAY, HOLIDAY_NAMES.get(n, n)) for d, n in constants.workdays.items()]
    years = sorted({d.year for d, _k, _n in rows})
    return sorted(rows), years


def seed(day_model: Any = CalendarDay, year_model: Any = CalendarYear) -> int:
    """Fill the years the package covers that are not in the table yet (also used by the data
    migration with its historical models). Years already present are left as edited."""
    rows, years = seed_rows()
    present = set(year_model.objects.values_list("year", flat=True))
    new_years = [y for y in years if y not in present]
    day_model.objects.bulk_create(
        [day_model(date=d, kind=k, name=n, source=Source.PACKAGE) for d, k, n in rows if d.year in new_years],
        ignore_conflicts=True,
    )
    year_model.objects.bulk_create(
        [year_model(year=y, complete=True, source=Source.PACKAGE) for y in new_years], ignore_conflicts=True
    )
    return len(new_years)


@transaction.atomic
def set_day(*, actor: Any, date: datetime.date, kind: str | None, name: str = "") -> CalendarDay | None:
    """Mark a day as a holiday or a make-up working day, or (kind None) back to the ordinary week."""
    require(actor, Perm.SYSTEM_CONFIGURE)
    if kind is not None and kind not in DayKind.values:
        raise ValidationError({"kind": _("请选择放假或调休上班")})
    if kind == DayKind.WORKDAY and date.weekday() < 5:
        raise ValidationError({"kind": _("%(date)s是工作日，不需要设为调休上班") % {"date": date}})
    row = CalendarDay.objects.filter(date=date).first()
    if kind is None:
        if row is not None:
            row.delete()
            audit.record(
                actor,
                Action.DELETE,
                object_type="workdays.calendarday",
                object_id=str(date),
                object_repr=str(date),
            )
        result = None
    else:
        result, _created = CalendarDay.objects.update_or_create(
            date=date, defaults={"kind": kind, "name": name.strip(), "source": Source.MANUAL}
        )
        audit.record(actor, Action.UPDATE, result, fields=["kind", "name"])
    CalendarYear.objects.get_or_create(year=date.year, defaults={"source": Source.MANUAL})
    transaction.on_commit(lambda: calendar.forget([date.year]))
    calendar.forget([date.year])
    return result


@transaction.atomic
def set_year_complete(*, actor: Any, year: int, complete: bool, note: str = "") -> CalendarYear:
    """Say that the year's official schedule is (or is not yet) fully entered."""
    require(actor, Perm.SYSTEM_CONFIGURE)
    row, _created = CalendarYear.objects.get_or_create(year=year)
    row.complete, row.note = complete, note.strip()
    row.save(update_fields=["complete", "note", "updated_at"])
    audit.record(actor, Action.UPDATE, row, fields=["complete", "note"])
    return row


@dataclass(frozen=True)
class ParsedDay:
    date: datetime.date
    kind: str
    name: str


def _parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_workbook(data: bytes) -> list[ParsedDay]:
    """An .xlsx with the columns 日期 | 类型 (放假 / 调休上班) | 名称, one row a day."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = book.get_sheet_by_index(0).to_python()
    except Exception:  # calamine raises its own error types for every kind of bad file
        raise ValidationError({"file": _("无法读取该文件，请上传 .xlsx 或 .ics 文件")}) from None
    days, errors = [], []
    for number, row in enumerate(rows[1:], start=2):
        cells = [*row, "", "", ""][:3]
        if not any(str(c).strip() for c in cells):
            continue
        try:
            day = _parse_date(cells[0])
        except ValueError:
            errors.append(_("第%(row)d行：日期“%(value)s”无法识别") % {"row": number, "value": cells[0]})
            continue
        kind = KIND_WORDS.get(str(cells[1]).strip())
        if kind is None:
            errors.append(_("第%(row)d行：类型应为“放假”或“调休上班”") % {"row": number})
            continue
        days.append(ParsedDay(day, kind, str(cells[2]).strip()))
    if errors:
        raise ValidationError({"file": errors})
    return days


def parse_ics(data: bytes) -> list[ParsedDay]:
    """All-day events of an .ics file: a summary containing 班 is a make-up working day, any other
    is a holiday; DTEND is exclusive (RFC 5545)."""
    text = data.decode("utf-8-sig", errors="replace").replace("\r\n ", "").replace("\n ", "")
    days: list[ParsedDay] = []
    for block in re.findall(r"BEGIN:VEVENT(.*?)END:VEVENT", text, flags=re.S):
        fields = {}
        for line in block.strip().splitlines():
            key, _sep, value = line.partition(":")
            fields[key.split(";")[0].upper()] = value.strip()
        try:
            start = datetime.datetime.strptime(fields["DTSTART"][:8], "%Y%m%d").date()
            end = (
                datetime.datetime.strptime(fields["DTEND"][:8], "%Y%m%d").date()
                if "DTEND" in fields
                else start + datetime.timedelta(days=1)
            )
        except (KeyError, ValueError):
            raise ValidationError({"file": _("日历文件中有无法识别的日期")}) from None
        summary = fields.get("SUMMARY", "")
        kind = DayKind.WORKDAY if "班" in summary else DayKind.HOLIDAY
        name = re.sub(r"[（(].*?[）)]|休|班|调休", "", summary).strip()
        day = start
        while day < end:
            days.append(ParsedDay(day, kind, name))
            day += datetime.timedelta(days=1)
    if not days:
        raise ValidationError({"file": _("日历文件中没有找到节假日")})
    return days


def check_year(year: int, days: Iterable[ParsedDay]) -> list[ParsedDay]:
    chosen: dict[datetime.date, ParsedDay] = {}
    errors = []
    for day in days:
        if day.date.year != year:
            errors.append(_("%(date)s不在%(year)d年") % {"date": day.date, "year": year})
        elif day.date in chosen and chosen[day.date].kind != day.kind:
            errors.append(_("%(date)s既是放假又是上班") % {"date": day.date})
        elif day.kind == DayKind.WORKDAY and day.date.weekday() < 5:
            errors.append(_("%(date)s是工作日，不能设为调休上班") % {"date": day.date})
        chosen[day.date] = day
    if errors:
        raise ValidationError({"file": errors})
    return sorted(chosen.values(), key=lambda d: d.date)


@transaction.atomic
def import_schedule(*, actor: Any, year: int, file_name: str, data: bytes) -> int:
    """Replace a year's holidays and make-up days with the schedule in the file (.xlsx or .ics)
    and mark the year complete. Nothing changes if any line is wrong."""
    require(actor, Perm.SYSTEM_CONFIGURE)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年份不正确")})
    lower = file_name.lower()
    if lower.endswith(".ics"):
        parsed = parse_ics(data)
    elif lower.endswith(".xlsx"):
        parsed = parse_workbook(data)
    else:
        raise ValidationError({"file": _("请上传 .xlsx 或 .ics 文件")})
    days = check_year(year, parsed)
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d.date, kind=d.kind, name=d.name, source=Source.IMPORT) for d in days]
    )
    row, _created = CalendarYear.objects.get_or_create(year=year)
    row.complete, row.source = True, Source.IMPORT
    row.save(update_fields=["complete", "source", "updated_at"])
    audit.record(actor, Action.IMPORT, row, fields=["days"], reason=file_name)
    transaction.on_commit(lambda: calendar.forget([year]))
    calendar.forget([year])
    return len(days)
