"""Helpers for roster tests: workbooks built in memory from the roster's own headers."""

import datetime
import io
import random
from typing import Any

import pytest
from openpyxl import Workbook

from jiceng.demo.idgen import id_number, mobile, name
from jiceng.rosters.registry import get_roster


def workbook(kind: str, rows: list[dict[str, Any]], sheet: str | None = None) -> bytes:
    """An .xlsx with the roster's Chinese headers and one row per dict (keys are column keys)."""
    roster = get_roster(kind)
    wb = Workbook()
    ws: Any = wb.active
    ws.title = sheet or roster.sheet_name
    ws.append([c.zh_title for c in roster.columns])
    for row in rows:
        ws.append([row.get(c.key) for c in roster.columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def resident_row(seed: int, **values: Any) -> dict[str, Any]:
    rng = random.Random(seed)
    male = rng.random() < 0.5
    birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 60))
    row = {
        "estate": "世纪花园",
        "building": "1号楼",
        "unit": 1,
        "room": f"{100 + seed}",
        "household_type": "户籍户",
        "name": name(rng, male),
        "id_number": id_number(rng, "370303", birth, male),
        "phone": mobile(rng),
        "ethnicity": "汉族",
        "political_status": "群众",
        "relation_to_head": "户主",
        "residence_status": "在住",
    }
    return row | values


@pytest.fixture
def upload():
    return workbook
