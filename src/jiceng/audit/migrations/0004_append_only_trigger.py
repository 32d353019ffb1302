from typing import Any

from django.db import migrations

from jiceng.audit import guard


def install(apps: Any, schema_editor: Any) -> None:
    guard.install(schema_editor.connection)


def remove(apps: Any, schema_editor: Any) -> None:
    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_view_sensitive_action"),
    ]

    operations = [migrations.RunPython(install, remove)]
