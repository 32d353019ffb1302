"""A model field that keeps its value encrypted in the database and clear in Python."""

from typing import Any

from django.db import models

from jiceng.common import crypto


class EncryptedCharField(models.TextField):
    """Stores `value` as a Fernet token; pair it with a `*_hash` field for lookups."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)
