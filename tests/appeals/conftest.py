from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Photos of test appeals go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
