"""The measures page: 12345 rates and hot issues for an area one may see, by month, with a
chart and an Excel export."""

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.appeals import measure_queries
from jiceng.appeals.measure_queries import Selection, groups, measure_rows, select
from jiceng.audit import services as audit
from jiceng.audit.models import Action


def _selection(request: HttpRequest) -> Selection:
    get = request.GET.get
    return select(request.user, get("area", ""), get("month", ""), get("group", ""))


def _data(request: HttpRequest) -> dict[str, Any]:
    selection = _selection(request)
    total, rows, counted_at = measure_rows(request.user, selection)
    return {
        "counted_at": counted_at,
        "area": selection.area,
        "month": selection.month,
        "group": selection.group,
        "groups": groups(selection),
        "total": total,
        "rows": rows,
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    data = _data(request)
    data["chart"] = {
        "labels": [m.label or m.key for m in data["rows"]],
        "series": [
            {"name": _("响应率"), "values": [_pct(m.response_rate) for m in data["rows"]]},
            {"name": _("解决率"), "values": [_pct(m.resolution_rate) for m in data["rows"]]},
            {"name": _("满意率"), "values": [_pct(m.satisfaction_rate) for m in data["rows"]]},
        ],
    }
    return render(request, "appeal_measures/index.html", data)


@login_required
def hot(request: HttpRequest) -> HttpResponse:
    """热点问题: the categories and keywords rising this month against the last."""
    selection = _selection(request)
    categories, keywords, counted_at = measure_queries.hot(request.user, selection)
    chart = {
        "labels": [t.name for t in categories],
        "this": [t.this_period for t in categories],
        "last": [t.last_period for t in categories],
        "names": [_("本月"), _("上月")],
    }
    return render(
        request,
        "appeal_measures/hot.html",
        {
            "area": selection.area,
            "month": selection.month,
            "last_month": f"{timezone.localtime(selection.last.since):%Y-%m}",
            "hot_categories": categories,
            "hot_keywords": keywords,
            "chart": chart,
            "counted_at": counted_at,
        },
    )


def _pct(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The page's table as .xlsx (figures only, no personal data); the export is logged."""
    from openpyxl import Workbook

    data = _data(request)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("诉求办理统计")
    sheet.append(
        [_("名称"), _("派单"), _("响应率"), _("解决率"), _("评价"), _("满意率"), _("平均办结小时"), _("超期")]
    )
    for m in [*data["rows"], data["total"]]:
        sheet.append(
            [
                m.label or m.key or _("合计"),
                m.dispatched,
                _pct(m.response_rate),
                _pct(m.resolution_rate),
                m.rated,
                _pct(m.satisfaction_rate),
                round(m.average_hours, 1) if m.average_hours is not None else None,
                m.overdue,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    audit.record(request.user, Action.EXPORT, data["area"], reason=f"appeal measures {data['month']}")
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="appeals-{data["area"].code}-{data["month"]}.xlsx"'
    )
    return response
