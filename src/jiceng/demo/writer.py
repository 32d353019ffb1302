"""Fast inserts of many rows: COPY on PostgreSQL, executemany elsewhere.

Rows are tuples already in database form (encrypted fields encrypted, lookup hashes computed), so
no model instance is built per row; that is what lets the district scale (a million residents)
load in minutes.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models


class RowWriter:
    def __init__(self, batch_size: int = 5000) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.batch_size = batch_size
        self.ops = connection.ops

    def date(self, value: Any) -> Any:
        return self.ops.adapt_datefield_value(value)

    def datetime(self, value: Any) -> Any:
        return self.ops.adapt_datetimefield_value(value)

    def write(
        self, model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        meta = model._meta
        quote = self.ops.quote_name
        fields = {f.attname: str(f.column) for f in meta.concrete_fields}
        columns = ", ".join(quote(fields[a]) for a in attnames)
        table = quote(meta.db_table)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(attnames))})"
            batch: list[Sequence[Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= self.batch_size:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)

    def next_id(self, model: type[models.Model]) -> int:
        last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
        return int(last or 0) + 1

    def reset_sequences(self, *model_list: type[models.Model]) -> None:
        """After rows were written with explicit keys, make the next automatic key follow them."""
        statements = self.ops.sequence_reset_sql(no_style(), list(model_list))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
