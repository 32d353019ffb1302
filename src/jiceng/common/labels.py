"""Choice labels translated once a process and language, not once a page or a row."""

from functools import lru_cache
from typing import Any

from django.db import models
from django.utils.translation import get_language


def labels(choices: type[models.Choices]) -> dict[Any, str]:
    """`{value: translated label}` of a choices class in the active language."""
    return _labels(choices, get_language() or "")


@lru_cache(maxsize=256)
def _labels(choices: type[models.Choices], language: str) -> dict[Any, str]:
    # The language is part of the key: labels are lazy and translate to the active one.
    return {value: str(label) for value, label in choices.choices}
