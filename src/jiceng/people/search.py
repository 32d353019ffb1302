"""Resident search by pinyin or initials, the search people type most, for the search page and
the API.

For a user whose scope is areas (staff: a secretary, a grid worker, a street), the query is
compiled once a process for each shape (the lengths of the scope's codes, how many communities
hold them, former residents or not, page or API, how many rows) and run with the user's codes
and text: compiling it cost more than running it (1.1 of 1.6 ms of an API search in process).
The rules stay those of `queries.search_residents` (the same `matching`, the same scope through
`in_scope`), which answers every other search.
"""

import functools
import re
from typing import Any

from django.db.models import QuerySet

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import Scope, scope_for
from jiceng.common.compiled import CompiledQuery, Prefix
from jiceng.common.pagination import keyset_result, keyset_rows, page_bounds
from jiceng.people import queries
from jiceng.people.models import Household, Resident, format_address

_MAX_CODES = 4  # a scope of more areas than this is searched through the ORM


def page_rows(user: Any, text: str, include_former: bool, limit: int) -> list[dict[str, Any]]:
    """The search page's first `limit` rows, in the residents' order, with their addresses."""
    arguments = _arguments(user, text)
    if arguments is None:
        found = queries.search_residents(user, text, include_former)[:limit]
        return list(queries.resident_page_rows(found))
    codes, communities, key = arguments
    shape = (tuple(map(len, codes)), len(communities), include_former)
    rows = _query(*shape, keyset=False, limit=limit).dicts(*codes, *communities, key)
    if not rows:
        return []
    # The addresses in a second query: joined in the first, PostgreSQL plans four tables and
    # joins every match before it sorts and keeps the first `limit` (2.7 against 0.8 ms).
    addresses = household_addresses([row["household_id"] for row in rows], limit)
    return [queries.shaped_row(row, addresses[row["household_id"]]) for row in rows]


def keyset_page(user: Any, text: str, after: int | str | None, size: int | None) -> dict[str, Any]:
    """The API's page of current residents that `text` finds, in key order after `after`."""
    arguments = _arguments(user, text)
    if arguments is None:
        return keyset_rows(queries.search_residents(user, text), queries.resident_rows, after, size)
    codes, communities, key = arguments
    size, after_pk = page_bounds(after, size)
    query = _query(tuple(map(len, codes)), len(communities), False, keyset=True, limit=size + 1)
    rows = [queries.shaped_row(row) for row in query.dicts(*codes, *communities, key, after_pk)]
    return keyset_result(rows, size)


def household_addresses(ids: list[int], limit: int) -> dict[int, str]:
    """The addresses of up to `limit` households, by key (households found through a scoped
    query: this reads no more than their addresses)."""
    padded = [*ids, *([0] * (limit - len(ids)))]  # no household has the key 0
    return {pk: format_address(*rest) for pk, *rest in _addresses(limit).rows(*padded)}


def _arguments(user: Any, text: str) -> tuple[tuple[str, ...], tuple[str, ...], str] | None:
    """The scope's codes (none when they are the communities'), the communities that hold them
    and the search key; None for a search other than by letters, or a scope that the compiled
    query does not take (households, a resident's own; more than a few areas)."""
    key = re.sub(r"\s+", "", text or "")
    if not queries.LATIN.match(key):
        return None
    scope = scope_for(user, Perm.PEOPLE_VIEW)
    codes = scope.area_codes
    if scope.household_ids or not 0 < len(codes) <= _MAX_CODES:
        return None
    if not all(_sample_code(len(code), 0).fits(code) for code in codes):
        return None
    communities = queries.search_communities(scope)
    if communities == codes:
        # A scope of whole communities is the communities' condition itself: asked again as a
        # range of codes, PostgreSQL also intersects the community's 10,000 codes from their own
        # index (0.6 of 1.5 ms of its work on a search).
        codes = ()
    return codes, communities, key.lower()


def _sample_code(length: int, index: int) -> Prefix:
    # Distinct codes of one length whose ranges do not touch: 7…01, 7…03, …
    return Prefix(("7" * length)[: max(0, length - 2)] + f"{2 * index + 1:02d}"[-length:])


@functools.lru_cache(maxsize=256)
def _query(
    code_lengths: tuple[int, ...], communities: int, include_former: bool, *, keyset: bool, limit: int
) -> CompiledQuery:
    n = len(code_lengths)

    def build(*args: Any) -> QuerySet[Any]:
        codes, held_by, key = args[:n], args[n : n + communities], args[n + communities]
        scoped = Resident.objects.in_scope(Scope(area_codes=codes)) if codes else Resident.objects.all()
        qs = queries.matching(scoped, key, include_former, held_by)
        if keyset:
            qs = qs.filter(pk__gt=args[-1]).order_by("pk")
        return qs[:limit].values(*queries.RESIDENT_COLUMNS)

    samples: list[Any] = [_sample_code(length, i) for i, length in enumerate(code_lengths)]
    samples += [f"6666666666{i:02d}" for i in range(communities)]
    samples.append(Prefix("qxjz"))
    if keyset:
        samples.append(-70_514_391)
    return CompiledQuery(build, *samples)


@functools.lru_cache(maxsize=8)
def _addresses(limit: int) -> CompiledQuery:
    def build(*ids: int) -> QuerySet[Any]:
        columns = ("id", "building__estate__name", "building__name", "unit", "room")
        return Household.objects.filter(pk__in=ids).order_by().values_list(*columns)

    return CompiledQuery(build, *range(-limit, 0))
