"""`/api/v1/appeals/measures` and `/api/v1/appeals/hot`: the figures of the measures and
hot-issue pages, for an area the user may see and a month."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from jiceng.appeals import measure_queries
from jiceng.appeals.measures import Measures, Trend

router = Router(tags=["appeals"])


class MeasuresOut(Schema):
    key: str
    label: str
    dispatched: int
    responded_in_time: int
    resolved: int
    rated: int
    satisfied: int
    closed: int
    overdue: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    average_hours: float | None


class MeasuresPage(Schema):
    area: str
    month: str
    group: str
    counted_at: datetime.datetime  # figures are counted at most every few minutes
    total: MeasuresOut
    rows: list[MeasuresOut]


class TrendOut(Schema):
    name: str
    this_period: int
    last_period: int
    rise: int


class HotOut(Schema):
    area: str
    month: str
    counted_at: datetime.datetime
    categories: list[TrendOut]
    keywords: list[TrendOut]


def _measures(m: Measures) -> dict[str, Any]:
    return {name: getattr(m, name) for name in MeasuresOut.model_fields}


def _trend(t: Trend) -> dict[str, Any]:
    return {name: getattr(t, name) for name in TrendOut.model_fields}


@router.get("/measures", response=MeasuresPage)
def get_measures(request: HttpRequest, area: str = "", month: str = "", group: str = "") -> Any:
    """Response, resolution and satisfaction rates, average hours to resolve and overdue appeals
    of an area (a code; default: the user's own) in a month (`YYYY-MM`; default: this month), in
    total and by `group`: `category` or the length of the codes below (9 streets, 12 communities,
    15 grids; default: the level below the area)."""
    selection = measure_queries.select(request.user, area, month, group)
    total, rows, counted_at = measure_queries.measure_rows(request.user, selection)
    return {
        "area": selection.area.code,
        "month": selection.month,
        "group": selection.group,
        "counted_at": counted_at,
        "total": _measures(total),
        "rows": [_measures(m) for m in rows],
    }


@router.get("/hot", response=HotOut)
def get_hot_issues(request: HttpRequest, area: str = "", month: str = "") -> Any:
    """Hot issues: the categories and keywords of an area's appeals rising in a month against the
    month before, most risen first (ten of each)."""
    selection = measure_queries.select(request.user, area, month)
    categories, keywords, counted_at = measure_queries.hot(request.user, selection)
    return {
        "area": selection.area.code,
        "month": selection.month,
        "counted_at": counted_at,
        "categories": [_trend(t) for t in categories],
        "keywords": [_trend(t) for t in keywords],
    }
