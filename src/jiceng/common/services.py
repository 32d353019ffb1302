"""Small helpers shared by every app's services."""

from typing import Any

from django.db import models


def apply_changes(obj: models.Model, changes: dict[str, Any]) -> list[str]:
    """Set the given attributes and return the names of those whose value really changed."""
    changed = []
    for name, value in changes.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed
