"""The demo party chain: 世纪花园社区's figures, the national rules for every member and branch,
and liaison coverage as far as the members can reach."""

import datetime
import random
from collections import Counter
from typing import Any

import pytest
from django.db.models import Count

from jiceng.accounts.models import User
from jiceng.common import crypto
from jiceng.demo import party as demo_party
from jiceng.demo import population, shapes
from jiceng.demo.generator import generate
from jiceng.party import rules, services
from jiceng.party.models import (
    CentralHousehold,
    CommitteeSeat,
    LiaisonLink,
    Member,
    MemberCategory,
    MemberStatus,
    Organisation,
    OrgKind,
    OrgType,
    Position,
    Term,
)
from jiceng.party.queries import count_coverage
from jiceng.people.models import Resident
from jiceng.territory.models import Area, Level

TODAY = datetime.date(2026, 1, 1)
PARTY = ("party_member", "probationary")


@pytest.fixture
def tiny(db: Any) -> Any:
    return generate("tiny", seed=5, today=TODAY)


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _assert_members_are_the_party_residents() -> None:
    residents = {
        pk: (status, name, gender, birth, household, area, phone)
        for pk, status, name, gender, birth, household, area, phone in Resident.objects.filter(
            political_status__in=PARTY
        ).values_list(
            "pk", "political_status", "name", "gender", "birth_date", "household_id", "area_code", "phone"
        )
    }
    members = list(Member.objects.select_related("organisation"))
    assert len(members) == len(residents) > 0
    for m in members:
        status, name, gender, birth, household, area, phone = residents[m.resident_id]
        assert status == ("probationary" if m.status == MemberStatus.PROBATIONARY else "party_member")
        assert (m.name, m.gender, m.birth_date, m.household_id, m.home_area_code) == (
            name,
            gender,
            birth,
            household,
            area,
        )
        assert m.area_code == m.organisation.area_code
        assert m.phone == phone and m.phone_hash == (crypto.lookup_hash(phone) if phone else "")
        assert m.active and m.organisation.path.endswith(f"/{m.organisation_id}/")


def _assert_member_rules() -> None:
    for m in Member.objects.all():
        rules.check_member_dates(m.birth_date, m.joined_on, m.status, m.full_on)  # raises on a breach
        assert _age(m.birth_date, m.joined_on) >= 18
        assert m.joined_on <= TODAY
        if m.status == MemberStatus.FULL:
            assert m.full_on is not None and m.joined_on < m.full_on <= TODAY
            assert m.full_on - m.joined_on >= datetime.timedelta(days=365)
        else:
            assert m.full_on is None and TODAY - m.joined_on <= datetime.timedelta(days=366)


def _assert_chain() -> Organisation:
    community = Area.objects.get(level=Level.COMMUNITY)
    grids = list(Area.objects.filter(parent=community).order_by("code"))
    orgs = list(Organisation.objects.select_related("parent"))
    for org in orgs:  # the materialised path and depth agree with the parent links
        parent_path = org.parent.path if org.parent else "/"
        assert org.path == f"{parent_path}{org.pk}/" and org.depth == org.path.count("/") - 2
    committee = Organisation.objects.get(parent=None)
    assert (committee.kind, committee.org_type, committee.area_id) == (
        OrgKind.COMMITTEE,
        OrgType.COMMUNITY,
        community.pk,
    )
    grid_branches = Organisation.objects.filter(org_type=OrgType.GRID).order_by("area__code")
    assert [b.area_id for b in grid_branches] == [g.pk for g in grids]
    assert all(b.parent_id == committee.pk and b.kind == OrgKind.BRANCH for b in grid_branches)
    functional = Organisation.objects.filter(org_type=OrgType.FUNCTIONAL, kind=OrgKind.BRANCH)
    assert functional.count() == 7 and all(b.parent_id == committee.pk for b in functional)
    groups = Organisation.objects.filter(org_type=OrgType.INTEREST)
    assert groups.count() == 6
    assert all(g.kind == OrgKind.GROUP and g.parent.kind == OrgKind.BRANCH for g in groups)
    for org in orgs:
        members, full = services.member_counts(org)
        if org.kind == OrgKind.GROUP:
            assert members >= 3
            continue
        # 支部工作条例 第五条: 3 full members or more for every branch.
        assert full >= rules.MIN_FULL_MEMBERS_FOR_BRANCH, org
        assert not [f for f in services.setup_findings(org) if f.level == "error"], org
        term = Term.objects.get(organisation=org, ended_on__isnull=True)
        assert term.ends_on == rules.term_end(term.elected_on, org.term_years) and term.elected_on <= TODAY
        assert term.ends_on > TODAY
        seats = list(CommitteeSeat.objects.filter(term=term).select_related("member__organisation"))
        rules.check_committee(org.kind, full, [s.position for s in seats])  # raises on a breach
        assert all(s.member.organisation.path.startswith(org.path) for s in seats)
        assert all(s.member.status == MemberStatus.FULL for s in seats)
    assert committee.term_years == 5
    return committee


def _assert_coverage() -> None:
    """Every grid covered as far as its members reach: min(households, members × 10)."""
    community = Area.objects.get(level=Level.COMMUNITY)
    figures = count_coverage(community)
    pool = dict(Member.objects.values_list("home_area_code").annotate(n=Count("id")).order_by())
    assert len(figures.by_child) == 10
    for row in figures.by_child:
        expected = min(row["households"], pool.get(row["code"], 0) * demo_party.LIAISON_TARGET)
        assert row["covered"] == expected, row
    loads = Counter(LiaisonLink.objects.filter(ended_on__isnull=True).values_list("member_id", flat=True))
    assert max(loads.values()) <= demo_party.LIAISON_TARGET
    for link in LiaisonLink.objects.select_related("household", "member"):
        assert link.area_code == link.household.area_code == link.member.home_area_code
    households = LiaisonLink.objects.filter(ended_on__isnull=True).values("household_id")
    assert households.count() == households.distinct().count()


def _assert_central_households(expected: int | None) -> None:
    centrals = list(CentralHousehold.objects.select_related("keeper__organisation", "organisation"))
    if expected is not None:
        assert len(centrals) == expected
    assert centrals
    for central in centrals:
        keeper = central.keeper
        assert keeper.household_id == central.household_id and keeper.status == MemberStatus.FULL
        assert central.organisation.org_type == OrgType.GRID
        assert central.area_code == central.organisation.area_code
        linked = list(central.linked_members.select_related("organisation"))
        assert keeper in linked
        assert all(m.organisation.path.startswith(central.organisation.path) for m in linked)
        assert len(linked) <= demo_party.CENTRAL_MEMBERS + 1


def test_tiny_members_are_exactly_the_party_residents(tiny: Any) -> None:
    _assert_members_are_the_party_residents()
    assert tiny.party_members == Member.objects.count()
    assert Member.objects.exclude(category=MemberCategory.IN_SERVICE).count() == 30  # the tiny roll


def test_tiny_member_and_branch_rules_hold(tiny: Any) -> None:
    _assert_member_rules()
    _assert_chain()
    _assert_central_households(None)


def test_tiny_liaison_covers_every_household_the_members_can(tiny: Any) -> None:
    _assert_coverage()
    # The tiny grids have more member capacity than households: every household is covered.
    figures = count_coverage(Area.objects.get(level=Level.COMMUNITY))
    assert figures.covered == figures.households > 0


def test_demo_member_account_liaises_with_the_demo_resident(tiny: Any) -> None:
    member = User.objects.get(username="member01")
    record = Member.objects.get(resident=member.resident)
    links = LiaisonLink.objects.filter(member=record, ended_on__isnull=True)
    assert links.exists() and record.organisation.org_type == OrgType.GRID
    assert not CommitteeSeat.objects.filter(member=record).exists()
    resident = User.objects.get(username="resident01").resident
    assert links.filter(household_id=resident.household_id).exists()


def test_community_scale_reproduces_shiji_huayuan(db: Any) -> None:
    """世纪花园社区: 158 members on the roll, 10 grid branches of 20–30, 15 central households of
    about 10 members, 7 functional branches and 6 interest groups (one run, ~5 s)."""
    summary = generate("community", seed=2026, today=TODAY)
    _assert_members_are_the_party_residents()
    assert Member.objects.exclude(category=MemberCategory.IN_SERVICE).count() == 158
    assert summary.party_members == Member.objects.count()
    _assert_member_rules()
    committee = _assert_chain()
    for branch in Organisation.objects.filter(org_type=OrgType.GRID):
        members, _full = services.member_counts(branch)
        assert 20 <= members <= 30, (branch.name, members)
    assert services.member_counts(committee)[0] == Member.objects.count()
    secretary = services.secretary_of(committee)
    assert secretary is not None and secretary.category != MemberCategory.IN_SERVICE
    seats = CommitteeSeat.objects.filter(term__organisation=committee)
    assert seats.filter(position=Position.SECRETARY).count() == 1 and 5 <= seats.count() <= 7
    _assert_central_households(15)
    sizes = [c.linked_members.count() for c in CentralHousehold.objects.all()]
    assert sum(sizes) / len(sizes) >= 9
    _assert_coverage()
    # 400-odd households a grid, 20–30 members: coverage is the members' reach, not everyone.
    figures = count_coverage(Area.objects.get(level=Level.COMMUNITY))
    assert figures.covered == LiaisonLink.objects.count() == Member.objects.count() * 10
    assert figures.covered < figures.households
    probationary = Member.objects.filter(status=MemberStatus.PROBATIONARY).count()
    assert 1 <= probationary <= 15


def test_other_communities_have_about_5_5_percent_members() -> None:
    """Away from the flagship (street and district scales) members are about 5.5 % of residents,
    a quarter of them in-service; checked on the drafts, before anything is written."""
    rng = random.Random(3)
    plan = shapes.plan("district", random.Random("2026/plan")).communities[1]
    people = population.People(rng, TODAY, shapes.WUHAN_LOCAL_CODES)
    drafts = population.buildings(rng, plan)
    population.assign_grids(drafts, plan.grids)
    homes = list(population.households(people, drafts))
    selection = demo_party.choose_members(rng, plan, homes, [d.grid for d in drafts], plan.grids, TODAY)
    everyone = [p for _, h in homes for p in h.members]
    members = [p for p in everyone if p.political in PARTY]
    assert abs(len(members) / len(everyone) - 0.055) < 0.002
    assert abs(len(selection.in_service) / len(members) - demo_party.IN_SERVICE_SHARE) < 0.02
    assert all(p.age(TODAY) >= 18 for p in members)
    assert all(p.age(TODAY) >= 20 for p in members if p.political == "party_member")
    branches = Counter(selection.functional.values())
    assert len(branches) == len(demo_party.FUNCTIONAL)
    assert all(rules.MIN_FULL_MEMBERS_FOR_BRANCH <= n <= rules.BRANCH_SOFT_LIMIT for n in branches.values())
    # What the grid branches keep stays under the 50 a branch should normally have.
    in_grids = len(members) - len(selection.functional)
    assert in_grids / plan.grids <= rules.BRANCH_SOFT_LIMIT


def test_the_demo_community_has_five_sinking_units_and_in_service_hours(tiny: Any) -> None:
    from jiceng.units.models import InServiceRegistration, ServiceRecord, SinkingUnit, UnitPairing
    from jiceng.units.queries import Period, unit_figures

    assert SinkingUnit.objects.count() == 5
    assert UnitPairing.objects.filter(ended_on__isnull=True).count() == 5
    registrations = InServiceRegistration.objects.select_related("member")
    assert registrations.exists()
    assert all(r.member.category == MemberCategory.IN_SERVICE for r in registrations)
    street = User.objects.get(username="street")
    figures = unit_figures(street, Period(datetime.date(2000, 1, 1), datetime.date.today()))
    listed = {unit: f for unit, f in figures.items() if unit is not None}
    assert sum(f.hours for f in listed.values()) == sum(
        r.hours for r in ServiceRecord.objects.filter(registration__work_unit__isnull=False)
    )
    assert sum(f.registered for f in listed.values()) == registrations.filter(work_unit__isnull=False).count()


def test_the_demo_has_this_years_meetings_and_member01_is_called_to_the_next_one(tiny: Any) -> None:
    from django.utils import timezone

    from jiceng.meetings import compliance
    from jiceng.meetings.models import Meeting, Presence, Status
    from jiceng.notifications.models import Notification

    member01 = User.objects.get(username="member01")
    assert member01.resident_id is not None
    upcoming = Meeting.objects.get(title__contains="年度党员评议")
    assert upcoming.status == Status.SCHEDULED and upcoming.starts_at > timezone.now()
    assert upcoming.attendances.get(member__resident_id=member01.resident_id).presence == Presence.EXPECTED
    assert Notification.objects.filter(recipient=member01, title__contains=upcoming.title).exists()
    held = Meeting.objects.filter(status=Status.HELD)
    assert held.exists() and not held.filter(minutes="").exists()
    # Every held meeting's quorum figures agree with its attendance rows.
    for meeting in held.filter(meeting_type="general")[:20]:
        rows = list(meeting.attendances.all())
        assert meeting.voting_members == sum(a.voting for a in rows)
        assert meeting.present_voting == sum(a.voting and a.presence == Presence.PRESENT for a in rows)
    board = compliance.board(User.objects.get(username="secretary"), timezone.localdate())
    assert board and sum(r.year[0] for r in board) > 0


def test_the_demo_has_dues_school_development_and_transfers(tiny: Any) -> None:
    from django.utils import timezone

    from jiceng.development.models import Development
    from jiceng.dues import queries as dues
    from jiceng.party.models import Member
    from jiceng.training.models import Attendance
    from jiceng.transfers.models import Transfer

    today = timezone.localdate()
    member01 = Member.objects.get(resident=User.objects.get(username="member01").resident)
    summary = dues.member_year_summary(member01, today.year)
    assert summary["months_due"] > 0 and summary["arrears"] == []  # member01 is paid up
    assert Attendance.objects.exists() and Development.objects.exists()
    assert Transfer.objects.filter(direction="incoming").exists()
