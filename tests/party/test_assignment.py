"""Assigning liaison households: the proposal (nearest first, loads balanced around the target,
within the grid unless asked), and the pages where the secretary reviews, confirms or discards it."""

import datetime

import pytest
from django.urls import reverse

from jiceng.party import assignment
from jiceng.party import services as party
from jiceng.party.models import (
    AssignmentProposal,
    LiaisonLink,
    LinkSource,
    Nearness,
    ProposalStatus,
)
from jiceng.territory.models import Building
from tests.conftest import World
from tests.party.factories import party_world
from tests.party.test_coverage_pages import add_households

GRID1, GRID2 = "370303005001001", "370303005001002"


def _place(building: int, unit: int = 1, number: int | None = None, estate: int = 1, grid: str = GRID1):
    return assignment.Place(building, unit, estate, building if number is None else number, grid)


# ---- the algorithm ----------------------------------------------------------------------------


def test_nearest_households_come_first():
    home = _place(1, unit=1)
    houses = [
        (10, _place(9)),  # same estate, far building
        (11, _place(3)),  # building 3: neighbouring building 1
        (12, _place(1, unit=2)),  # same building, other unit
        (13, _place(1, unit=1)),  # same unit
        (14, _place(20, estate=2)),  # another estate in the grid
    ]
    proposals = assignment.propose(houses, [assignment.Candidate(1, home, 0)], target=3)
    assert [(p.household_id, p.nearness) for p in proposals] == [
        (13, Nearness.SAME_UNIT),
        (12, Nearness.SAME_BUILDING),
        (11, Nearness.NEIGHBOURING_BUILDING),
    ]


def test_each_household_goes_to_its_nearest_member_when_loads_allow():
    houses = [(100, _place(1)), (101, _place(1, unit=2)), (102, _place(9)), (103, _place(9, unit=2))]
    members = [assignment.Candidate(1, _place(1), 0), assignment.Candidate(2, _place(9), 0)]
    proposals = assignment.propose(houses, members, target=10)
    by_member = {m: sorted(p.household_id for p in proposals if p.member_id == m) for m in (1, 2)}
    assert by_member == {1: [100, 101], 2: [102, 103]}


def test_loads_stay_balanced_and_stop_at_the_target():
    houses = [(i, _place(1 + i % 4, unit=1 + i % 2)) for i in range(11)]
    members = [assignment.Candidate(m, _place(m), 0) for m in (1, 2, 3)]
    proposals = assignment.propose(houses, members, target=10)
    loads = sorted(sum(1 for p in proposals if p.member_id == m) for m in (1, 2, 3))
    assert loads == [3, 4, 4] and len({p.household_id for p in proposals}) == 11
    # A target of 2: six households linked, five left for later.
    proposals = assignment.propose(houses, members, target=2)
    assert len(proposals) == 6
    assert all(sum(1 for p in proposals if p.member_id == m) == 2 for m in (1, 2, 3))


def test_members_at_their_target_take_no_more_and_the_least_loaded_go_first():
    houses = [(i, _place(1)) for i in range(4)]
    members = [
        assignment.Candidate(1, _place(1), 10),  # already at the target
        assignment.Candidate(2, _place(1), 7),
        assignment.Candidate(3, _place(1), 8),
    ]
    proposals = assignment.propose(houses, members, target=10)
    loads = {m: sum(1 for p in proposals if p.member_id == m) for m in (1, 2, 3)}
    assert loads == {1: 0, 2: 2, 3: 2}
    assert proposals[0].member_id == 2  # the lighter load chooses first


def test_a_member_living_elsewhere_serves_the_grid_after_neighbours():
    houses = [(1, _place(1)), (2, _place(2))]
    proposals = assignment.propose(houses, [assignment.Candidate(9, None, 0)], target=10)
    assert {p.nearness for p in proposals} == {Nearness.SAME_GRID}


def test_another_grids_member_ranks_every_household_as_across_grids():
    houses = [(1, _place(1)), (2, _place(2))]
    neighbour = assignment.Candidate(9, _place(1, grid=GRID2), 0)
    proposals = assignment.propose(houses, [neighbour], target=10)
    assert {p.nearness for p in proposals} == {Nearness.OTHER_GRID}


# ---- the service: within the grid unless asked -------------------------------------------------


@pytest.fixture
def grid1_work(world: World) -> World:
    """Grid 1 with five more uncovered households: four in 1号楼 unit 2, one in a far 9号楼."""
    party_world(world)
    add_households(world, world.building1, 4)
    far = Building.objects.create(
        grid=world.grid1, estate=world.estate, area_code=world.grid1.code, name="9号楼", units=1, floors=6
    )
    add_households(world, far, 1, start=4, unit=1)
    return world


def test_the_assignment_stays_in_the_grid_unless_asked(grid1_work: World):
    world = grid1_work
    p = party_world(world)
    actor = world.users["secretary"]
    proposal = party.propose_assignment(actor=actor, grid=world.grid1, target=3)
    # Only 张三 (load 1, target 3) serves grid 1: two of the six uncovered households.
    assert {link.member_id for link in proposal.links.all()} == {p.member1.pk}
    assert (proposal.uncovered_before, proposal.links.count(), proposal.left_uncovered) == (6, 2, 4)
    # His own unit first.
    assert proposal.links.order_by("nearness").first().nearness == Nearness.SAME_UNIT
    party.discard_proposal(actor=actor, proposal=proposal)
    crossing = party.propose_assignment(actor=actor, grid=world.grid1, target=3, cross_grid=True)
    members = {link.member_id for link in crossing.links.all()}
    assert members == {p.member1.pk, p.member2.pk}
    assert {link.nearness for link in crossing.links.filter(member=p.member2)} == {Nearness.OTHER_GRID}
    # The grid's other households never go to grid 2's household list.
    assert all(link.household.area_code == world.grid1.code for link in crossing.links.all())


def test_confirming_skips_households_linked_in_the_meantime(grid1_work: World):
    world = grid1_work
    p = party_world(world)
    actor = world.users["secretary"]
    proposal = party.propose_assignment(actor=actor, grid=world.grid1)
    proposed = list(proposal.links.all())
    assert len(proposed) == 6
    party.link_household(actor=actor, member=p.member2, household=proposed[0].household)
    linked, skipped = party.confirm_proposal(actor=actor, proposal=proposal)
    assert (linked, skipped) == (5, 1)
    assert LiaisonLink.objects.get(household=proposed[0].household, ended_on__isnull=True).member == p.member2
    assert LiaisonLink.objects.filter(source=LinkSource.ASSIGNMENT).count() == 5


# ---- the pages ---------------------------------------------------------------------------------


def test_the_form_proposes_with_a_default_target_of_ten(grid1_work: World):
    world = grid1_work
    client = world.client("secretary")
    url = reverse("party:assign", kwargs={"code": world.grid1.code})
    content = client.get(url).content.decode()
    assert 'value="10"' in content and "允许跨网格" in content
    assert "6户尚无联系党员" in content
    for bad in ("0", "51", "x"):
        response = client.post(url, {"target": bad})
        assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not AssignmentProposal.objects.exists()
    response = client.post(url, {"target": "10"})
    proposal = AssignmentProposal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "party:proposal", kwargs={"pk": proposal.pk}
    )
    assert (proposal.target, proposal.cross_grid, proposal.status) == (10, False, ProposalStatus.DRAFT)


def test_the_proposal_is_grouped_by_member_with_nearness_and_totals(grid1_work: World):
    world = grid1_work
    proposal = party.propose_assignment(actor=world.users["secretary"], grid=world.grid1)
    content = world.client("secretary").get(reverse("party:proposal", kwargs={"pk": proposal.pk})).content
    text = content.decode()
    assert text.count('data-testid="proposal-member"') == 1 and "张三" in text
    assert "现联系1户，拟新增6户" in text
    assert 'data-testid="proposal-before">6<' in text and 'data-testid="proposal-count">6<' in text
    assert 'data-testid="proposal-left">0<' in text
    assert "同单元" in text and "同楼栋" in text and "本网格" in text  # 9号楼 is far
    assert text.count('name="exclude"') == 6
    # The grid page lists the draft until it is decided.
    grid = world.client("secretary").get(reverse("party:grid", kwargs={"code": world.grid1.code}))
    assert reverse("party:proposal", kwargs={"pk": proposal.pk}) in grid.content.decode()


def test_confirming_links_all_but_the_excluded(grid1_work: World):
    world = grid1_work
    proposal = party.propose_assignment(actor=world.users["secretary"], grid=world.grid1)
    far = proposal.links.get(household__building__name="9号楼")
    client = world.client("secretary")
    url = reverse("party:proposal_confirm", kwargs={"pk": proposal.pk})
    response = client.post(url, {"exclude": [str(far.pk), "junk"]}, follow=True)
    text = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("party:grid", kwargs={"code": world.grid1.code})
    assert "新增联系户5户" in text
    assert not LiaisonLink.objects.filter(household=far.household).exists()
    assert 'data-testid="grid-share">85.7%<' in text  # 6 of the 7 occupied households
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED and proposal.decided_by == world.users["secretary"]
    # A confirmed proposal is shown without its form and cannot be confirmed again.
    page = client.get(reverse("party:proposal", kwargs={"pk": proposal.pk})).content.decode()
    assert 'name="exclude"' not in page and "已确认" in page
    again = client.post(url, follow=True)
    assert again.redirect_chain[-1][0] == reverse("party:proposal", kwargs={"pk": proposal.pk})
    assert "alert-danger" in again.content.decode()
    assert LiaisonLink.objects.filter(source=LinkSource.ASSIGNMENT).count() == 5


def test_the_confirmation_says_how_many_were_skipped(grid1_work: World):
    world = grid1_work
    p = party_world(world)
    proposal = party.propose_assignment(actor=world.users["secretary"], grid=world.grid1)
    first = proposal.links.first()
    party.link_household(actor=world.users["secretary"], member=p.member2, household=first.household)
    response = world.client("secretary").post(
        reverse("party:proposal_confirm", kwargs={"pk": proposal.pk}), follow=True
    )
    text = response.content.decode()
    assert "新增联系户5户" in text and "1户已在此期间由他人联系" in text


def test_discarding_links_nothing(grid1_work: World):
    world = grid1_work
    proposal = party.propose_assignment(actor=world.users["secretary"], grid=world.grid1)
    client = world.client("secretary")
    response = client.post(reverse("party:proposal_discard", kwargs={"pk": proposal.pk}), follow=True)
    assert "已放弃该分配方案" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISCARDED
    response = client.post(reverse("party:proposal_confirm", kwargs={"pk": proposal.pk}), follow=True)
    assert "alert-danger" in response.content.decode()
    assert not LiaisonLink.objects.filter(source=LinkSource.ASSIGNMENT).exists()


def test_grid_workers_and_residents_cannot_assign(grid1_work: World):
    world = grid1_work
    proposal = party.propose_assignment(actor=world.users["secretary"], grid=world.grid1)
    for persona in ("grid01", "resident", "member"):
        client = world.client(persona)
        assert client.get(reverse("party:proposal", kwargs={"pk": proposal.pk})).status_code == 404
        confirm = client.post(reverse("party:proposal_confirm", kwargs={"pk": proposal.pk}))
        assert confirm.status_code == 404
    assert (
        world.client("grid01")
        .post(reverse("party:assign", kwargs={"code": world.grid1.code}), {"target": "10"})
        .status_code
        == 403
    )
    assert (
        world.client("street").get(reverse("party:assign", kwargs={"code": world.grid1.code})).status_code
        == 403
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT


def test_a_proposal_for_an_empty_grid_says_so(world: World):
    party_world(world)
    actor = world.users["secretary"]
    party.link_household(actor=actor, member=party_world(world).member1, household=world.household1)
    proposal = party.propose_assignment(actor=actor, grid=world.grid1)
    text = world.client("secretary").get(reverse("party:proposal", kwargs={"pk": proposal.pk})).content
    assert "没有可分配的住户或党员" in text.decode()
    assert proposal.uncovered_before == 0 and proposal.created_at.date() <= datetime.date.today()
