"""ORM queries compiled to SQL once a process and then run with new parameters.

Compiling a query is the ORM's dearest step: about 0.7 ms on our 2-core machines, more than
the database takes to answer a lookup by key, and the ceiling view of `make bench` costs about
1.7 ms in all. The lookups every request makes (the session's user, an API token, the user's
role bindings) therefore run as compiled queries: the same SQL, the same converters (dates and
encrypted fields come back as the ORM gives them), none of the compiling.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models
from django.db.models.sql.compiler import SQLCompiler

from jiceng.common.lookups import successor


class Prefix(str):
    """A sample given to a `startswith` lookup. It reaches the SQL as the pattern `sample%` and,
    for a code on PostgreSQL (common/lookups.py), also as the bounds of its range or as itself;
    each form found is filled in from the new argument. Arguments are letters or digits (nothing
    to escape in a pattern), and a code as long as its sample: a code's length decides between
    a range and equality, so callers key their compiled queries by it."""

    def forms(self) -> tuple[Callable[[str], str], ...]:
        if self.isdigit():
            return (_pattern, _same, successor)
        return (_pattern,)

    def fits(self, value: Any) -> bool:
        if not (isinstance(value, str) and value.isascii() and value.isalnum()):
            return False
        if self.isdigit():
            return value.isdigit() and len(value) == len(self) and successor(value) != ""
        return not value.isdigit()


def _pattern(value: str) -> str:
    return value + "%"


def _same(value: str) -> str:
    return value


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[tuple[int, Callable[[Any], Any]], ...], ...]  # where each argument goes, and how
    names: tuple[str, ...]  # the columns' aliases (a values() query's names)
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
    model: Any


class CompiledQuery:
    """`build(*args)` returns the query (a values_list or values, or a model query: see
    `instances`); `samples` are example arguments, each of which must appear once among the
    query's parameters and be distinct from the others', so that they show where new arguments
    go. A `Prefix` sample may appear in any of its forms, as often as the query uses it."""

    def __init__(self, build: Callable[..., models.QuerySet[Any]], *samples: Any) -> None:
        self.build = build
        self.samples = samples
        self._by_alias: dict[str, _Compiled] = {}

    def _compiled(self, using: str) -> _Compiled:
        found = self._by_alias.get(using)
        if found is None:
            queryset = self.build(*self.samples).using(using)
            compiler: SQLCompiler = queryset.query.get_compiler(using)
            sql, params = compiler.as_sql()
            slots = []
            for sample in self.samples:
                forms = sample.forms() if isinstance(sample, Prefix) else (_same,)
                placed: list[tuple[int, Callable[[Any], Any]]] = []
                for form in forms:
                    at = [i for i, p in enumerate(params) if p == form(sample)]
                    if not isinstance(sample, Prefix) and len(at) != 1:
                        raise ValueError(f"sample {sample!r} appears {len(at)} times in {params!r}")
                    placed.extend((i, form) for i in at)
                if not placed:
                    raise ValueError(f"sample {sample!r} appears in no form in {params!r}")
                slots.append(tuple(placed))
            columns = [column for column, _sql, _alias in compiler.select]
            names = tuple(
                alias or getattr(column.target, "attname", "") for column, _sql, alias in compiler.select
            )
            converters = tuple(
                (position, tuple(funcs), expression)
                for position, (funcs, expression) in compiler.get_converters(columns).items()
            )
            found = _Compiled(sql, tuple(params), tuple(slots), names, converters, queryset.model)
            self._by_alias[using] = found
        return found

    def rows(self, *args: Any, using: str = "default") -> list[list[Any]]:
        compiled = self._compiled(using)
        params = list(compiled.params)
        for sample, places, value in zip(self.samples, compiled.slots, args, strict=True):
            if isinstance(sample, Prefix) and not sample.fits(value):
                raise ValueError(f"{value!r} does not fit the prefix sample {sample!r}")
            for slot, form in places:
                params[slot] = form(value)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for row in rows:
            for position, funcs, expression in compiled.converters:
                value = row[position]
                for func in funcs:
                    value = func(value, expression, connection)
                row[position] = value
        return rows

    def dicts(self, *args: Any, using: str = "default") -> list[dict[str, Any]]:
        """The rows as dicts by column name, as a values() query gives them."""
        names = self._compiled(using).names
        return [dict(zip(names, row, strict=True)) for row in self.rows(*args, using=using)]

    def instances(self, *args: Any, using: str = "default") -> list[Any]:
        """The rows as model instances: for a query of one model's own fields (no values(),
        no select_related, no deferred fields), whose columns are the model's concrete fields."""
        rows = self.rows(*args, using=using)
        model = self._compiled(using).model
        return [model.from_db(using, attnames(model), row) for row in rows]


@functools.cache
def attnames(model: Any) -> tuple[str, ...]:
    """The model's concrete fields' attribute names, in the order a query of the model selects
    them; `path__` before each names them through a relation (`values_list(*columns)`)."""
    return tuple(f.attname for f in model._meta.concrete_fields)


def columns(model: Any, path: str = "") -> list[str]:
    return [f"{path}{name}" for name in attnames(model)]


def joined(row: Sequence[Any], *models: Any, using: str = "default") -> list[Any]:
    """Instances of `models` from one row holding each one's `columns`, in that order: what
    select_related builds, for a compiled values_list query (each instance is joined to the next
    by the caller, who knows the relation)."""
    found, start = [], 0
    for model in models:
        names = attnames(model)
        found.append(model.from_db(using, names, row[start : start + len(names)]))
        start += len(names)
    return found
