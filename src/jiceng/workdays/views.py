"""The system administrator's page for the working-day calendar."""

import datetime
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require
from jiceng.common.forms import add_errors
from jiceng.workdays import calendar, services
from jiceng.workdays.forms import CompleteForm, DayForm, ImportForm
from jiceng.workdays.models import CalendarDay, CalendarYear


@login_required
def year(request: HttpRequest, year: int | None = None) -> HttpResponse:
    require(request.user, Perm.SYSTEM_CONFIGURE)
    today = timezone.localdate()
    year = year or today.year
    if not 2000 <= year <= 2100:
        year = today.year
    day_form = DayForm(prefix="day")
    import_form = ImportForm(prefix="import")
    row = CalendarYear.objects.filter(year=year).first()
    complete_form = CompleteForm(
        prefix="year", initial={"complete": bool(row and row.complete), "note": row.note if row else ""}
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "day":
                day_form = DayForm(request.POST, prefix="day")
                if day_form.is_valid():
                    data = day_form.cleaned_data
                    services.set_day(
                        actor=request.user, date=data["date"], kind=data["kind"] or None, name=data["name"]
                    )
                    messages.success(request, _("已保存%(date)s") % {"date": data["date"]})
                    return redirect("workdays:year", year=data["date"].year)
            elif action == "import":
                import_form = ImportForm(request.POST, request.FILES, prefix="import")
                if import_form.is_valid():
                    upload = import_form.cleaned_data["file"]
                    n = services.import_schedule(
                        actor=request.user, year=year, file_name=upload.name, data=upload.read()
                    )
                    messages.success(
                        request, _("已导入%(year)d年节假日安排，共%(n)d天") % {"year": year, "n": n}
                    )
                    return redirect("workdays:year", year=year)
            elif action == "complete":
                complete_form = CompleteForm(request.POST, prefix="year")
                if complete_form.is_valid():
                    services.set_year_complete(actor=request.user, year=year, **complete_form.cleaned_data)
                    messages.success(request, _("已保存"))
                    return redirect("workdays:year", year=year)
        except ValidationError as exc:
            target = {"day": day_form, "import": import_form}.get(action or "", complete_form)
            add_errors(target, exc)
    context = {
        "year": year,
        "row": row,
        "days": CalendarDay.objects.filter(date__year=year),
        "missing": calendar.missing_years([today.year, today.year + 1])
        if today.month >= 11
        else calendar.missing_years([today.year]),
        "years": CalendarYear.objects.all(),
        "day_form": day_form,
        "import_form": import_form,
        "complete_form": complete_form,
    }
    return render(request, "workdays/year.html", context)


@login_required
def template(request: HttpRequest) -> HttpResponse:
    """A blank schedule workbook: 日期 | 类型 | 名称, with a drop-down and an example row."""
    require(request.user, Perm.SYSTEM_CONFIGURE)
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("节假日安排")
    sheet.append([_("日期"), _("类型"), _("名称")])
    sheet.append([datetime.date(timezone.localdate().year + 1, 1, 1), "放假", "元旦"])
    check = DataValidation(type="list", formula1='"放假,调休上班"', allow_blank=False)
    sheet.add_data_validation(check)
    check.add("B2:B400")
    sheet.column_dimensions["A"].width = 14
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="holidays.xlsx"'
    return response
