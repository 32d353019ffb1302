"""A party chain on top of the shared `world` (tests/conftest.py), built once per world.

- 世纪花园社区党委 (community) → 第一网格党支部 (grid 1), 第二网格党支部 (grid 2);
- 张三 (resident 1, the `member` persona's resident) is a full member of grid 1's branch and its
  secretary; 王五 lives in grid 2 (building 2, unit 2, room 202) and is a member of grid 2's branch;
- 王五 liaises with 李四's household (household 2: the `resident` persona's), 张三 with a
  neighbour in building 1 (unit 1, room 102, 赵六);
- 王五's household is grid 2's central household.
"""

import datetime
import random
from dataclasses import dataclass

from jiceng.demo.idgen import mobile
from jiceng.party import services as party
from jiceng.party.models import (
    CentralHousehold,
    LiaisonLink,
    Member,
    MemberStatus,
    Organisation,
    OrgKind,
    OrgType,
    Position,
)
from jiceng.people import services as people
from jiceng.people.models import Household, Resident
from tests.conftest import World, make_id


@dataclass
class PartyWorld:
    committee: Organisation
    branch1: Organisation
    branch2: Organisation
    member1: Member  # 张三, grid 1
    member2: Member  # 王五, grid 2
    household3: Household  # 王五's, grid 2
    household4: Household  # 赵六's, grid 1
    resident3: Resident  # 王五
    resident4: Resident  # 赵六
    link1: LiaisonLink  # 张三 → 赵六's household
    link2: LiaisonLink  # 王五 → 李四's household
    central2: CentralHousehold  # 王五's household


def party_world(w: World) -> PartyWorld:
    cached = getattr(w, "_party", None)
    if cached is not None:
        return cached
    actor = w.users["secretary"]
    committee = party.create_organisation(
        actor=actor,
        name="世纪花园社区党委",
        kind=OrgKind.COMMITTEE,
        org_type=OrgType.COMMUNITY,
        area=w.community,
    )
    branch1 = party.create_organisation(
        actor=actor,
        name="第一网格党支部",
        kind=OrgKind.BRANCH,
        org_type=OrgType.GRID,
        area=w.grid1,
        parent=committee,
    )
    branch2 = party.create_organisation(
        actor=actor,
        name="第二网格党支部",
        kind=OrgKind.BRANCH,
        org_type=OrgType.GRID,
        area=w.grid2,
        parent=committee,
    )
    household3 = Household.objects.create(building=w.building2, area_code=w.grid2.code, unit=2, room="202")
    household4 = Household.objects.create(building=w.building1, area_code=w.grid1.code, unit=1, room="102")
    resident3 = people.register_resident(
        actor=actor,
        household=household3,
        name="王五",
        id_number=make_id(seed=3, birth=datetime.date(1965, 7, 1)),
        phone=mobile(random.Random(3)),
        relation_to_head="head",
    )
    resident4 = people.register_resident(
        actor=actor,
        household=household4,
        name="赵六",
        id_number=make_id(seed=4, male=False, birth=datetime.date(1950, 3, 9)),
        relation_to_head="head",
    )
    member1 = party.register_member(
        actor=actor,
        organisation=branch1,
        resident=w.resident1,
        joined_on=datetime.date(2005, 7, 1),
        full_on=datetime.date(2006, 7, 1),
        status=MemberStatus.FULL,
    )
    member2 = party.register_member(
        actor=actor,
        organisation=branch2,
        resident=resident3,
        joined_on=datetime.date(1990, 7, 1),
        full_on=datetime.date(1991, 7, 1),
        status=MemberStatus.FULL,
        category="retired",
    )
    party.elect_committee(
        actor=actor,
        organisation=branch1,
        elected_on=datetime.date(2024, 3, 1),
        seats=[(member1, Position.SECRETARY)],
    )
    link1 = party.link_household(actor=actor, member=member1, household=household4)
    link2 = party.link_household(actor=actor, member=member2, household=w.household2)
    central2 = party.designate_central_household(
        actor=actor, keeper=member2, designated_on=datetime.date(2025, 1, 1)
    )
    result = PartyWorld(
        committee,
        branch1,
        branch2,
        member1,
        member2,
        household3,
        household4,
        resident3,
        resident4,
        link1,
        link2,
        central2,
    )
    w._party = result  # type: ignore[attr-defined]
    return result
