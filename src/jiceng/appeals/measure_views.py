"""The measures page: 12345 rates and hot issues for an area one may see, by month, with a
chart and an Excel export."""

import datetime
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import scope_for
from jiceng.appeals.measures import Measures, Period, hot_issues, measures
from jiceng.appeals.models import Appeal
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.territory.models import CHILD_LEVEL, CODE_LENGTH, Area, Level


def _choices(request: HttpRequest) -> tuple[Area, Period, Period, str]:
    codes = scope_for(request.user, Perm.APPEALS_VIEW).area_codes
    if not codes:
        raise PermissionDenied(_("统计按辖区查看，您没有所辖区域"))
    code = request.GET.get("area") or codes[0]
    if any(c.startswith(code) and c != code for c in codes):
        # An area above one's own (a grid worker asking for the community): one's own area.
        code = next(c for c in codes if c.startswith(code))
    if not any(code.startswith(c) for c in codes):
        raise Http404
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise Http404
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in request.GET.get("month", f"{today:%Y-%m}").split("-"))
        this = Period.month(year, month)
    except ValueError:
        this = Period.month(today.year, today.month)
    before = this.since - datetime.timedelta(days=1)
    last = Period.month(before.year, before.month)
    child = CHILD_LEVEL.get(Level(area.level))
    default_group = str(CODE_LENGTH[child]) if child else "category"
    group = request.GET.get("group", default_group)
    if group not in ("category", *(str(n) for n in CODE_LENGTH.values() if n > len(area.code))):
        group = default_group
    return area, this, last, group


def _labels(rows: list[Measures], group: str) -> list[Measures]:
    if group != "category":
        names = dict(Area.objects.filter(code__in=[m.key for m in rows]).values_list("code", "name"))
        for m in rows:
            m.label = names.get(m.key, m.key)
    return rows


def _data(request: HttpRequest) -> dict[str, Any]:
    area, this, last, group = _choices(request)
    appeals = Appeal.objects.visible_to(request.user).filter(area_code__startswith=area.code)
    [total] = measures(appeals, this) or [Measures()]
    rows = _labels(measures(appeals, this, group=group), group)
    categories, keywords = hot_issues(appeals, this, last)
    return {
        "area": area,
        "month": f"{timezone.localtime(this.since):%Y-%m}",
        "group": group,
        "groups": [("category", _("类别"))]
        + [(str(CODE_LENGTH[lv]), str(lv.label)) for lv in Level if CODE_LENGTH[lv] > len(area.code)],
        "total": total,
        "rows": rows,
        "hot_categories": categories,
        "hot_keywords": keywords,
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
