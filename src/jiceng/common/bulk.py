"""A leaner bulk insert than QuerySet.bulk_create for imports of 100,000 rows and the audit rows
that go with them, on SQLite.

On SQLite, bulk_create compiles its SQL anew for every batch, inspects every value for
expressions and keeps to 999 parameters a statement (about 40 residents), so a large import
spends most of its time in the SQL compiler (PostgreSQL's bulk_create uses UNNEST and is kept). Here the statement is built once per batch size and
each value still goes through the field's `pre_save` and `get_db_prep_save`, exactly as with
bulk_create: EncryptedCharField encrypts, auto_now fields get their time. Primary keys come back
through RETURNING in insertion order, the same assumption bulk_create makes.
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
    if connection.vendor != "sqlite" or not connection.features.can_return_rows_from_bulk_insert:
        # PostgreSQL: Django 5.2's bulk_create already inserts through UNNEST, one array a column.
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
