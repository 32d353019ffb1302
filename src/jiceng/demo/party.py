"""The party chain of each demo community: 社区党委 → 网格党支部 → 党员中心户 → 党员 → 联系户.

Shaped on 世纪花园社区 (DOMAIN.md): a community party committee with a 5-year term, one branch per
grid, 7 functional branches and 6 interest groups, 15 central households of about 10 members
each, and every household the members can reach linked to a member (about 10 each) by the same
assignment algorithm the secretary uses (party/assignment.py).

The flagship community keeps 158 members on its own roll. Its source also gives grid branches of
20–30 members, which 158 cannot fill (10 × 20 > 158): the rest are in-service members
(在职党员) who live here, report to their grid branch (双报到) and keep their organisational
relation at work. Elsewhere members are about 5.5 % of residents (the Henan community), a
quarter of them in-service. Every member is a resident whose political status says so, so the
dashboard's counts and the party roll agree.

Rows are written like the people tables: prepared tuples with explicit keys through
`RowWriter`, so a district's ~58,000 members take seconds, not minutes.
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from jiceng.common import crypto
from jiceng.common.masking import mask_id_number, mask_phone
from jiceng.demo import population, shapes
from jiceng.demo.writer import RowWriter
from jiceng.party import assignment, rules
from jiceng.party.models import (
    CentralHousehold,
    CommitteeSeat,
    Education,
    LiaisonLink,
    LinkSource,
    Member,
    MemberCategory,
    MemberStatus,
    Organisation,
    OrgKind,
    OrgType,
    Position,
    Term,
)
from jiceng.territory.models import Area, Building

# The Henan community of DOMAIN.md: about 5.5 % of residents are members.
PARTY_SHARE = 0.055
IN_SERVICE_SHARE = 0.25  # of members, outside the flagship
PROBATIONARY_SHARE = 0.035  # of the roll: a year's intake of probationary members
LIAISON_TARGET = 10  # households per member (DOMAIN.md: each member about 10 households)
CENTRAL_MEMBERS = 10  # members around one central household
CENTRAL_PER_GRID = 1.5  # 世纪花园社区: 15 central households for 10 grids
GRID_BRANCH_CEILING = 40  # outside the flagship, functional branches take members above this

Person = population.Person
# The ID number's hash, tail and mask on the member record, where the model keeps them (they are
# being added beside the resident's; written only when the columns exist).
_ID_COLUMNS = tuple(
    c for c in ("id_hash", "id_tail", "id_mask") if c in {f.attname for f in Member._meta.concrete_fields}
)


def _is_retired(p: Person, today: datetime.date) -> bool:
    return p.age(today) >= (60 if p.male else 55)


def _working(p: Person, today: datetime.date) -> bool:
    return 25 <= p.age(today) <= 55


# (name, base size at 世纪花园社区, whom it gathers first: person, floating, today): 7 functional
# branches.
FUNCTIONAL: list[tuple[str, int, Callable[[Person, bool, datetime.date], bool]]] = [
    ("老干部党支部", 9, lambda p, floating, today: _is_retired(p, today) and p.age(today) >= 62),
    ("退役军人党支部", 5, lambda p, floating, today: "veteran" in p.tags),
    ("流动党员党支部", 4, lambda p, floating, today: floating),
    ("物业党支部", 5, lambda p, floating, today: _working(p, today)),
    ("非公企业联合党支部", 5, lambda p, floating, today: _working(p, today)),
    ("志愿服务党支部", 6, lambda p, floating, today: True),
    ("社会组织党支部", 4, lambda p, floating, today: True),
]
# (name, parent: a functional branch's name or a grid branch's index): 6 interest groups.
INTEREST_GROUPS: list[tuple[str, str | int]] = [
    ("书画党小组", "老干部党支部"),
    ("太极拳党小组", 0),
    ("合唱党小组", 1),
    ("读书党小组", "志愿服务党支部"),
    ("摄影党小组", 2),
    ("健步走党小组", 3),
]
OCCUPATIONS = ["企业职工", "个体经营", "社区工作者", "教师", "医务人员", "自由职业", "灵活就业", "待业"]
IN_SERVICE_OCCUPATIONS = ["机关干部", "事业单位职工", "国企职工", "教师", "医务人员", "银行职员", "公安干警"]
FLOATING_OCCUPATIONS = ["外卖骑手", "快递员", "网约车司机", "个体经营", "企业职工", "建筑工人"]


@dataclass(slots=True)
class _Draft:
    """A member being drafted: the resident and where they live."""

    person: Person
    resident_id: int
    household_id: int
    grid: int  # index of the home grid
    place: assignment.Place
    floating: bool
    in_service: bool
    member_id: int = 0
    org: int = 0  # organisation id
    status: str = MemberStatus.FULL
    central: int | None = None


@dataclass(slots=True)
class _Org:
    id: int
    name: str
    kind: str
    org_type: str
    area: Area
    parent: "_Org | None"
    sort_order: int
    founded_on: datetime.date
    path: str = ""
    members: list[_Draft] = field(default_factory=list)  # direct members
    children: list["_Org"] = field(default_factory=list)

    def subtree(self) -> list[_Draft]:
        return self.members + [m for c in self.children for m in c.subtree()]


@dataclass
class Tally:
    organisations: int = 0
    members: int = 0
    central_households: int = 0
    links: int = 0


def _closeness(keeper: _Draft, d: _Draft) -> tuple[bool, tuple[int, int], int]:
    """The keeper first, then members by how near they live (same unit, building, …)."""
    return d is not keeper, assignment.nearness(keeper.place, d.place), d.member_id


def _eighteenth(birth: datetime.date) -> datetime.date:
    try:
        return birth.replace(year=birth.year + 18)
    except ValueError:  # born on 29 February: 18 on 1 March
        return datetime.date(birth.year + 18, 3, 1)


@dataclass
class Selection:
    """Who the community's members are, decided before the residents are written."""

    in_service: set[int] = field(default_factory=set)  # id() of the in-service members' Person
    functional: dict[int, int] = field(default_factory=dict)  # id() of a Person → FUNCTIONAL index


def choose_members(
    rng: random.Random,
    plan: shapes.CommunityPlan,
    homes: Sequence[tuple[int, population.HouseholdDraft]],
    grid_of_building: Sequence[int],
    grids: int,
    today: datetime.date,
) -> Selection:
    """Set the political status of the community's members and place the roll's members in
    the functional branches; in-service members then fill each grid branch to its size."""
    everyone = [p for _, h in homes for p in h.members]
    total = round(PARTY_SHARE * len(everyone))
    roll = plan.party_roll or round(total * (1 - IN_SERVICE_SHARE))
    population.assign_politics(rng, everyone, today, roll, PROBATIONARY_SHARE)
    by_grid: list[list[Person]] = [[] for _ in range(grids)]
    floating: set[int] = set()
    for index, home in homes:
        by_grid[grid_of_building[index]].extend(home.members)
        if home.household_type == "floating":
            floating.update(id(p) for p in home.members)
    selection = Selection()
    sizes = _functional_sizes(plan, roll, grids, total - roll)
    # Functional branches take full members of the roll, round-robin over the grids (largest
    # first), those who fit the branch first, so no grid branch is emptied.
    full_by_grid = [
        rng.sample(g, len(g))
        for g in ([p for p in people if p.political == "party_member"] for people in by_grid)
    ]
    for branch, (size, (_name, _base, fits)) in enumerate(zip(sizes, FUNCTIONAL, strict=True)):
        taken = 0
        for test in (fits, lambda p, floating, today: True):
            while taken < size:
                before = taken
                for pool in sorted(full_by_grid, key=len, reverse=True):
                    pick = next((p for p in pool if test(p, id(p) in floating, today)), None)
                    if pick is not None and taken < size:
                        pool.remove(pick)
                        selection.functional[id(pick)] = branch
                        taken += 1
                if taken == before:
                    break
    party = ("party_member", "probationary")
    staying = [
        sum(p.political in party and id(p) not in selection.functional for p in people) for people in by_grid
    ]
    if plan.grid_branch:
        low, high = plan.grid_branch
        wanted = [max(0, rng.randint(low + 1, high - 1) - n) for n in staying]
    else:
        extra = total - roll
        sizes = [len(people) for people in by_grid]
        wanted = [extra * s // max(1, sum(sizes)) for s in sizes]
        for g in rng.sample(range(grids), extra - sum(wanted)):
            wanted[g] += 1
    for people, n in zip(by_grid, wanted, strict=True):
        pool = [
            p
            for p in people
            if p.political in ("masses", "league_member")
            and p.status == "living"
            and 25 <= p.age(today) <= 58
            and id(p) not in floating
        ]
        for p in rng.sample(pool, min(n, len(pool))):
            p.political = "party_member"
            selection.in_service.add(id(p))
    return selection


def _functional_sizes(plan: shapes.CommunityPlan, roll: int, grids: int, extra: int) -> list[int]:
    """Each functional branch's size: the flagship's figures scaled to the community (larger
    where grid branches would pass 40 members); at least 3, the least a branch may have
    (支部工作条例 第五条)."""
    base = sum(size for _, size, _ in FUNCTIONAL)
    factor = roll / shapes.FLAGSHIP_ROLL
    if not plan.grid_branch:
        factor = max(factor, (roll + extra - GRID_BRANCH_CEILING * grids) / base)
    return [max(rules.MIN_FULL_MEMBERS_FOR_BRANCH, round(size * factor)) for _, size, _ in FUNCTIONAL]


class PartyBuilder:
    """Writes the chain community after community with keys of its own, like the people rows."""

    def __init__(self, writer: RowWriter, seed: int, today: datetime.date, now: Any) -> None:
        self.writer = writer
        self.seed = seed
        self.today = today
        self.now = now
        self.next_org = writer.next_id(Organisation)
        self.next_term = writer.next_id(Term)
        self.next_member = writer.next_id(Member)
        self.next_central = writer.next_id(CentralHousehold)
        self.tally = Tally()

    def reset_sequences(self) -> None:
        self.writer.reset_sequences(Organisation, Term, CommitteeSeat, Member, CentralHousehold, LiaisonLink)

    def community(
        self,
        area: Area,
        grids: list[Area],
        plan: shapes.CommunityPlan,
        homes: Sequence[tuple[int, population.HouseholdDraft]],
        buildings: Sequence[Building],
        first_household: int,
        first_resident: int,
        selection: Selection,
    ) -> None:
        rng = random.Random(f"{self.seed}/{plan.code}/party")
        places = [
            assignment.Place(b.pk, 0, b.estate_id, assignment.building_number(b.name, b.pk), b.area_code)
            for b in buildings
        ]
        grid_index = {g.code: i for i, g in enumerate(grids)}
        houses: list[list[tuple[int, assignment.Place]]] = [[] for _ in grids]
        drafts: list[_Draft] = []
        hid, rid = first_household, first_resident
        for index, home in homes:
            b = places[index]
            place = assignment.Place(b.building_id, home.unit, b.estate_id, b.building_number, b.grid_code)
            g = grid_index[b.grid_code]
            houses[g].append((hid, place))
            for person in home.members:
                if person.political in ("party_member", "probationary"):
                    drafts.append(
                        _Draft(
                            person,
                            rid,
                            hid,
                            g,
                            place,
                            home.household_type == "floating",
                            id(person) in selection.in_service,
                            status=MemberStatus.PROBATIONARY
                            if person.political == "probationary"
                            else MemberStatus.FULL,
                        )
                    )
                rid += 1
            hid += 1
        for d in drafts:
            d.member_id = self.next_member
            self.next_member += 1
        self.selection = selection
        committee, branches = self._organisations(rng, area, grids, drafts)
        self._write_organisations(committee)
        centrals = self._central_households(rng, branches)
        self._write_members(rng, drafts)
        self._write_terms(rng, committee)
        self._write_links(houses, drafts)
        self.writer.write(
            CentralHousehold,
            (
                "id",
                "household_id",
                "keeper_id",
                "organisation_id",
                "area_code",
                "designated_on",
                "created_at",
            ),
            centrals,
        )
        self.tally.central_households += len(centrals)
        self.tally.members += len(drafts)

    # ---- organisations ---------------------------------------------------------------------

    def _org(self, name: str, kind: str, org_type: str, area: Area, parent: _Org | None, order: int) -> _Org:
        rng_year = (
            (2005, 2012) if parent is None else (2016, 2019) if org_type == OrgType.GRID else (2017, 2023)
        )
        year = random.Random(f"{self.seed}/{self.next_org}").randint(*rng_year)
        org = _Org(self.next_org, name, kind, org_type, area, parent, order, datetime.date(year, 7, 1))
        self.next_org += 1
        org.path = f"{parent.path if parent else '/'}{org.id}/"
        if parent is not None:
            parent.children.append(org)
        return org

    def _organisations(
        self,
        rng: random.Random,
        area: Area,
        grids: list[Area],
        drafts: list[_Draft],
    ) -> tuple[_Org, list[_Org]]:
        committee = self._org(f"中共{area.name}委员会", OrgKind.COMMITTEE, OrgType.COMMUNITY, area, None, 0)
        grid_branches = [
            self._org(f"{g.name}党支部", OrgKind.BRANCH, OrgType.GRID, g, committee, i)
            for i, g in enumerate(grids, start=1)
        ]
        functional = [
            self._org(name, OrgKind.BRANCH, OrgType.FUNCTIONAL, area, committee, 100 + i)
            for i, (name, _size, _who) in enumerate(FUNCTIONAL)
        ]
        for d in drafts:
            branch = self.selection.functional.get(id(d.person))
            (grid_branches[d.grid] if branch is None else functional[branch]).members.append(d)
        by_name = {o.name: o for o in functional}
        for order, (name, parent_key) in enumerate(INTEREST_GROUPS):
            parent = (
                by_name[parent_key]
                if isinstance(parent_key, str)
                else grid_branches[parent_key % len(grid_branches)]
            )
            group = self._org(name, OrgKind.GROUP, OrgType.INTEREST, parent.area, parent, 200 + order)
            # A handful of the branch's members; they still count for the branch (its subtree).
            n = min(len(parent.members), max(3, len(parent.members) // 4), 6)
            movers = rng.sample(parent.members, n)
            group.members = movers
            parent.members = [d for d in parent.members if d not in movers]
        for org in [committee, *committee.children]:
            for d in org.members:
                d.org = org.id
            for child in org.children:
                for d in child.members:
                    d.org = child.id
        return committee, grid_branches

    def _all(self, committee: _Org) -> list[_Org]:
        found = [committee]
        for child in committee.children:
            found += self._all(child)
        return found

    def _write_organisations(self, committee: _Org) -> None:
        now = self.now
        w = self.writer
        rows = [
            (
                o.id,
                o.name,
                o.kind,
                o.org_type,
                o.parent.id if o.parent else None,
                o.area.pk,
                o.area.code,
                o.path,
                o.path.count("/") - 2,
                w.date(o.founded_on),
                o.sort_order,
                True,
                now,
                now,
            )
            for o in self._all(committee)
        ]
        w.write(
            Organisation,
            (
                "id",
                "name",
                "kind",
                "org_type",
                "parent_id",
                "area_id",
                "area_code",
                "path",
                "depth",
                "founded_on",
                "sort_order",
                "active",
                "created_at",
                "updated_at",
            ),
            rows,
        )
        self.tally.organisations += len(rows)
        self._orgs = {o.id: o for o in self._all(committee)}

    # ---- central households, members, terms, links -----------------------------------------

    def _central_households(self, rng: random.Random, branches: list[_Org]) -> list[tuple[Any, ...]]:
        """About 1.5 central households a grid branch (世纪花园社区: 15 for 10), each kept by a
        full member of the roll and linking the 9–11 members who live nearest."""
        grids = len(branches)
        count = round(CENTRAL_PER_GRID * grids)
        per_branch = [count // grids + (i < count % grids) for i in range(grids)]
        rng.shuffle(per_branch)
        rows = []
        for branch, n in zip(branches, per_branch, strict=True):
            members = branch.subtree()
            keepers = sorted(
                (
                    d
                    for d in members
                    if d.status == MemberStatus.FULL
                    and not d.in_service
                    and d.person.status == "living"
                    and 40 <= d.person.age(self.today) <= 78
                ),
                key=lambda d: rng.random(),
            )
            households: set[int] = set()
            free = list(members)
            for keeper in keepers:
                if n == 0 or len(free) < 3:
                    break
                if keeper.household_id in households or keeper.central is not None:
                    continue
                households.add(keeper.household_id)
                n -= 1
                central_id = self.next_central
                self.next_central += 1
                near = sorted(free, key=partial(_closeness, keeper))
                for d in near[: CENTRAL_MEMBERS + rng.randint(-1, 1)]:
                    d.central = central_id
                free = [d for d in free if d.central is None]
                designated = self.today - datetime.timedelta(days=rng.randint(120, 3 * 365))
                rows.append(
                    (
                        central_id,
                        keeper.household_id,
                        keeper.member_id,
                        branch.id,
                        branch.area.code,
                        self.writer.date(max(designated, branch.founded_on)),
                        self.now,
                    )
                )
        return rows

    def _dates(self, rng: random.Random, d: _Draft) -> tuple[datetime.date, datetime.date | None]:
        """Joined at 18 or later; full a year (plus up to 3 months' approval) after joining;
        a probationary member joined within the last year (发展党员工作细则)."""
        born = d.person.birth
        eighteen = _eighteenth(born)
        today = self.today
        if d.status == MemberStatus.PROBATIONARY:
            joined = max(eighteen, today - datetime.timedelta(days=rng.randint(20, 350)))
            return min(joined, today), None
        latest = today - datetime.timedelta(days=365 + 92)
        age_at_joining = rng.triangular(18.2, 48, 24)
        joined = born + datetime.timedelta(days=int(age_at_joining * 365.2425))
        joined = max(eighteen, min(joined, latest))
        full = joined + datetime.timedelta(days=365 + rng.randint(1, 90))
        return joined, min(full, today)

    def _profile(self, rng: random.Random, d: _Draft) -> tuple[str, str, str]:
        age = d.person.age(self.today)
        if d.in_service:
            category = MemberCategory.IN_SERVICE
        elif d.floating:
            category = MemberCategory.FLOATING
        elif _is_retired(d.person, self.today):
            category = MemberCategory.RETIRED
        else:
            category = MemberCategory.REGISTERED
        if age >= 70:
            weights = [0.01, 0.08, 0.12, 0.39, 0.4]
        elif age >= 50:
            weights = [0.03, 0.22, 0.25, 0.35, 0.15]
        else:
            weights = [0.12, 0.5, 0.25, 0.11, 0.02]
        if d.in_service:
            weights = [weights[0] + 0.08, weights[1] + 0.1, *weights[2:]]
        education = rng.choices(
            [
                Education.POSTGRADUATE,
                Education.UNIVERSITY,
                Education.COLLEGE,
                Education.SECONDARY,
                Education.JUNIOR,
            ],
            weights,
        )[0]
        if category == MemberCategory.RETIRED:
            occupation = "离退休人员"
        elif d.in_service:
            occupation = rng.choice(IN_SERVICE_OCCUPATIONS)
        elif d.floating:
            occupation = rng.choice(FLOATING_OCCUPATIONS)
        else:
            occupation = rng.choice(OCCUPATIONS)
        return category, education, occupation

    def _write_members(self, rng: random.Random, drafts: list[_Draft]) -> None:
        w = self.writer
        now = self.now
        orgs = self._orgs
        rows = []
        for d in drafts:
            p = d.person
            joined, full = self._dates(rng, d)
            category, education, occupation = self._profile(rng, d)
            phone = p.phone
            identity = (
                (crypto.lookup_hash(p.id_number), p.id_number[-4:], mask_id_number(p.id_number))
                if _ID_COLUMNS
                else ()
            )
            rows.append(
                (
                    *identity,
                    d.member_id,
                    d.org,
                    orgs[d.org].area.code,
                    d.resident_id,
                    d.household_id,
                    d.place.grid_code,
                    p.name,
                    "M" if p.male else "F",
                    w.date(p.birth),
                    "",
                    crypto.encrypt(phone) if phone else "",
                    crypto.lookup_hash(phone) if phone else "",
                    mask_phone(phone),
                    w.date(joined),
                    w.date(full),
                    d.status,
                    category,
                    education,
                    occupation,
                    d.central,
                    True,
                    "",
                    now,
                    now,
                )
            )
        w.write(
            Member,
            (
                *_ID_COLUMNS,
                "id",
                "organisation_id",
                "area_code",
                "resident_id",
                "household_id",
                "home_area_code",
                "name",
                "gender",
                "birth_date",
                "residence_elsewhere",
                "phone",
                "phone_hash",
                "phone_mask",
                "joined_on",
                "full_on",
                "status",
                "category",
                "education",
                "occupation",
                "central_household_id",
                "active",
                "left_reason",
                "created_at",
                "updated_at",
            ),
            rows,
        )

    def _write_terms(self, rng: random.Random, committee: _Org) -> None:
        """A current term for the committee and every branch (groups have a leader, no term):
        a committee of 3–5 where there are 7 or more full members, otherwise a secretary and
        perhaps a deputy (支部工作条例 第十五条); community terms last 5 years, others 3."""
        today = self.today
        terms = []
        seats = []
        for org in self._all(committee):
            if org.kind == OrgKind.GROUP:
                continue
            members = org.subtree()
            full = [d for d in members if d.status == MemberStatus.FULL]
            if not full:
                continue
            if org.parent is None:
                # 村（社区）"两委" are elected together nationwide every 5 years (2021, 2026 …).
                year = today.year - (today.year - 2021) % 5
                elected = datetime.date(year, 4, rng.randint(1, 28))
                if elected > today:
                    elected = elected.replace(year=year - 5)
                positions = [
                    Position.SECRETARY,
                    Position.DEPUTY_SECRETARY,
                    Position.ORGANISATION,
                    Position.PROPAGANDA,
                    Position.DISCIPLINE,
                    Position.MEMBER,
                    Position.MEMBER,
                ]
                years = 5
            else:
                elected = today - datetime.timedelta(days=rng.randint(30, 3 * 365 - 30))
                elected = max(elected, org.founded_on)
                if len(full) >= rules.MIN_FULL_MEMBERS_FOR_COMMITTEE:
                    positions = [Position.SECRETARY, Position.ORGANISATION, Position.PROPAGANDA]
                    positions += rng.sample(
                        [Position.DEPUTY_SECRETARY, Position.DISCIPLINE], rng.randint(0, 2)
                    )
                else:
                    positions = [Position.SECRETARY] + (
                        [Position.DEPUTY_SECRETARY] if rng.random() < 0.3 else []
                    )
                years = 3
            # Seats go to full members on the roll in the prime of working life first.
            ranked = sorted(
                full,
                key=lambda d: (d.in_service, not 30 <= d.person.age(today) <= 62, rng.random()),
            )
            term_id = self.next_term
            self.next_term += 1
            terms.append(
                (
                    term_id,
                    org.id,
                    org.area.code,
                    self.writer.date(elected),
                    self.writer.date(rules.term_end(elected, years)),
                    self.now,
                )
            )
            seats += [(term_id, d.member_id, pos) for d, pos in zip(ranked, positions, strict=False)]
        self.writer.write(
            Term, ("id", "organisation_id", "area_code", "elected_on", "ends_on", "created_at"), terms
        )
        self.writer.write(CommitteeSeat, ("term_id", "member_id", "position"), seats)

    def _write_links(self, houses: list[list[tuple[int, assignment.Place]]], drafts: list[_Draft]) -> None:
        """Each grid's households to the members living there, about ten each, nearest first."""
        by_grid: dict[int, list[assignment.Candidate]] = defaultdict(list)
        for d in drafts:
            by_grid[d.grid].append(assignment.Candidate(d.member_id, d.place, 0))
        started = self.writer.date(self.today - datetime.timedelta(days=180))
        rows = []
        for g, grid_houses in enumerate(houses):
            for p in assignment.propose(grid_houses, by_grid[g], LIAISON_TARGET):
                rows.append(
                    (
                        p.member_id,
                        p.household_id,
                        grid_houses[0][1].grid_code,
                        LinkSource.ASSIGNMENT,
                        started,
                        self.now,
                    )
                )
        self.writer.write(
            LiaisonLink,
            ("member_id", "household_id", "area_code", "source", "started_on", "created_at"),
            rows,
        )
        self.tally.links += len(rows)
