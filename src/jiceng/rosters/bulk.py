"""A leaner bulk insert than QuerySet.bulk_create for imports of 100,000 rows.

bulk_create compiles its SQL anew for every batch and inspects every value for expressions;
on SQLite it also keeps to 999 parameters a statement (about 40 residents), so a large import
spends most of its time in the SQL compiler. Here the statement is built once per batch size and
each value still goes through the field's `pre_save` and `get_db_prep_save`, exactly as with
bulk_create: EncryptedCharField encrypts, auto_now fields get their time. Primary keys come back
through RETURNING in insertion order, the same assumption bulk_create makes.
"""

import sqlite3
from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router

BATCH = 2000


def _max_params(connection: Any) -> int:
    if connection.vendor == "sqlite":
        # SQLITE_MAX_VARIABLE_NUMBER is 32,766 since SQLite 3.32; Django assumes the old 999.
        return 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999
    return 65535  # PostgreSQL's limit of bind parameters a statement


def insert(model: type[models.Model], objs: Sequence[models.Model], batch_size: int = BATCH) -> None:
    """Insert `objs` (new, unsaved instances of `model`) and set their primary keys."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    if not connection.features.can_return_rows_from_bulk_insert:
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
    size = max(1, min(batch_size, _max_params(connection) // len(fields)))
    statements: dict[int, str] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params: list[Any] = []
            for obj in chunk:
                for f in fields:
                    params.append(f.get_db_prep_save(f.pre_save(obj, True), connection))
            sql = statements.get(len(chunk))
            if sql is None:
                sql = statements[len(chunk)] = head + ", ".join([row_sql] * len(chunk)) + tail
            cursor.execute(sql, params)
            for obj, (value,) in zip(chunk, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, value)
                obj._state.adding = False
                obj._state.db = connection.alias
