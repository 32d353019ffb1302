"""Every Jinja2 template compiles, and every gettext string in it has an English translation."""

from pathlib import Path

import pytest
from django.template import engines
from django.utils import translation

SRC = Path(__file__).resolve().parent.parent / "src" / "jiceng"
TEMPLATES = sorted(p for p in SRC.glob("**/jinja2/**/*.html"))


def _name(path: Path) -> str:
    parts = path.parts
    return "/".join(parts[len(parts) - 1 - parts[::-1].index("jinja2") + 1 :])


def test_there_are_templates():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_template_compiles(path: Path):
    engines["jinja2"].env.get_template(_name(path))  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_template_strings_are_translated(path: Path):
    from jinja2.ext import babel_extract

    with path.open("rb") as f:
        messages = [
            m if isinstance(m, str) else m[0] for _, _, m, _ in babel_extract(f, ("_", "gettext"), [], {})
        ]
    with translation.override("en"):
        missing = [m for m in messages if m and translation.gettext(m) == m]
    assert not missing, f"no English for: {missing}"
