"""Demo data: a community, a street or a whole district of realistic (fictitious) residents.

`generate(scale, seed)` writes the territory with the ORM and the people tables (households,
residents, residence records, care tags) and the party chain (party.py) as prepared rows
through `writer.RowWriter`, so a
district of about a million residents loads in minutes. The same seed gives the same data (the
encrypted columns differ byte for byte, as every Fernet token has a fresh IV, but decrypt alike).
One audit record is written for the whole generation, not one per object.
"""

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.common import crypto, pinyin
from jiceng.common.masking import mask_id_number, mask_phone
from jiceng.demo import appeals as demo_appeals
from jiceng.demo import meetings as demo_meetings
from jiceng.demo import orglife as demo_orglife
from jiceng.demo import party, population, shapes
from jiceng.demo import units as demo_units
from jiceng.demo.accounts import create_demo_accounts
from jiceng.demo.writer import RowWriter
from jiceng.people.models import CareTag, Household, ResidenceRecord, Resident
from jiceng.territory.models import Area, Building, Estate, Level

SCALES = ("community", "street", "district")
HIDDEN_SCALES = ("tiny",)  # a reduced community for tests

HOUSEHOLD_COLUMNS = (
    "id",
    "building_id",
    "area_code",
    "unit",
    "room",
    "household_type",
    "head_id",
    "created_at",
    "updated_at",
)
RESIDENT_COLUMNS = (
    "id",
    "household_id",
    "area_code",
    "name",
    "name_pinyin",
    "name_initials",
    "gender",
    "birth_date",
    "id_number",
    "id_hash",
    "id_tail",
    "phone",
    "phone_hash",
    "phone_tail",
    "id_mask",
    "phone_mask",
    "ethnicity",
    "political_status",
    "relation_to_head",
    "residence_status",
    "moved_in_on",
    "moved_out_to",
    "created_at",
    "updated_at",
)
RECORD_COLUMNS = (
    "resident_id",
    "household_id",
    "area_code",
    "moved_in_on",
    "destination",
    "note",
    "created_at",
)
TAG_COLUMNS = ("resident_id", "caretag_id")


class DemoError(Exception):
    pass


@dataclass
class Summary:
    scale: str
    seed: int
    communities: int = 0
    grids: int = 0
    estates: int = 0
    buildings: int = 0
    households: int = 0
    residents: int = 0
    party_members: int = 0
    seconds: float = 0.0

    def counts(self) -> str:
        return (
            f"{self.scale} (seed {self.seed}): {self.communities:,} communities, {self.grids:,} grids, "
            f"{self.estates:,} estates, {self.buildings:,} buildings, {self.households:,} households, "
            f"{self.residents:,} residents ({self.party_members:,} party members)"
        )

    def __str__(self) -> str:
        return f"{self.counts()} in {self.seconds:.1f} s"


def _reference_date() -> datetime.date:
    # Ages count from the start of this year, so a seed gives the same people all year.
    return datetime.date(timezone.localdate().year, 1, 1)


def generate(
    scale: str = "community",
    seed: int = 2026,
    progress: Callable[[str], Any] | None = None,
    today: datetime.date | None = None,
) -> Summary:
    """Write demo data of one scale into an empty territory; raises DemoError if it is there."""
    started = time.perf_counter()
    say = progress or (lambda _text: None)
    today = today or _reference_date()
    plan = shapes.plan(scale, random.Random(f"{seed}/plan"))
    if Area.objects.filter(code=plan.code).exists():
        raise DemoError(f"{plan.name} ({plan.code}) 已存在 / already exists")
    summary = Summary(scale, seed)
    with transaction.atomic():
        district, streets, communities = _areas(plan)
        builder = _Builder(plan, seed, today)
        for n, community_plan in enumerate(plan.communities, start=1):
            builder.community(communities[community_plan.code], community_plan, summary)
            summary.communities = n
            if n == len(plan.communities) or n % max(1, len(plan.communities) // 20) == 0:
                say(
                    f"[{n}/{len(plan.communities)}] {community_plan.name}: {summary.households:,} households, "
                    f"{summary.residents:,} residents ({time.perf_counter() - started:.1f} s)"
                )
        builder.writer.reset_sequences(Household, Resident, ResidenceRecord, Resident.care_tags.through)
        builder.party.reset_sequences()
        tally = builder.party.tally
        say(
            f"party chain: {tally.organisations:,} organisations, {tally.members:,} members, "
            f"{tally.central_households:,} central households, {tally.links:,} liaison links"
        )
        flagship = communities[plan.streets[0].communities[0].code]
        grids = list(Area.objects.filter(parent=flagship).order_by("code"))
        _outline(grids)
        accounts = {
            u.username: u
            for u in create_demo_accounts(
                district=district, street=streets[0], community=flagship, grids=grids
            )
        }
        units_tally = demo_units.build(
            street_admin=accounts["street"],
            secretary=accounts["secretary"],
            street=streets[0],
            community=flagship,
            seed=seed,
        )
        say(
            str(
                demo_meetings.build(
                    secretary=accounts["secretary"],
                    member_user=accounts["member01"],
                    today=timezone.localdate(),
                    seed=seed,
                )
            )
        )
        say(
            str(
                demo_orglife.build(
                    secretary=accounts["secretary"],
                    member_user=accounts["member01"],
                    community=flagship,
                    today=timezone.localdate(),
                    seed=seed,
                )
            )
        )
        say(
            str(
                demo_appeals.build(
                    staff=accounts["staff"],
                    resident_user=accounts["resident01"],
                    community=flagship,
                    seed=seed,
                )
            )
        )
        say(
            f"双报到: {units_tally.units} sinking units, {units_tally.registrations} in-service members "
            f"registered, {units_tally.records} service records ({units_tally.hours} hours)"
        )
        audit.record(
            None,
            Action.IMPORT,
            district,
            reason="demo data",
            object_repr=f"演示数据 demo data: {summary.counts()}"[:200],
        )
        say(f"committing ({time.perf_counter() - started:.1f} s) …")
    summary.seconds = time.perf_counter() - started
    say(f"done: {summary}")
    return summary


def _areas(plan: shapes.DistrictPlan) -> tuple[Area, list[Area], dict[str, Area]]:
    district = Area.objects.create(code=plan.code, name=plan.name, level=Level.DISTRICT)
    streets = Area.objects.bulk_create(
        [Area(code=s.code, name=s.name, level=Level.STREET, parent=district) for s in plan.streets]
    )
    by_street = {s.code: s for s in streets}
    communities = Area.objects.bulk_create(
        [
            Area(code=c.code, name=c.name, level=Level.COMMUNITY, parent=by_street[s.code])
            for s in plan.streets
            for c in s.communities
        ]
    )
    by_code = {c.code: c for c in communities}
    Area.objects.bulk_create(
        [
            Area(
                code=f"{c.code}{g:03d}",
                name=f"第{shapes.chinese_number(g)}网格",
                level=Level.GRID,
                parent=by_code[c.code],
            )
            for c in plan.communities
            for g in range(1, c.grids + 1)
        ],
        batch_size=2000,
    )
    return district, streets, by_code


def _outline(grids: list[Area]) -> None:
    """The demo community's grids as blocks of a street plan, five to a row, around the map's
    default centre (JICENG_MAP_CENTRE), so that grid pages and appeal maps have outlines."""
    from django.conf import settings

    lat0, lng0 = (float(x) for x in settings.MAP_CENTRE.split(","))
    width, height = 0.0045, 0.0035  # about 400 m by 390 m at this latitude
    for n, grid in enumerate(grids):
        row, col = divmod(n, 5)
        west, north = lng0 + (col - 2.5) * width, lat0 + (1 - row) * height
        east, south = west + width, north - height
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        grid.boundary = {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}
    Area.objects.bulk_update(grids, ["boundary"])


class _Builder:
    """Writes one community after another, sharing ID uniqueness and key counters."""

    def __init__(self, plan: shapes.DistrictPlan, seed: int, today: datetime.date) -> None:
        self.seed = seed
        self.today = today
        self.writer = RowWriter()
        self.people = population.People(random.Random(f"{seed}/people"), today, plan.local_codes)
        self.tags = dict(CareTag.objects.values_list("code", "pk"))
        self.next_household = self.writer.next_id(Household)
        self.next_resident = self.writer.next_id(Resident)
        self.now = self.writer.datetime(timezone.now())
        self.party = party.PartyBuilder(self.writer, seed, today, self.now)
        self._pinyin: dict[str, tuple[str, str]] = {}

    def _names(self, name: str) -> tuple[str, str]:
        keys = self._pinyin.get(name)
        if keys is None:
            keys = self._pinyin[name] = (pinyin.full_pinyin(name), pinyin.initials(name))
        return keys

    def community(self, area: Area, plan: shapes.CommunityPlan, summary: Summary) -> None:
        rng = random.Random(f"{self.seed}/{plan.code}")
        self.people.rng = rng
        drafts = population.buildings(rng, plan)
        population.assign_grids(drafts, plan.grids)
        grids = list(Area.objects.filter(parent=area).order_by("code"))
        estates = Estate.objects.bulk_create(
            [
                Estate(
                    community=area,
                    area_code=area.code,
                    name=e.name,
                    property_management=e.kind.management,
                    property_company=e.company,
                    has_owners_committee=e.kind.owners_committee,
                    has_competent_authority=e.kind.competent_authority,
                )
                for e in plan.estates
            ]
        )
        buildings = Building.objects.bulk_create(
            [
                Building(
                    grid=grids[d.grid],
                    estate=estates[d.estate],
                    area_code=grids[d.grid].code,
                    name=d.name,
                    units=d.units,
                    floors=d.floors,
                )
                for d in drafts
            ],
            batch_size=2000,
        )
        homes = list(population.households(self.people, drafts))
        everyone = [p for _, h in homes for p in h.members]
        selection = party.choose_members(
            random.Random(f"{self.seed}/{plan.code}/members"),
            plan,
            homes,
            [d.grid for d in drafts],
            len(grids),
            self.today,
        )
        first_household, first_resident = self.next_household, self.next_resident
        self._write(homes, buildings)
        members_before = self.party.tally.members
        self.party.community(area, grids, plan, homes, buildings, first_household, first_resident, selection)
        summary.grids += len(grids)
        summary.estates += len(estates)
        summary.buildings += len(buildings)
        summary.households += len(homes)
        summary.residents += len(everyone)
        summary.party_members += self.party.tally.members - members_before

    def _write(self, homes: list[tuple[int, population.HouseholdDraft]], buildings: list[Building]) -> None:
        w = self.writer
        now = self.now
        household_rows = []
        resident_rows = []
        record_rows = []
        tag_rows: list[tuple[int, int]] = []
        rid = self.next_resident
        hid = self.next_household
        for index, home in homes:
            building = buildings[index]
            area = building.area_code
            household_rows.append(
                (hid, building.pk, area, home.unit, home.room, home.household_type, rid, now, now)
            )
            for person in home.members:
                full, initials = self._names(person.name)
                number = person.id_number
                phone = person.phone
                moved_in = w.date(person.moved_in)
                resident_rows.append(
                    (
                        rid,
                        hid,
                        area,
                        person.name,
                        full,
                        initials,
                        "M" if person.male else "F",
                        w.date(person.birth),
                        crypto.encrypt(number),
                        crypto.lookup_hash(number),
                        number[-4:],
                        crypto.encrypt(phone) if phone else "",
                        crypto.lookup_hash(phone) if phone else "",
                        phone[-4:],
                        mask_id_number(number),
                        mask_phone(phone),
                        person.ethnicity,
                        person.political,
                        person.relation,
                        person.status,
                        moved_in,
                        "",
                        now,
                        now,
                    )
                )
                record_rows.append((rid, hid, area, moved_in, "", "", now))
                tag_rows.extend((rid, self.tags[code]) for code in person.tags if code in self.tags)
                rid += 1
            hid += 1
        w.write(Household, HOUSEHOLD_COLUMNS, household_rows)
        w.write(Resident, RESIDENT_COLUMNS, resident_rows)
        w.write(ResidenceRecord, RECORD_COLUMNS, record_rows)
        w.write(Resident.care_tags.through, TAG_COLUMNS, tag_rows)
        self.next_resident = rid
        self.next_household = hid
