"""Buildings, households and residents of one community, drawn from realistic proportions.

Figures are rough national and urban shares (2020 census, civil-affairs statistics): about
19 % of people are 60 or older and 17 % under 15; an urban household has about 2.6 people;
about 5.5 % of residents are party members (the Henan community of DOMAIN.md); 汉族 about
97 % in these two cities.
"""

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from jiceng.demo import idgen, shapes

# A household's make-up and its share of households.
COMPOSITIONS: list[tuple[str, float]] = [
    ("elder_alone", 0.07),  # 独居老人
    ("elder_couple", 0.14),  # 空巢老人
    ("single", 0.08),
    ("couple", 0.10),
    ("nuclear", 0.33),
    ("three_generations", 0.12),
    ("single_parent", 0.04),
    ("skip_generation", 0.02),  # grandparents with a grandchild whose parents work away: 留守儿童
    ("tenants", 0.06),
    ("floating_family", 0.04),
]
# Household type of settled households: 户籍户, 常住户 (registered elsewhere), 人户分离.
SETTLED_TYPES = [("registered", 0.78), ("resident", 0.14), ("registered_absent", 0.08)]

MINORITIES = [
    ("回族", 0.35),
    ("满族", 0.2),
    ("土家族", 0.15),
    ("蒙古族", 0.08),
    ("壮族", 0.07),
    ("苗族", 0.07),
    ("朝鲜族", 0.04),
    ("彝族", 0.04),
]
HAN_SHARE = 0.97
DEMOCRATIC_PARTY_SHARE = 0.002  # of adults over 35
LEAGUE_SHARE = 0.3  # of people aged 14–28


_ELDER_DECADES = [60, 70, 80, 90, 100]
_ELDER_WEIGHTS = [0.55, 0.3, 0.125, 0.024, 0.001]


@dataclass(slots=True)
class Person:
    name: str
    male: bool
    birth: datetime.date
    relation: str
    id_number: str = ""
    phone: str = ""
    ethnicity: str = "汉族"
    political: str = "masses"
    status: str = "living"
    moved_in: datetime.date | None = None
    tags: list[str] = field(default_factory=list)

    def age(self, today: datetime.date) -> int:
        return today.year - self.birth.year - ((today.month, today.day) < (self.birth.month, self.birth.day))


@dataclass(slots=True)
class HouseholdDraft:
    unit: int
    room: str
    household_type: str
    members: list[Person]


@dataclass(slots=True)
class BuildingDraft:
    estate: int  # index in the community plan's estates
    name: str
    units: int
    floors: int
    flats: list[tuple[int, str]]  # occupied (unit, room)
    grid: int = 0  # grid index, set by assign_grids


def _building_type(rng: random.Random, era: str) -> tuple[int, int, int]:
    types = shapes.BUILDING_TYPES[era]
    (floors, units, landing, _w) = rng.choices(types, [t[3] for t in types])[0]
    return rng.randint(*floors), rng.randint(*units), rng.randint(*landing)


def _flats(units: int, floors: int, landing: int) -> list[tuple[int, str]]:
    return [
        (u, f"{f}{p:02d}")
        for u in range(1, units + 1)
        for f in range(1, floors + 1)
        for p in range(1, landing + 1)
    ]


def buildings(rng: random.Random, community: shapes.CommunityPlan) -> list[BuildingDraft]:
    """Buildings estate by estate; flats occupied so the community has about its households."""
    layouts: list[tuple[int, int, int, int]] = []  # (estate index, floors, units, landing)
    fixed = any(e.buildings for e in community.estates)
    if fixed:
        for i, estate in enumerate(community.estates):
            layouts += [(i, *_building_type(rng, estate.kind.era)) for _ in range(estate.buildings)]
    else:
        weights = [rng.uniform(0.5, 1.5) for _ in community.estates]
        flats = 0
        while flats < community.households / 0.9:
            i = rng.choices(range(len(community.estates)), weights)[0]
            floors, units, landing = _building_type(rng, community.estates[i].kind.era)
            layouts.append((i, floors, units, landing))
            flats += floors * units * landing
    layouts.sort(key=lambda t: t[0])
    total_flats = sum(f * u * p for _, f, u, p in layouts)
    occupancy = min(0.97, community.households / total_flats)
    result: list[BuildingDraft] = []
    numbers = [0] * len(community.estates)
    for index, floors, units, landing in layouts:
        numbers[index] += 1
        occupied = [flat for flat in _flats(units, floors, landing) if rng.random() < occupancy]
        result.append(BuildingDraft(index, f"{numbers[index]}号楼", units, floors, occupied))
    return result


def assign_grids(drafts: list[BuildingDraft], grids: int) -> None:
    """Cut the buildings, in order, into `grids` runs of about equal households."""
    total = sum(len(b.flats) for b in drafts)
    running = 0
    for b in drafts:
        middle = running + len(b.flats) / 2
        b.grid = min(grids - 1, int(middle * grids / total)) if total else 0
        running += len(b.flats)


def _pick(rng: random.Random, table: list[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in table], [w for _, w in table])[0]


class People:
    """Draws the members of households for one district; ID numbers are unique across the run."""

    def __init__(self, rng: random.Random, today: datetime.date, local_codes: list[str]) -> None:
        self.rng = rng
        self.today = today
        self.local_codes = local_codes
        self.used_ids: set[str] = set()
        self._compositions = [k for k, _ in COMPOSITIONS]
        self._weights = [w for _, w in COMPOSITIONS]

    def birth(self, age: int) -> datetime.date:
        return self.today - datetime.timedelta(days=int((age + self.rng.random()) * 365.2425) + 1)

    def elder_age(self) -> int:
        # Decades of the elderly: 60s 55 %, 70s 30 %, 80s 12.5 %, 90s 2.4 %, 100 and over 0.1 %.
        decade = self.rng.choices(_ELDER_DECADES, _ELDER_WEIGHTS)[0]
        return decade + self.rng.randrange(10 if decade < 100 else 3)

    def person(self, surname: str, male: bool, age: int, relation: str) -> Person:
        return Person(surname + idgen.given_name(self.rng, male), male, self.birth(age), relation)

    def household(self, unit: int, room: str) -> HouseholdDraft:
        rng = self.rng
        kind = rng.choices(self._compositions, self._weights)[0]
        members = self._members(kind)
        floating = kind in ("tenants", "floating_family")
        household_type = "floating" if floating else _pick(rng, SETTLED_TYPES)
        self._finish(members, household_type, kind)
        return HouseholdDraft(unit, room, household_type, members)

    def _members(self, kind: str) -> list[Person]:
        rng = self.rng
        family = idgen.surname(rng)
        if kind == "elder_alone":
            male = rng.random() < 0.35
            return [self.person(family if male else idgen.surname(rng), male, self.elder_age(), "head")]
        if kind == "elder_couple":
            age = self.elder_age()
            wife = max(58, age - rng.randint(0, 5))
            return [
                self.person(family, True, age, "head"),
                self.person(idgen.surname(rng), False, wife, "spouse"),
            ]
        if kind == "single":
            male = rng.random() < 0.55
            return [self.person(idgen.surname(rng), male, rng.randint(20, 59), "head")]
        if kind in ("couple", "nuclear", "three_generations", "floating_family"):
            if kind == "couple":
                age = rng.choice([rng.randint(22, 38), rng.randint(45, 59)])
            elif kind == "floating_family":
                age = rng.randint(25, 45)
            else:
                age = rng.randint(27, 52)
            members = [
                self.person(family, True, age, "head"),
                self.person(idgen.surname(rng), False, max(20, age - rng.randint(-2, 5)), "spouse"),
            ]
            if kind != "couple":
                for _ in range(1 if rng.random() < 0.6 else 2):
                    members.append(
                        self.person(family, rng.random() < 0.52, max(0, age - rng.randint(22, 34)), "child")
                    )
            if kind == "three_generations":
                grand = min(95, age + rng.randint(24, 33))
                members.append(self.person(family, True, grand, "parent"))
                if rng.random() < 0.6:
                    members.append(
                        self.person(idgen.surname(rng), False, grand - rng.randint(0, 4), "parent")
                    )
            return members
        if kind == "single_parent":
            male = rng.random() < 0.25
            age = rng.randint(28, 50)
            parent = self.person(family if male else idgen.surname(rng), male, age, "head")
            child = self.person(
                parent.name[0], rng.random() < 0.52, max(0, age - rng.randint(22, 34)), "child"
            )
            return [parent, child]
        if kind == "skip_generation":
            age = rng.randint(55, 75)
            members = [self.person(family, True, age, "head")]
            if rng.random() < 0.7:
                members.append(self.person(idgen.surname(rng), False, age - rng.randint(0, 4), "spouse"))
            members.append(self.person(family, rng.random() < 0.52, rng.randint(3, 15), "grandchild"))
            return members
        # tenants: one to three unrelated adults sharing a rented flat
        return [
            self.person(
                idgen.surname(rng), rng.random() < 0.55, rng.randint(20, 45), "head" if i == 0 else "tenant"
            )
            for i in range(rng.choice([1, 1, 2, 2, 3]))
        ]

    def _finish(self, members: list[Person], household_type: str, kind: str) -> None:
        rng = self.rng
        today = self.today
        if household_type == "floating":
            moved_in = today - datetime.timedelta(days=rng.randint(30, 3 * 365))
        else:
            moved_in = today - datetime.timedelta(days=rng.randint(180, 28 * 365))
        base = "汉族" if rng.random() < HAN_SHARE else _pick(rng, MINORITIES)
        for person in members:
            age = person.age(today)
            if household_type == "floating":
                area = rng.choice(shapes.MIGRANT_CODES)
            elif household_type == "resident":
                area = rng.choice(self.local_codes[3:] + shapes.MIGRANT_CODES[:4])
            else:
                area = rng.choice(self.local_codes)
            while True:
                number = idgen.id_number(rng, area, person.birth, person.male)
                if number not in self.used_ids:
                    break
            self.used_ids.add(number)
            person.id_number = number
            person.ethnicity = (
                base
                if rng.random() < 0.95
                else ("汉族" if rng.random() < HAN_SHARE else _pick(rng, MINORITIES))
            )
            if age >= 15 and rng.random() < (0.6 if age < 18 else 0.98 if age < 75 else 0.7):
                person.phone = idgen.mobile(rng)
            person.moved_in = max(moved_in, person.birth)
            if household_type == "registered_absent" or (18 <= age <= 45 and rng.random() < 0.02):
                person.status = "away"
            self._tags(person, age, kind)
        if rng.random() < 0.012:  # 低保户: the whole household receives the allowance
            for person in members:
                person.tags.append("minimum_allowance")
        if rng.random() < 0.02:
            members[0].tags.append("in_difficulty")

    def _tags(self, person: Person, age: int, kind: str) -> None:
        rng = self.rng
        if kind == "elder_alone":
            person.tags.append("elderly_alone")
        if kind == "skip_generation" and person.relation == "grandchild" and age < 16:
            person.tags.append("left_behind_child")
        if rng.random() < (0.04 if age >= 60 else 0.012):
            person.tags.append("disabled")
        if person.male and age >= 25 and rng.random() < (0.07 if age >= 40 else 0.03):
            person.tags.append("veteran")
        if age >= 18 and rng.random() < 0.004:
            person.tags.append("key_concern")


def assign_politics(
    rng: random.Random, people: list[Person], today: datetime.date, members: int, probationary_share: float
) -> None:
    """`members` party members drawn from adults with more weight on older people, a share of
    them probationary; league and democratic-party members as in the population."""
    adults: list[tuple[float, Person]] = []
    for person in people:
        age = person.age(today)
        if age >= 18:
            weight = 0.5 if age < 30 else 1.0 if age < 60 else 1.6
            # Efraimidis–Spirakis keys: the k largest are a weighted sample without replacement.
            adults.append((rng.random() ** (1 / weight), person))
        if 14 <= age <= 28 and rng.random() < LEAGUE_SHARE:
            person.political = "league_member"
    adults.sort(key=lambda t: t[0], reverse=True)
    chosen = [person for _, person in adults[:members]]
    # A full member has served a year's probation, so anyone under 20 is still probationary.
    young = [p for p in chosen if p.age(today) < 20]
    older = [p for p in chosen if p.age(today) >= 20]
    probationary = young + rng.sample(older, max(0, round(probationary_share * members) - len(young)))
    for person in chosen:
        person.political = "party_member"
    for person in probationary:
        person.political = "probationary"
    for _, person in adults[members:]:
        if person.age(today) > 35 and rng.random() < DEMOCRATIC_PARTY_SHARE:
            person.political = "democratic_party"


def households(people: People, drafts: list[BuildingDraft]) -> Iterator[tuple[int, HouseholdDraft]]:
    """Every occupied flat's household, with the index of its building."""
    for index, building in enumerate(drafts):
        for unit, room in building.flats:
            yield index, people.household(unit, room)
