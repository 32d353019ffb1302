"""Leaner bulk inserts than QuerySet.bulk_create, for roster imports of 100,000 rows and the
audit rows that go with them.

PostgreSQL: the keys come from the table's sequence in one query and the rows go through COPY.
SQLite: bulk_create compiles its SQL anew for every batch, inspects every value for expressions
and keeps to 999 parameters a statement (about 40 residents); here the statement is built once
per batch size and primary keys come back through RETURNING in insertion order, the same
assumption bulk_create makes. On both, each value still goes through the field's `pre_save`
and `get_db_prep_save`, exactly as with bulk_create: EncryptedCharField encrypts, auto_now
fields get their time.
"""

import sqlite3
from collections.abc import Callable, Sequence
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
    if connection.vendor == "postgresql" and isinstance(model._meta.pk, models.AutoField):
        _copy(model, objs, connection)
        return
    if connection.vendor != "sqlite" or not connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    columns = [str(f.column) for f in fields]
    head = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "
    tail = f" RETURNING {qn(str(pk.column))}"
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(batch_size, _max_params() // len(fields)))
    now = timezone.now()
    preparers = [_preparer(f, connection, now) for f in fields]
    statements: dict[int, str] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params: list[Any] = []
            for obj in chunk:
                params.extend([prepare(obj) for prepare in preparers])
            sql = statements.get(len(chunk))
            if sql is None:
                sql = statements[len(chunk)] = head + ", ".join([row_sql] * len(chunk)) + tail
            cursor.execute(sql, params)
            for obj, (value,) in zip(chunk, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, value)
                obj._state.adding = False
                obj._state.db = connection.alias


def next_key(model: type[models.Model]) -> int | None:
    """PostgreSQL: the row's key from the table's sequence before it is inserted (so that values
    made from the key, an appeal's number, go in with the row instead of in a second UPDATE,
    which PostgreSQL writes as a new row version in every index). None elsewhere."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return None
    meta = model._meta
    assert meta.pk is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [meta.db_table, meta.pk.column])
        return int(cursor.fetchone()[0])


def _copy(model: type[models.Model], objs: Sequence[models.Model], connection: Any) -> None:
    """PostgreSQL: take the keys from the table's sequence in one query, then COPY the rows,
    which is several times faster than INSERT … UNNEST for thousands of rows."""
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    now = timezone.now()
    preparers = [_preparer(f, connection, now) for f in fields]
    columns = ", ".join(qn(str(c)) for c in [pk.column, *(f.column for f in fields)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        keys = [row[0] for row in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj, key in zip(objs, keys, strict=True):
                copy.write_row([key, *(prepare(obj) for prepare in preparers)])
    for obj, key in zip(objs, keys, strict=True):
        setattr(obj, pk.attname, key)
        obj._state.adding = False
        obj._state.db = connection.alias
