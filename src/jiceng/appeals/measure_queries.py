"""What the measures and hot-issue pages and their API show: the area asked for (within the
user's own), the month and the month before, the grouping — and the figures for them."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import scope_for
from jiceng.appeals.measures import Measures, Period, Trend, hot_issues, measures, total_of
from jiceng.appeals.models import Appeal
from jiceng.territory.models import CHILD_LEVEL, CODE_LENGTH, Area, Level

T = TypeVar("T")


@dataclass(frozen=True)
class Selection:
    area: Area
    this: Period
    last: Period
    group: str

    @property
    def month(self) -> str:
        return f"{timezone.localtime(self.this.since):%Y-%m}"

    def appeals(self, user: Any) -> Any:
        # `select` keeps the area within the user's own, so everything in it is visible to them:
        # the plain prefix lets the figures use the area's indexes alone.
        return Appeal.objects.filter(area_code__startswith=self.area.code)


def select(user: Any, area: str = "", month: str = "", group: str = "") -> Selection:
    """The user's first area unless another of theirs (or one below) is named; an area above
    their own (a grid worker asking for the community) gives their own; others are not found.
    A month that is not YYYY-MM is this month."""
    codes = scope_for(user, Perm.APPEALS_VIEW).area_codes
    if not codes:
        raise PermissionDenied(_("统计按辖区查看，您没有所辖区域"))
    code = area or codes[0]
    if any(c.startswith(code) and c != code for c in codes):
        code = next(c for c in codes if c.startswith(code))
    if not any(code.startswith(c) for c in codes):
        raise Http404
    found = Area.objects.filter(code=code).first()
    if found is None:
        raise Http404
    today = timezone.localdate()
    try:
        year, number = (int(p) for p in (month or f"{today:%Y-%m}").split("-"))
        this = Period.month(year, number)
    except ValueError:
        this = Period.month(today.year, today.month)
    before = this.since - datetime.timedelta(days=1)
    last = Period.month(before.year, before.month)
    child = CHILD_LEVEL.get(Level(found.level))
    default_group = str(CODE_LENGTH[child]) if child else "category"
    if group not in ("category", *(str(n) for n in CODE_LENGTH.values() if n > len(found.code))):
        group = default_group
    return Selection(found, this, last, group)


def groups(selection: Selection) -> list[tuple[str, str]]:
    """The groupings offered for the area: by category, or by each level below it."""
    area = selection.area
    return [("category", _("类别"))] + [
        (str(CODE_LENGTH[lv]), str(lv.label)) for lv in Level if CODE_LENGTH[lv] > len(area.code)
    ]


def _cached(kind: str, selection: Selection, compute: Callable[[], T]) -> tuple[datetime.datetime, T]:
    """Figures are counted at most every APPEAL_FIGURES_CACHE_SECONDS for an area, month and
    grouping (the pages say when): one secretary's reload or twenty street officials opening the
    same page count once. They depend on the area alone, not on who asks (see `select`)."""
    seconds = settings.APPEAL_FIGURES_CACHE_SECONDS
    key = f"appeal-{kind}:{selection.area.code}:{selection.month}:{selection.group}"
    found = cache.get(key) if seconds else None
    if found is None:
        found = (timezone.now(), compute())
        if seconds:
            cache.set(key, found, seconds)
    return found


def measure_rows(user: Any, selection: Selection) -> tuple[Measures, list[Measures], datetime.datetime]:
    """The area's total and one row per group, areas named, and when they were counted."""

    def count() -> list[Measures]:
        rows = measures(selection.appeals(user), selection.this, group=selection.group)
        if selection.group != "category":
            names = dict(Area.objects.filter(code__in=[m.key for m in rows]).values_list("code", "name"))
            for m in rows:
                m.label = names.get(m.key, m.key)
        return rows

    at, rows = _cached("measures", selection, count)
    return total_of(rows), rows, at


def hot(user: Any, selection: Selection) -> tuple[list[Trend], list[Trend], datetime.datetime]:
    """Categories and keywords rising against the month before, and when they were counted."""
    at, (categories, keywords) = _cached(
        "hot", selection, lambda: hot_issues(selection.appeals(user), selection.this, selection.last)
    )
    return categories, keywords, at
