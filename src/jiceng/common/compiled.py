"""ORM queries compiled to SQL once a process and then run with new parameters.

Compiling a query is the ORM's dearest step: about 0.7 ms on our 2-core machines, more than
the database takes to answer a lookup by key, and the ceiling view of `make bench` costs about
1.7 ms in all. The lookups every request makes (the session's user, an API token, the user's
role bindings) therefore run as compiled queries: the same SQL, the same converters (dates and
encrypted fields come back as the ORM gives them), none of the compiling.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models
from django.db.models.sql.compiler import SQLCompiler


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int, ...]  # where each argument goes in params
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
    model: Any


class CompiledQuery:
    """`build(*args)` returns the query (a values_list, or a model query: see `instances`);
    `samples` are example arguments, each of which must appear once among the query's
    parameters and be distinct from the others', so that they show where new arguments go."""

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
                at = [i for i, p in enumerate(params) if p == sample]
                if len(at) != 1:
                    raise ValueError(f"sample {sample!r} appears {len(at)} times in {params!r}")
                slots.append(at[0])
            columns = [column for column, _sql, _alias in compiler.select]
            converters = tuple(
                (position, tuple(funcs), expression)
                for position, (funcs, expression) in compiler.get_converters(columns).items()
            )
            found = _Compiled(sql, tuple(params), tuple(slots), converters, queryset.model)
            self._by_alias[using] = found
        return found

    def rows(self, *args: Any, using: str = "default") -> list[list[Any]]:
        compiled = self._compiled(using)
        params = list(compiled.params)
        for slot, value in zip(compiled.slots, args, strict=True):
            params[slot] = value
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

    def instances(self, *args: Any, using: str = "default") -> list[Any]:
        """The rows as model instances: for a query of one model's own fields (no values(),
        no select_related, no deferred fields), whose columns are the model's concrete fields."""
        rows = self.rows(*args, using=using)
        model = self._compiled(using).model
        names: Sequence[str] = [f.attname for f in model._meta.concrete_fields]
        return [model.from_db(using, names, row) for row in rows]
