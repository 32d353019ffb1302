"""Keyset pagination: a page costs the same at row 50 and row 500,000, and no COUNT(*) is run."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass
class Page(Generic[M]):
    items: list[M]
    next_cursor: int | None
    size: int


def keyset_page(
    queryset: models.QuerySet[M], after: int | str | None = None, size: int | None = DEFAULT_PAGE_SIZE
) -> Page[M]:
    """Rows with pk greater than `after`, in pk order, and the cursor of the next page if any."""
    size, after_pk = page_bounds(after, size)
    rows = list(queryset.filter(pk__gt=after_pk).order_by("pk")[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return Page(items=rows, next_cursor=rows[-1].pk if has_more else None, size=size)


def keyset_rows(
    queryset: models.QuerySet[M],
    to_rows: Callable[[models.QuerySet[M]], Iterator[dict[str, Any]]],
    after: int | str | None = None,
    size: int | None = DEFAULT_PAGE_SIZE,
) -> dict[str, Any]:
    """The same page as plain dicts, `{"items": [...], "next_cursor": …}`, for JSON lists."""
    size, after_pk = page_bounds(after, size)
    rows = list(to_rows(queryset.filter(pk__gt=after_pk).order_by("pk")[: size + 1]))
    return keyset_result(rows, size)


def keyset_result(rows: list[dict[str, Any]], size: int) -> dict[str, Any]:
    """A page from up to size + 1 rows read in key order: the extra row says there is more."""
    has_more = len(rows) > size
    rows = rows[:size]
    return {"items": rows, "next_cursor": rows[-1]["id"] if has_more else None}


def page_bounds(after: int | str | None, size: int | None) -> tuple[int, int]:
    size = max(1, min(int(size or DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE))
    try:
        after_pk = int(after) if after not in (None, "") else 0
    except (TypeError, ValueError):
        after_pk = 0
    return size, after_pk
