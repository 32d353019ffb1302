"""The residents roster: one row per person with their address; households are created as needed."""

import datetime
import random
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiceng.audit.models import Action
from jiceng.audit.services import Entry
from jiceng.common import bulk, pinyin
from jiceng.demo.idgen import id_number as example_id_number
from jiceng.people.models import (
    CURRENT_STATUSES,
    CareTag,
    Gender,
    Household,
    HouseholdType,
    PoliticalStatus,
    Relation,
    ResidenceRecord,
    ResidenceStatus,
    Resident,
)
from jiceng.people.validation import check_identity
from jiceng.rosters.base import Column, Plan, Roster, Row, Sheet
from jiceng.rosters.places import BuildingLookup, address, address_columns

# SQLite allows 32,766 host parameters a statement: stay well below (PostgreSQL takes one array).
HASH_CHUNK = 5000

# The Resident fields that follow from the ID and phone numbers (Identity.resident_fields).
IDENTITY_FIELDS = (
    "id_number",
    "id_hash",
    "id_tail",
    "id_mask",
    "birth_date",
    "gender",
    "phone",
    "phone_hash",
    "phone_tail",
    "phone_mask",
)
# The Resident fields of the rows `write` builds, in their order: the first four also make the
# residence record and the head of the household.
RESIDENT_FIELDS = (
    "household_id",
    "area_code",
    "moved_in_on",
    "relation_to_head",
    "name",
    "name_pinyin",
    "name_initials",
    "ethnicity",
    "political_status",
    "residence_status",
    *IDENTITY_FIELDS,
)
AUDITED_FIELDS = (
    "name",
    "id_number",
    "phone",
    "ethnicity",
    "political_status",
    "relation_to_head",
    "residence_status",
    "moved_in_on",
    "care_tags",
)


def _example_id() -> str:
    return example_id_number(random.Random(0), "370303", datetime.date(1980, 5, 17), True)


class ResidentRoster(Roster):
    kind = "residents"
    sheet_title = _l("居民")
    export_purpose = _l("导出居民个人信息须说明用途")
    columns = (
        *address_columns(room_example="101"),
        Column(
            "household_type",
            _l("户类型"),
            kind="choice",
            choices=HouseholdType,
            example=str(HouseholdType.REGISTERED.label),
            hint=_l("新登记的住户使用此类型；已登记的住户不变"),
        ),
        Column("name", _l("姓名"), required=True, max_length=50, example="张三", width=10),
        Column("id_number", _l("身份证号码"), kind="id", required=True, width=22),
        Column(
            "gender",
            _l("性别"),
            kind="choice",
            choices=Gender,
            dropdown=False,
            width=8,
            hint=_l("可不填：按身份证号码确定；填写时须与身份证号码一致"),
        ),
        Column("birth_date", _l("出生日期"), kind="date", hint=_l("可不填；填写时须与身份证号码一致")),
        Column("phone", _l("联系电话"), max_length=20, example="13812345678"),
        Column("ethnicity", _l("民族"), max_length=20, example="汉族", width=8),
        Column(
            "political_status",
            _l("政治面貌"),
            kind="choice",
            choices=PoliticalStatus,
            example=str(PoliticalStatus.MASSES.label),
        ),
        Column(
            "relation_to_head",
            _l("与户主关系"),
            kind="choice",
            choices=Relation,
            required=True,
            example=str(Relation.HEAD.label),
        ),
        Column(
            "residence_status",
            _l("居住状态"),
            kind="choice",
            choices=ResidenceStatus,
            allowed=tuple(CURRENT_STATUSES),
            example=str(ResidenceStatus.LIVING.label),
        ),
        Column("moved_in_on", _l("入住日期"), kind="date"),
        Column(
            "care_tags",
            _l("关爱标签"),
            kind="tags",
            width=20,
            hint=_l("填写标签名称，多个标签用顿号或逗号分隔，如：独居老人、低保户"),
        ),
    )

    def example_rows(self) -> Iterable[list[Any]]:
        values = {c.key: c.example for c in self.columns}
        values["id_number"] = _example_id()
        values["birth_date"] = None
        yield [values[c.key] for c in self.columns]

    def check(self, user: Any, sheet: Sheet, rows: list[Row], plan: Plan) -> None:
        def fail(row: Row, key: str, message: str) -> None:
            plan.errors.append(self.error(sheet, row.number, key, message))

        places = BuildingLookup(user, {r.values["estate"] for r in rows})
        tags = {}
        for tag in CareTag.objects.filter(active=True):
            tags[tag.name] = tags[tag.code] = tag
        identities: dict[int, Any] = {}
        for row in rows:
            v = row.values
            try:
                identities[row.number] = check_identity(
                    v["id_number"], v["phone"] or "", v["birth_date"], v["gender"]
                )
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    fail(row, key, messages[0])
        hashes = [i.id_hash for i in identities.values()]
        current = Resident.objects.filter(residence_status__in=CURRENT_STATUSES)
        taken: set[str] = set()
        if connection.vendor == "postgresql":
            taken.update(current.filter(id_hash__any_of=hashes).values_list("id_hash", flat=True))
        else:
            for start in range(0, len(hashes), HASH_CHUNK):
                chunk = hashes[start : start + HASH_CHUNK]
                taken.update(current.filter(id_hash__in=chunk).values_list("id_hash", flat=True))
        building_ids = places.building_ids()
        existing: dict[tuple[int, int, str], tuple[int, int | None]] = {
            (b, u, r): (pk, head)
            for pk, b, u, r, head in Household.objects.filter(building_id__in=building_ids).values_list(
                "pk", "building_id", "unit", "room", "head_id"
            )
        }
        plan.extra["households"] = {k: pk for k, (pk, _head) in existing.items()}

        first_row_of_id: dict[str, int] = {}
        head_row: dict[tuple[int, int, str], int] = {}
        failed = {e.row for e in plan.errors}
        for row in rows:
            v = row.values
            before = len(plan.errors)
            building, key, message = places.find(v["estate"], v["building"], v["unit"])
            if building is None:
                fail(row, key, message)
            identity = identities.get(row.number)
            if identity is not None:
                if identity.id_hash in first_row_of_id:
                    fail(
                        row,
                        "id_number",
                        _("与第%(row)d行的身份证号码重复") % {"row": first_row_of_id[identity.id_hash]},
                    )
                elif identity.id_hash in taken:
                    fail(row, "id_number", _("该身份证号码已登记在本系统的其他住户中"))
            unknown = [t for t in v["care_tags"] or () if t not in tags]
            if unknown:
                fail(row, "care_tags", _("没有这个关爱标签：%(names)s") % {"names": "、".join(unknown)})
            place = (building.pk, v["unit"], v["room"]) if building else None
            is_head = v["relation_to_head"] == Relation.HEAD
            if place and is_head:
                if existing.get(place, (0, None))[1] is not None:
                    fail(row, "relation_to_head", _("该户已登记户主"))
                elif place in head_row:
                    fail(
                        row,
                        "relation_to_head",
                        _("同一户只能有一位户主，第%(row)d行已填写户主") % {"row": head_row[place]},
                    )
            if len(plan.errors) > before or row.number in failed or identity is None or building is None:
                continue
            # Only a row that passes claims its ID number and the head of its household.
            first_row_of_id[identity.id_hash] = row.number
            if place and is_head:
                head_row[place] = row.number
            v["_building"] = building
            v["_identity"] = identity
            v["_tags"] = [tags[t] for t in v["care_tags"] or ()]
            plan.rows.append(row)

    def write(self, user: Any, plan: Plan) -> tuple[dict[str, int], list[Entry]]:
        households: dict[tuple[int, int, str], int] = plan.extra["households"]
        new_households: dict[tuple[int, int, str], Household] = {}
        for row in plan.rows:
            v = row.values
            building = v["_building"]
            place = (building.pk, v["unit"], v["room"])
            if place not in households and place not in new_households:
                new_households[place] = Household(
                    building=building,
                    area_code=building.area_code,
                    unit=v["unit"],
                    room=v["room"],
                    household_type=v["household_type"] or HouseholdType.REGISTERED,
                )
        bulk.insert(Household, list(new_households.values()))
        households = households | {k: h.pk for k, h in new_households.items()}

        # Plain rows, not Resident instances: at 100,000 rows building the instances and reading
        # their fields back costs more than the database takes to store them.
        spelled: dict[str, tuple[str, str]] = {}
        residents = []
        for row in plan.rows:
            v = row.values
            building, identity = v["_building"], v["_identity"]
            name = v["name"]
            if name not in spelled:
                spelled[name] = pinyin.keys(name)
            # Clear numbers here: EncryptedCharField encrypts them on the way in.
            derived = identity.resident_fields()
            residents.append(
                (
                    households[(building.pk, v["unit"], v["room"])],
                    building.area_code,
                    v["moved_in_on"],
                    v["relation_to_head"],
                    name,
                    *spelled[name],
                    v["ethnicity"] or "汉族",
                    v["political_status"] or PoliticalStatus.MASSES.value,
                    v["residence_status"] or ResidenceStatus.LIVING.value,
                    *(derived[k] for k in IDENTITY_FIELDS),
                )
            )
        keys = bulk.insert_rows(Resident, RESIDENT_FIELDS, residents)
        bulk.insert_rows(
            ResidenceRecord,
            ("resident_id", "household_id", "area_code", "moved_in_on"),
            ((key, *r[:3]) for key, r in zip(keys, residents, strict=True)),
            count=len(keys),
        )
        bulk.insert_rows(
            Resident.care_tags.through,
            ("resident_id", "caretag_id"),
            [(key, tag.pk) for key, row in zip(keys, plan.rows, strict=True) for tag in row.values["_tags"]],
        )
        heads = [(key, r[0]) for key, r in zip(keys, residents, strict=True) if r[3] == Relation.HEAD]
        if heads:
            table = connection.ops.quote_name(Household._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET head_id = %s WHERE id = %s", heads)

        entries = [
            Entry(
                Action.CREATE,
                object_type="people.household",
                object_id=str(h.pk),
                object_repr=address(h.building, h.unit, h.room),
                fields=("building", "unit", "room", "household_type"),
            )
            for h in new_households.values()
        ]
        entries += [
            Entry(
                Action.CREATE,
                object_type="people.resident",
                object_id=str(key),
                object_repr=r[4],
                fields=AUDITED_FIELDS,
            )
            for key, r in zip(keys, residents, strict=True)
        ]
        return {"households": len(new_households), "residents": len(residents)}, entries
