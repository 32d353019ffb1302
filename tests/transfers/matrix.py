"""Entries for tests/test_permission_matrix.py (see its docstring): the pages and API routes of
组织关系转接, each naming an object outside grid 1's reach."""

from collections.abc import Callable
from typing import Any

from tests.conftest import World

PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {}
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {}
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {}
