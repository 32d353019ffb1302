"""Scenario 2: import 100,000 residents from one .xlsx file, four ways.

1. jiceng.rosters.services.import_rows (the product: calamine, full validation, bulk writes,
   residence records, care tags, audit);
2. django-import-export with default settings (a ModelResource, one save per row);
3. the same with use_bulk=True;
4. PostgreSQL COPY of the same prepared rows: the physical limit.

All four write the same people into existing households of the demo community (relation 其他亲属,
so no household changes its head). The rows are removed again after each run.
"""

import datetime
import io
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from jiceng.common import crypto, pinyin
from jiceng.common.masking import mask_id_number, mask_phone
from jiceng.demo import idgen, population
from jiceng.demo.writer import RowWriter
from jiceng.people.models import (
    CareTag,
    HouseholdType,
    PoliticalStatus,
    Relation,
    ResidenceStatus,
    Resident,
)
from jiceng.people.validation import check_identity

# 历下区, 市中区, 槐荫区 (Jinan): codes the district generator never uses, so no ID number clashes.
IMPORT_CODES = ["370102", "370103", "370104"]
HEADERS = [
    "小区",
    "楼栋",
    "单元",
    "房号",
    "户类型",
    "姓名",
    "身份证号码",
    "性别",
    "出生日期",
    "联系电话",
    "民族",
    "政治面貌",
    "与户主关系",
    "居住状态",
    "入住日期",
    "关爱标签",
]


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label)


def make_rows(community_code: str, count: int, seed: int = 100) -> list[list[Any]]:
    """`count` people spread over the existing households of one community, as roster rows."""
    from django.utils import translation

    from jiceng.people.models import Household

    addresses = list(
        Household.objects.filter(area_code__startswith=community_code)
        .order_by("pk")
        .values_list("building__estate__name", "building__name", "unit", "room", "household_type")
    )
    tag_names = dict(CareTag.objects.values_list("code", "name"))
    today = datetime.date(2026, 1, 1)
    rng = random.Random(seed)
    people = population.People(rng, today, IMPORT_CODES)
    used: set[str] = set()
    rows: list[list[Any]] = []
    with translation.override("zh-hans"):
        relative = _label(Relation, "relative")
        living = _label(ResidenceStatus, "living")
        while len(rows) < count:
            estate, building, unit, room, household_type = addresses[len(rows) % len(addresses)]
            for person in people.household(unit, room).members:
                # Floating people get other provinces' codes, which the district's residents
                # carry too: draw every number from the Jinan codes instead.
                while person.id_number in used or person.id_number[:6] not in IMPORT_CODES:
                    person.id_number = idgen.id_number(
                        rng, rng.choice(IMPORT_CODES), person.birth, person.male
                    )
                used.add(person.id_number)
                rows.append(
                    [
                        estate,
                        building,
                        unit,
                        room,
                        _label(HouseholdType, household_type),
                        person.name,
                        person.id_number,
                        "男" if person.male else "女",
                        None,
                        person.phone or None,
                        person.ethnicity,
                        _label(PoliticalStatus, person.political),
                        relative,
                        living,
                        person.moved_in,
                        "、".join(tag_names[t] for t in dict.fromkeys(person.tags) if t in tag_names) or None,
                    ]
                )
    return rows[:count]


def write_workbook(rows: list[list[Any]], path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("居民")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def _cleanup(last_resident: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM people_resident_care_tags WHERE resident_id > %s", [last_resident])
        cursor.execute("DELETE FROM people_residencerecord WHERE resident_id > %s", [last_resident])
        cursor.execute("UPDATE people_household SET head_id = NULL WHERE head_id > %s", [last_resident])
        cursor.execute("DELETE FROM people_resident WHERE id > %s", [last_resident])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("people_resident", "people_residencerecord", "people_resident_care_tags"):
                cursor.execute(f"VACUUM ANALYZE {table}")


def _db_rows(rows: list[list[Any]], community_code: str) -> list[dict[str, Any]]:
    """The roster rows in database terms: household id, choice codes. Used by 2, 3 and 4."""
    from django.utils import translation

    from jiceng.people.models import Household

    households = {
        (e, b, u, r): (pk, area)
        for pk, area, e, b, u, r in Household.objects.filter(
            area_code__startswith=community_code
        ).values_list("pk", "area_code", "building__estate__name", "building__name", "unit", "room")
    }
    with translation.override("zh-hans"):
        political = {str(label): value for value, label in PoliticalStatus.choices}
        relation = {str(label): value for value, label in Relation.choices}
        status = {str(label): value for value, label in ResidenceStatus.choices}
    result = []
    for row in rows:
        household, area = households[(row[0], row[1], row[2], row[3])]
        result.append(
            {
                "household": household,
                "area_code": area,
                "name": row[5],
                "id_number": row[6],
                "phone": row[9] or "",
                "ethnicity": row[10],
                "political_status": political[row[11]],
                "relation_to_head": relation[row[12]],
                "residence_status": status[row[13]],
                "moved_in_on": row[14],
            }
        )
    return result


def _resource_class(areas: dict[int, str]) -> Any:
    from import_export import resources

    class ResidentResource(resources.ModelResource):
        """The minimum a ModelResource needs for this model: the derived columns (hashes, pinyin,
        birth date and gender from the ID number) that the pages and rosters also compute."""

        class Meta:
            model = Resident
            fields = (
                "id",
                "household",
                "name",
                "id_number",
                "phone",
                "ethnicity",
                "political_status",
                "relation_to_head",
                "residence_status",
                "moved_in_on",
            )

        def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            identity = check_identity(instance.id_number, instance.phone)
            instance.area_code = areas[instance.household_id]
            for name, value in identity.resident_fields().items():
                setattr(instance, name, value)
            instance.name_pinyin = pinyin.full_pinyin(instance.name)
            instance.name_initials = pinyin.initials(instance.name)

    return ResidentResource


def _import_export(
    db_rows: list[dict[str, Any]], use_bulk: bool, budget: float, chunk: int
) -> dict[str, Any]:
    """django-import-export in chunks of `chunk` rows, stopping after `budget` seconds."""
    import tablib

    areas = {r["household"]: r["area_code"] for r in db_rows}
    resource_class = _resource_class(areas)
    if use_bulk:
        resource_class._meta.use_bulk = True
    # The default import_id_fields is ["id"]: an empty id makes every row a new record.
    columns = list(resource_class._meta.fields)
    started = time.perf_counter()
    done = 0
    errors = 0
    while done < len(db_rows) and time.perf_counter() - started < budget:
        part = db_rows[done : done + chunk]
        dataset = tablib.Dataset(headers=columns)
        for r in part:
            dataset.append([r.get(c) for c in columns])
        result = resource_class().import_data(dataset, dry_run=False, raise_errors=True)
        errors += len(result.row_errors()) + len(result.invalid_rows)
        done += len(part)
    seconds = time.perf_counter() - started
    return {
        "rows": done,
        "seconds": round(seconds, 2),
        "rows_per_s": round(done / seconds, 1),
        "complete": done == len(db_rows),
        "estimated_seconds_all": round(seconds * len(db_rows) / done, 1),
        "errors": errors,
    }


def _copy(db_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Prepare database rows in Python (validation, encryption, hashes, pinyin), then COPY."""
    from django.utils import timezone

    from jiceng.demo.generator import RESIDENT_COLUMNS

    writer = RowWriter()
    first = writer.next_id(Resident)
    now = timezone.now()
    started = time.perf_counter()
    prepared = []
    for i, r in enumerate(db_rows):
        identity = check_identity(r["id_number"], r["phone"])
        prepared.append(
            (
                first + i,
                r["household"],
                r["area_code"],
                r["name"],
                pinyin.full_pinyin(r["name"]),
                pinyin.initials(r["name"]),
                identity.gender,
                identity.birth_date,
                crypto.encrypt(identity.id_number),
                identity.id_hash,
                identity.id_number[-4:],
                crypto.encrypt(identity.phone) if identity.phone else "",
                identity.phone_hash,
                identity.phone[-4:],
                mask_id_number(identity.id_number),
                mask_phone(identity.phone),
                r["ethnicity"],
                r["political_status"],
                r["relation_to_head"],
                r["residence_status"],
                r["moved_in_on"],
                "",
                now,
                now,
            )
        )
    prepare_seconds = time.perf_counter() - started
    copy_started = time.perf_counter()
    with transaction.atomic():
        writer.write(Resident, RESIDENT_COLUMNS, prepared)
        writer.reset_sequences(Resident)
    copy_seconds = time.perf_counter() - copy_started
    total = prepare_seconds + copy_seconds
    return {
        "rows": len(prepared),
        "seconds": round(copy_seconds, 2),
        "rows_per_s": round(len(prepared) / copy_seconds, 1),
        "prepare_seconds": round(prepare_seconds, 2),
        "prepare_and_copy_rows_per_s": round(len(prepared) / total, 1),
        "complete": True,
    }


def _rosters(user: Any, path: Path) -> dict[str, Any]:
    try:
        from jiceng.rosters.services import import_rows
    except ImportError as exc:  # the rosters import is another engineer's work in progress
        return {"missing": f"jiceng.rosters.services.import_rows: {exc}"}
    started = time.perf_counter()
    result = import_rows(user, "residents", path, label="bench")
    seconds = time.perf_counter() - started
    return {
        "rows": result.total_rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(result.total_rows / seconds, 1),
        "written": result.written,
        "created": result.created,
        "errors": len(result.errors),
        "first_errors": [e.as_dict(result.sheet) for e in result.errors[:5]],
        "complete": result.written,
    }


def run(
    user: Any,
    community_code: str,
    workdir: Path,
    count: int = 100_000,
    budget: float = 240.0,
    say: Callable[[str], Any] = print,
    save: Callable[[dict[str, Any]], Any] | None = None,
) -> dict[str, Any]:
    say(f"import: making {count:,} roster rows …")
    rows = make_rows(community_code, count)
    path = workdir / f"residents-{count}.xlsx"
    write_workbook(rows, path)
    say(f"import: wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    baseline = Resident.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    results: dict[str, Any] = {"rows": count, "file_bytes": path.stat().st_size}

    def attempt(name: str, step: Callable[[], dict[str, Any]]) -> None:
        try:
            results[name] = step()
        except Exception as exc:  # one importer failing must not lose the others' figures
            results[name] = {"failed": f"{type(exc).__name__}: {exc}"[:500]}
        say(f"  {results[name]}")
        _cleanup(baseline)
        if save:
            save(results)

    say("import: jiceng rosters …")
    attempt("rosters", lambda: _rosters(user, path))

    started = time.perf_counter()
    from python_calamine import CalamineWorkbook

    cells = (
        CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes())).get_sheet_by_name("居民").to_python()
    )
    db_rows = _db_rows([_typed(r) for r in cells[1:]], community_code)
    results["read_and_map_seconds"] = round(time.perf_counter() - started, 2)

    for name, bulk in (("import_export_default", False), ("import_export_bulk", True)):
        say(f"import: django-import-export use_bulk={bulk} (budget {budget:.0f} s) …")
        attempt(name, lambda bulk=bulk: _import_export(db_rows, use_bulk=bulk, budget=budget, chunk=10_000))

    say("import: PostgreSQL COPY …")
    attempt("copy", lambda: _copy(db_rows))
    path.unlink()
    return results


def _typed(row: list[Any]) -> list[Any]:
    """Calamine gives floats for numbers and datetimes for dates: back to the roster's types."""
    row = list(row) + [None] * (len(HEADERS) - len(row))
    row[2] = int(row[2])
    row[3] = str(row[3]).removesuffix(".0")
    if isinstance(row[14], datetime.datetime):
        row[14] = row[14].date()
    row[9] = str(row[9]).removesuffix(".0") if row[9] not in (None, "") else ""
    return row
