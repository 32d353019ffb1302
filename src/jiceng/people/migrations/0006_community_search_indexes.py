"""Residents indexed by community with their initials and with their pinyin, on PostgreSQL.

A secretary's search by initials (`zs`) asked for the community's 10,000 residents and the
district's 20,000 holders of those initials, and intersected them; these indexes hold each
community's names together, so the search reads its matches only (people.queries.CommunityOf,
the same expression). `varchar_pattern_ops` lets `LIKE 'zs%'` use them under any collation.
SQLite cannot use an index for its case-insensitive LIKE, and gets none.
"""

from typing import Any

from django.db import migrations

_INDEXES = {
    "resident_community_initials": "name_initials",
    "resident_community_pinyin": "name_pinyin",
}


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for name, column in _INDEXES.items():
            schema_editor.execute(
                f'CREATE INDEX "{name}" ON "people_resident" '
                f'(SUBSTR("area_code", 1, 12), "{column}" varchar_pattern_ops)'
            )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for name in _INDEXES:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("people", "0005_household_area_id")]

    operations = [migrations.RunPython(create, drop)]
