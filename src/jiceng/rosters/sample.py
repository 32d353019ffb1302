"""Generated residents rosters for benchmarks and tests (valid ID numbers, phones and names)."""

import datetime
import random
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from jiceng.demo.idgen import id_number, mobile, name
from jiceng.rosters.registry import get_roster


def resident_rows(n: int, places: list[tuple[str, str, int]], seed: int = 0) -> list[dict[str, Any]]:
    """`n` residents in households of one to four people, spread over `places`
    (estate name, building name, number of units); the first member of each household is its head."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    household = 0
    while len(rows) < n:
        estate, building, units = places[household % len(places)]
        unit = rng.randrange(1, units + 1)
        room = f"{1000 + household}"
        for member in range(min(rng.randrange(1, 5), n - len(rows))):
            male = rng.random() < 0.5
            while True:
                birth = datetime.date(1935, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 85))
                number = id_number(rng, "370303", birth, male)
                if number not in seen:
                    seen.add(number)
                    break
            rows.append(
                {
                    "estate": estate,
                    "building": building,
                    "unit": unit,
                    "room": room,
                    "household_type": "户籍户",
                    "name": name(rng, male),
                    "id_number": number,
                    "phone": mobile(rng) if rng.random() < 0.8 else "",
                    "ethnicity": "汉族",
                    "political_status": "群众" if rng.random() < 0.9 else "中共党员",
                    "relation_to_head": "户主" if member == 0 else "配偶" if member == 1 else "子女",
                    "residence_status": "在住",
                }
            )
        household += 1
    return rows


def write_workbook(path: str | Path, kind: str, rows: list[dict[str, Any]]) -> None:
    """Write rows (dicts keyed by column key) under the roster's Chinese headers, streaming."""
    roster = get_roster(kind)
    wb = Workbook(write_only=True)
    ws: Any = wb.create_sheet(roster.sheet_name)
    ws.append([c.zh_title for c in roster.columns])
    for row in rows:
        ws.append([row.get(c.key) for c in roster.columns])
    wb.save(path)
