"""Keyset pagination: a page costs the same at row 50 and row 500,000, and no COUNT(*) is run."""

from dataclasses import dataclass
from typing import Generic, TypeVar

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
    queryset: models.QuerySet[M], after: int | str | None = None, size: int = DEFAULT_PAGE_SIZE
) -> Page[M]:
    """Rows with pk greater than `after`, in pk order, and the cursor of the next page if any."""
    size = max(1, min(int(size or DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE))
    try:
        after_pk = int(after) if after not in (None, "") else 0
    except (TypeError, ValueError):
        after_pk = 0
    rows = list(queryset.filter(pk__gt=after_pk).order_by("pk")[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return Page(items=rows, next_cursor=rows[-1].pk if has_more else None, size=size)
