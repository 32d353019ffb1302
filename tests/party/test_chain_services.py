"""The chain's services: organisations, members, committees, central households, liaison —
and who sees what of it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jiceng.accounts.models import RoleBinding, User
from jiceng.accounts.roles import Perm, Role
from jiceng.accounts.scope import has_perm
from jiceng.audit.models import AuditEvent
from jiceng.party import queries
from jiceng.party import services as party
from jiceng.party.models import LiaisonLink, Member, MemberStatus, OrgKind, OrgType, Position, Term
from jiceng.people import services as people
from jiceng.people.models import Household, PoliticalStatus, Resident
from tests.conftest import World, make_id
from tests.party.factories import party_world

JOINED = datetime.date(2010, 7, 1)


def test_the_factory_builds_a_covered_chain(world: World):
    p = party_world(world)
    assert p.branch1.path.startswith(p.committee.path) and p.branch1.depth == 1
    assert Resident.objects.get(pk=world.resident1.pk).political_status == PoliticalStatus.PARTY_MEMBER
    figures = queries.coverage(world.community)
    # Four occupied households (张三, 李四, 王五, 赵六); 李四's and 赵六's have a liaison member.
    assert (figures.households, figures.covered) == (4, 2)
    assert figures.members == 2 and figures.members_without_household == 0
    assert [row["covered"] for row in figures.by_child] == [1, 1]


def test_organisations_are_placed_by_kind_and_territory(world: World):
    p = party_world(world)
    actor = world.users["secretary"]
    with pytest.raises(ValidationError) as exc:  # a committee cannot sit under a branch
        party.create_organisation(
            actor=actor,
            name="x",
            kind=OrgKind.COMMITTEE,
            org_type=OrgType.COMMUNITY,
            area=world.community,
            parent=p.branch1,
        )
    assert "kind" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # one grid branch per grid
        party.create_organisation(
            actor=actor,
            name="又一个",
            kind=OrgKind.BRANCH,
            org_type=OrgType.GRID,
            area=world.grid1,
            parent=p.committee,
        )
    assert "第一网格" in exc.value.message_dict["area"][0]
    with pytest.raises(ValidationError):  # a grid branch sits on a grid
        party.create_organisation(
            actor=actor,
            name="x",
            kind=OrgKind.BRANCH,
            org_type=OrgType.GRID,
            area=world.community,
            parent=p.committee,
        )
    group = party.create_organisation(
        actor=actor,
        name="书画趣缘党小组",
        kind=OrgKind.GROUP,
        org_type=OrgType.INTEREST,
        area=world.grid1,
        parent=p.branch1,
    )
    assert group.path == f"{p.branch1.path}{group.pk}/" and group.term_years == 3
    assert p.committee.term_years == 5


def test_a_grid_worker_cannot_create_organisations(world: World):
    with pytest.raises(PermissionDenied):
        party.create_organisation(
            actor=world.users["grid01"],
            name="x",
            kind=OrgKind.COMMITTEE,
            org_type=OrgType.COMMUNITY,
            area=world.community,
        )


def _full_members(w: World, org, n: int) -> list[Member]:
    actor = w.users["secretary"]
    return [
        party.register_member(
            actor=actor,
            organisation=org,
            name=f"党员{i}",
            gender="M",
            birth_date=datetime.date(1970, 1, 1),
            residence_elsewhere="淄博市张店区某小区",
            joined_on=JOINED,
            full_on=JOINED.replace(year=2011),
            status=MemberStatus.FULL,
        )
        for i in range(n)
    ]


def test_an_election_ends_the_current_term_and_follows_the_committee_rule(world: World):
    p = party_world(world)
    actor = world.users["secretary"]
    others = _full_members(world, p.branch1, 5)  # with 张三: 6 full members
    with pytest.raises(ValidationError) as exc:
        party.elect_committee(
            actor=actor,
            organisation=p.branch1,
            elected_on=datetime.date(2026, 3, 1),
            seats=[
                (p.member1, Position.SECRETARY),
                (others[0], Position.DEPUTY_SECRETARY),
                (others[1], Position.MEMBER),
            ],
        )
    assert "不足7名" in exc.value.message_dict["seats"][0]
    others += _full_members(world, p.branch1, 1)
    term = party.elect_committee(
        actor=actor,
        organisation=p.branch1,
        elected_on=datetime.date(2026, 3, 1),
        seats=[
            (p.member1, Position.SECRETARY),
            (others[0], Position.DEPUTY_SECRETARY),
            (others[1], Position.MEMBER),
        ],
    )
    assert term.ends_on == datetime.date(2029, 3, 1)
    assert Term.objects.filter(organisation=p.branch1).count() == 2
    assert Term.objects.get(organisation=p.branch1, ended_on__isnull=False).ended_on == datetime.date(
        2026, 3, 1
    )
    assert party.secretary_of(p.branch1) == p.member1
    with pytest.raises(ValidationError):  # 王五 belongs to grid 2's branch
        party.elect_committee(
            actor=actor,
            organisation=p.branch1,
            elected_on=datetime.date(2026, 4, 1),
            seats=[(p.member2, Position.SECRETARY)],
        )


def test_registering_a_resident_as_a_member(world: World):
    p = party_world(world)
    actor = world.users["secretary"]
    with pytest.raises(ValidationError) as exc:  # already on the roll
        party.register_member(
            actor=actor,
            organisation=p.branch1,
            resident=world.resident1,
            joined_on=JOINED,
            status=MemberStatus.PROBATIONARY,
        )
    assert "resident" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # 李四 was born in 1990: 17 in 2007
        party.register_member(
            actor=actor,
            organisation=p.branch2,
            resident=world.resident2,
            joined_on=datetime.date(2007, 7, 1),
            status=MemberStatus.PROBATIONARY,
        )
    assert "18" in exc.value.message_dict["joined_on"][0]
    member = party.register_member(
        actor=actor,
        organisation=p.branch2,
        resident=world.resident2,
        joined_on=datetime.date(2025, 7, 1),
        status=MemberStatus.PROBATIONARY,
    )
    assert (member.name, member.household_id, member.home_area_code) == (
        "李四",
        world.household2.pk,
        world.grid2.code,
    )
    assert member.phone_mask.startswith(member.phone[:3]) and "****" in member.phone_mask
    assert Resident.objects.get(pk=world.resident2.pk).political_status == PoliticalStatus.PROBATIONARY
    assert AuditEvent.objects.filter(object_type="party.member", object_id=str(member.pk)).exists()


def test_a_member_living_elsewhere_needs_where_they_live(world: World):
    p = party_world(world)
    with pytest.raises(ValidationError) as exc:
        party.register_member(
            actor=world.users["secretary"],
            organisation=p.branch1,
            name="钱七",
            gender="F",
            birth_date=datetime.date(1980, 1, 1),
            joined_on=JOINED,
            full_on=datetime.date(2011, 7, 1),
            status=MemberStatus.FULL,
        )
    assert "residence_elsewhere" in exc.value.message_dict


def test_ending_membership_ends_the_liaison_links(world: World):
    p = party_world(world)
    party.end_membership(
        actor=world.users["secretary"], member=p.member2, on=datetime.date(2026, 11, 1), reason="转出"
    )
    assert not LiaisonLink.objects.filter(member=p.member2, ended_on__isnull=True).exists()
    assert queries.coverage(world.grid2).covered == 0
    with pytest.raises(ValidationError):
        party.link_household(actor=world.users["secretary"], member=p.member2, household=world.household1)


def test_a_household_has_one_liaison_member_unless_replaced(world: World):
    p = party_world(world)
    actor = world.users["secretary"]
    with pytest.raises(ValidationError) as exc:
        party.link_household(actor=actor, member=p.member1, household=world.household2)
    assert "王五" in exc.value.message_dict["household"][0]
    link = party.link_household(actor=actor, member=p.member1, household=world.household2, replace=True)
    assert LiaisonLink.objects.get(pk=p.link2.pk).ended_on is not None
    assert queries.liaison_of(world.household2) == link


def test_central_households_link_members_of_the_branch(world: World):
    p = party_world(world)
    actor = world.users["secretary"]
    with pytest.raises(ValidationError):  # already a central household
        party.designate_central_household(
            actor=actor, keeper=p.member2, designated_on=datetime.date(2026, 1, 1)
        )
    with pytest.raises(ValidationError):  # 张三 is in grid 1's branch
        party.attach_members(actor=actor, central=p.central2, members=[p.member1])
    assert party.attach_members(actor=actor, central=p.central2, members=[p.member2]) == 1


def test_moving_house_moves_the_members_home(world: World):
    p = party_world(world)
    people.move_resident(
        actor=world.users["secretary"],
        resident=p.resident3,
        household=p.household4,
        on=datetime.date(2026, 10, 1),
    )
    member = Member.objects.get(pk=p.member2.pk)
    assert (member.household_id, member.home_area_code) == (p.household4.pk, world.grid1.code)


# ---- who sees what ---------------------------------------------------------------------------


def _member_user(w: World, resident: Resident, username: str) -> User:
    user = User.objects.create(username=username, resident=resident)
    RoleBinding.objects.create(user=user, role=Role.PARTY_MEMBER, area=w.community)
    return user


def test_a_branch_secretary_sees_their_branch_and_below(world: World):
    p = party_world(world)
    secretary = world.users["member"]  # 张三 is the secretary of grid 1's branch
    visible = set(Member.objects.visible_to(secretary).values_list("name", flat=True))
    assert visible == {"张三"}
    _full_members(world, p.branch1, 1)
    assert set(
        Member.objects.visible_to(User.objects.get(pk=secretary.pk)).values_list("name", flat=True)
    ) == {"张三", "党员0"}
    assert has_perm(secretary, Perm.PARTY_CHANGE, p.member1)
    assert not has_perm(secretary, Perm.PARTY_CHANGE, p.member2)


def test_a_member_sees_their_own_record_and_their_liaison_households(world: World):
    p = party_world(world)
    wang = _member_user(world, p.resident3, "wangwu")
    assert list(Member.objects.visible_to(wang)) == [p.member2]
    households = set(Household.objects.visible_to(wang).values_list("pk", flat=True))
    assert households == {p.household3.pk, world.household2.pk}  # their own and 李四's
    assert not has_perm(wang, Perm.PARTY_CHANGE, p.member2)


def test_residents_and_grid_workers_see_the_right_members(world: World):
    p = party_world(world)
    assert list(Member.objects.visible_to(world.users["resident"])) == []
    assert list(Member.objects.visible_to(world.users["grid01"])) == [p.member1]
    assert set(Member.objects.visible_to(world.users["street"])) == {p.member1, p.member2}
    assert list(Member.objects.visible_to(world.users["sysadmin"])) == []


def test_a_new_resident_is_not_a_member(world: World):
    party_world(world)
    newcomer = people.register_resident(
        actor=world.users["secretary"],
        household=world.household1,
        name="孙八",
        id_number=make_id(seed=9, birth=datetime.date(2001, 1, 1)),
        relation_to_head="child",
    )
    assert not Member.objects.filter(resident=newcomer).exists()
    assert queries.coverage(world.grid1).households == 2


def test_coverage_figures_stay_live_at_every_level(world: World):
    p = party_world(world)
    assert queries.coverage(world.street).covered == 2  # counted and kept in the cache
    party.link_household(actor=world.users["secretary"], member=p.member2, household=p.household3)
    assert queries.coverage(world.street).covered == 3
    assert queries.coverage(world.district).covered == 3
    people.end_residence(
        actor=world.users["secretary"],
        resident=world.resident2,
        on=datetime.date(2026, 11, 1),
        destination="济南",
    )
    street = queries.coverage(world.street)
    assert (street.households, street.covered) == (3, 2)  # 李四's household is empty now


def test_a_branch_secretary_sees_their_branchs_terms_and_central_households(world: World):
    from jiceng.party.models import CentralHousehold

    p = party_world(world)
    party.designate_central_household(
        actor=world.users["secretary"], keeper=p.member1, designated_on=datetime.date(2025, 1, 1)
    )
    secretary = world.users["member"]  # 张三, secretary of grid 1's branch
    assert list(CentralHousehold.objects.visible_to(secretary).values_list("keeper__name", flat=True)) == [
        "张三"
    ]
    assert list(Term.objects.visible_to(secretary).values_list("organisation__name", flat=True)) == [
        "第一网格党支部"
    ]


def test_a_member_living_elsewhere_is_known_by_their_id_number(world: World):
    p = party_world(world)
    number = make_id(seed=11, male=False, birth=datetime.date(1978, 4, 2), area="370102")
    fields = {
        "actor": world.users["secretary"],
        "organisation": p.branch1,
        "name": "钱七",
        "id_number": number,
        "residence_elsewhere": "济南市历下区",
        "joined_on": JOINED,
        "full_on": datetime.date(2011, 7, 1),
        "status": MemberStatus.FULL,
    }
    member = party.register_member(**fields)  # gender and birth date come from the ID number
    assert (member.gender, member.birth_date, member.id_tail) == ("F", datetime.date(1978, 4, 2), number[-4:])
    with pytest.raises(ValidationError) as exc:
        party.register_member(**fields | {"organisation": p.branch2})
    assert "id_number" in exc.value.message_dict
    assert Member.objects.get(pk=p.member1.pk).id_hash == world.resident1.id_hash


def test_the_chains_figures_follow_every_change(world: World):
    p = party_world(world)
    actor = world.users["secretary"]
    before = queries.subtree_figures([p.committee])[p.committee.pk]
    assert (before.members, before.central_households, before.liaison_households) == (2, 1, 2)
    group = party.create_organisation(
        actor=actor,
        name="合唱党小组",
        kind=OrgKind.GROUP,
        org_type=OrgType.INTEREST,
        area=world.grid1,
        parent=p.branch1,
    )
    _full_members(world, group, 2)
    party.link_household(actor=actor, member=p.member1, household=p.household3)
    party.designate_central_household(actor=actor, keeper=p.member1, designated_on=datetime.date(2026, 1, 1))
    after = queries.subtree_figures([p.committee, p.branch1, group])
    assert (after[p.committee.pk].members, after[p.committee.pk].liaison_households) == (4, 3)
    assert (after[p.branch1.pk].members, after[p.branch1.pk].central_households) == (3, 1)
    assert after[group.pk].full_members == 2
