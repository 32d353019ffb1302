"""`startswith` on a territory code that a b-tree index can answer on PostgreSQL, and `any_of`,
an `in` with one array parameter.

Every "in my area" query is a prefix of a code (`area_code__startswith="370303005001"`). On
PostgreSQL a `LIKE 'prefix%'` uses a b-tree index only under the C collation (or with a
`*_pattern_ops` index); a database created with C.UTF-8 or zh_CN.UTF-8 scans instead. For a value
of digits — every territory code — the lookup adds the range it spans, `code >= '3703' AND
code < '3704'`, which any b-tree answers under any collation (digits sort as digits in all of
them), and keeps the LIKE so that the rows are exactly those of the prefix. A value as long as
the column allows (a grid's 15 digits in a code column) can only be matched by itself: that is
equality, which an index on (code, id) answers in key order, so a grid's first page is read
without sorting the grid. Other values, and other databases, are left to the plain LIKE.
"""

from typing import Any

from django.db import NotSupportedError
from django.db.models import CharField, Lookup
from django.db.models.lookups import StartsWith


def successor(prefix: str) -> str:
    """The least digit string above every string that starts with `prefix` ("" if none is)."""
    digits = prefix.rstrip("9")
    if not digits:
        return ""
    return digits[:-1] + str(int(digits[-1]) + 1)


class CodePrefix(StartsWith):
    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sql, params = self.as_sql(compiler, connection)
        value = self.rhs
        if not (
            self.rhs_is_direct_value() and isinstance(value, str) and value.isascii() and value.isdigit()
        ):
            return sql, list(params)
        column, column_params = self.process_lhs(compiler, connection)
        if len(value) == getattr(self.lhs.output_field, "max_length", None):
            return f"{column} = %s", [*column_params, value]
        upper = successor(value)
        if upper:
            bounds = f"{column} >= %s AND {column} < %s"
            bound_params = [*column_params, value, *column_params, upper]
        else:
            bounds = f"{column} >= %s"
            bound_params = [*column_params, value]
        return f"({bounds} AND {sql})", [*bound_params, *params]


class AnyOf(Lookup):
    """`field__any_of=values`: `field = ANY(%s)` with the values as one array (PostgreSQL only).

    The same rows as `field__in=values`, but psycopg splices each of the thousands of `IN`
    parameters into the statement in Python (Django binds on the client), and SQLite caps them;
    one array is sent as it is, and the index on the field still answers."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if connection.vendor != "postgresql":
            raise NotSupportedError("any_of is for PostgreSQL: use __in elsewhere")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


def register() -> None:
    CharField.register_lookup(CodePrefix)
    CharField.register_lookup(AnyOf)
