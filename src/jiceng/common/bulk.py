"""Leaner bulk inserts than QuerySet.bulk_create, for roster imports of 100,000 rows and the
audit rows that go with them.

PostgreSQL: the keys come from the table's sequence in one query and the rows go through COPY.
SQLite: bulk_create compiles its SQL anew for every batch, inspects every value for expressions
and keeps to 999 parameters a statement (about 40 residents); here the statement is built once
per batch size and primary keys come back through RETURNING in insertion order, the same
assumption bulk_create makes. On both, each value still goes through the field's `pre_save`
and `get_db_prep_save`, exactly as with bulk_create: EncryptedCharField encrypts, auto_now
fields get their time. `insert_rows` takes the values as plain rows instead of model instances,
for the largest imports, where building 100,000 instances costs more than the database does.
"""

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

BATCH = 2000


def _max_params() -> int:
    # SQLITE_MAX_VARIABLE_NUMBER is 32,766 since SQLite 3.32; Django assumes the old 999.
    return 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999


# Field classes whose database value is the Python value itself when it has the plain type;
# anything else (subclasses such as EncryptedCharField, other types) takes the field's own path.
_PLAIN: dict[type, tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.SlugField: (str,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.PositiveBigIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.BooleanField: (bool,),
    models.ForeignKey: (int,),
}


def _preparer(field: Any, connection: Any, now: Any) -> Callable[[models.Model], Any]:
    """How to turn one object's attribute into the value for the INSERT: the field's own
    `pre_save` + `get_db_prep_save` unless the value is a plain str/int/bool/None."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        # Every row of one import gets the same timestamp: prepare it once.
        stamp = field.get_db_prep_save(now, connection)

        def stamped(obj: models.Model) -> Any:
            setattr(obj, field.attname, now)
            return stamp

        return stamped
    attname = field.attname
    plain = _PLAIN.get(type(field))
    if plain is None:
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)

    def prepare(obj: models.Model) -> Any:
        value = getattr(obj, attname)
        if value is None or type(value) in plain:
            return value
        return field.get_db_prep_save(field.pre_save(obj, True), connection)

    return prepare


def insert(model: type[models.Model], objs: Sequence[models.Model], batch_size: int = BATCH) -> None:
    """Insert `objs` (new, unsaved instances of `model`) and set their primary keys."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    if not _lean(model, connection):
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    fields = _fields(model)
    now = timezone.now()
    preparers = [_preparer(f, connection, now) for f in fields]
    rows = ([prepare(obj) for prepare in preparers] for obj in objs)
    keys = _write(model, fields, rows, len(objs), connection, batch_size)
    pk = model._meta.pk
    assert pk is not None
    for obj, key in zip(objs, keys, strict=True):
        setattr(obj, pk.attname, key)
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    count: int | None = None,
    batch_size: int = BATCH,
) -> list[Any]:
    """Insert rows given as values of the fields `names` (attnames, in that order) without building
    model instances, and return their primary keys in order. Each value is prepared as `insert`
    prepares an instance's: a plain str/int/bool/None as it is, anything else through the field's
    `get_db_prep_save` (EncryptedCharField encrypts a clear value). Fields not named take their
    default, auto_now fields the time of the call.

    `rows` may be a generator if `count` says how many it yields: rows are then made while the
    database stores the ones before (on PostgreSQL, the server works on one core while Python
    encrypts and hashes on the other). Such a generator must not use the database: the COPY in
    progress holds the connection (a query raises RuntimeError rather than wait for ever)."""
    connection = connections[router.db_for_write(model)]
    if count is None:
        rows = list(rows)
        count = len(rows)
    if not count:
        return []
    if not _lean(model, connection):
        # Another database: the ORM's bulk_create, from instances built with the same values.
        objs = [model(**dict(zip(names, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return [obj.pk for obj in objs]
    fields = _fields(model)
    position = {name: i for i, name in enumerate(names)}
    unknown = set(position) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    now = timezone.now()
    makers: list[Callable[[Sequence[Any]], Any]] = []
    for field in fields:
        at = position.get(field.attname)
        if at is not None:
            makers.append(_value_preparer(field, at, connection))
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            makers.append(_constant(field.get_db_prep_save(now, connection)))
        else:
            makers.append(_constant(field.get_db_prep_save(field.get_default(), connection)))
    prepared = ([make(row) for make in makers] for row in rows)
    return _write(model, fields, prepared, count, connection, batch_size)


def _constant(value: Any) -> Callable[[Sequence[Any]], Any]:
    return lambda _row: value


def _value_preparer(field: Any, at: int, connection: Any) -> Callable[[Sequence[Any]], Any]:
    plain = _PLAIN.get(type(field))
    if plain is None:
        return lambda row: field.get_db_prep_save(row[at], connection)

    def prepare(row: Sequence[Any]) -> Any:
        value = row[at]
        if value is None or type(value) in plain:
            return value
        return field.get_db_prep_save(value, connection)

    return prepare


def _fields(model: type[models.Model]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _lean(model: type[models.Model], connection: Any) -> bool:
    """Whether `_write` handles this model on this database (else bulk_create does)."""
    if connection.vendor == "postgresql":
        return isinstance(model._meta.pk, models.AutoField)
    return connection.vendor == "sqlite" and connection.features.can_return_rows_from_bulk_insert


def _write(
    model: type[models.Model],
    fields: list[Any],
    rows: Iterator[list[Any]],
    count: int,
    connection: Any,
    batch_size: int,
) -> list[Any]:
    """Insert `count` rows of prepared values (one per field of `fields`); return their keys in order."""
    if connection.vendor == "postgresql":
        return _copy(model, fields, rows, count, connection)
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(str(f.column)) for f in fields)}) VALUES "
    tail = f" RETURNING {qn(str(pk.column))}"
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(batch_size, _max_params() // len(fields)))
    statements: dict[int, str] = {}
    keys: list[Any] = []
    with connection.cursor() as cursor:
        while chunk := list(islice(rows, size)):
            params = [value for row in chunk for value in row]
            sql = statements.get(len(chunk))
            if sql is None:
                sql = statements[len(chunk)] = head + ", ".join([row_sql] * len(chunk)) + tail
            cursor.execute(sql, params)
            keys.extend(value for (value,) in cursor.fetchall())
    if len(keys) != count:
        raise ValueError(f"{count} rows announced, {len(keys)} given")
    return keys


def next_key(model: type[models.Model]) -> int | None:
    """PostgreSQL: the row's key from the table's sequence before it is inserted (so that values
    made from the key, an appeal's number, go in with the row instead of in a second UPDATE,
    which PostgreSQL writes as a new row version in every index). None elsewhere."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return None
    return _next_keys(model, 1, connection)[0]


def _next_keys(model: type[models.Model], count: int, connection: Any) -> list[int]:
    """`count` keys from the table's sequence (PostgreSQL), in one query."""
    meta = model._meta
    assert meta.pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(
    model: type[models.Model], fields: list[Any], rows: Iterator[list[Any]], count: int, connection: Any
) -> list[Any]:
    """PostgreSQL: take the keys from the table's sequence in one query, then COPY the rows,
    which is several times faster than INSERT … UNNEST for thousands of rows."""
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    qn = connection.ops.quote_name
    columns = ", ".join(qn(str(c)) for c in [pk.column, *(f.column for f in fields)])
    keys = _next_keys(model, count, connection)
    with connection.cursor() as cursor:
        copying = cursor.cursor.copy(f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN")
        with connection.execute_wrapper(_refuse_queries), copying as copy:
            for key, row in zip(keys, rows, strict=True):
                copy.write_row([key, *row])
    return keys


def _refuse_queries(*args: Any) -> Any:
    raise RuntimeError("a query while COPY streams rows would wait for the COPY: make those rows first")
