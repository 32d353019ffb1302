"""The party chain's JSON API: the same services, rules and scope as the pages, behind a token."""

import datetime
import json
from typing import Any

from django.test import Client

from jiceng.accounts.models import ApiToken, RoleBinding, User
from jiceng.accounts.roles import Role
from jiceng.audit.models import AuditEvent
from jiceng.party import queries
from jiceng.party import services as party
from jiceng.party.models import LiaisonLink, Member, MemberStatus, Organisation, ProposalStatus
from jiceng.people.models import PoliticalStatus, Resident
from tests.conftest import World
from tests.party.factories import PartyWorld, party_world

API = "/api/v1/party"


class Api:
    """A client acting as one user through a bearer token."""

    def __init__(self, user: User) -> None:
        _row, token = ApiToken.issue(user, "test")
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, **self.headers)

    def send(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.generic(
            method, API + path, json.dumps(body or {}), content_type="application/json", **self.headers
        )

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.send("POST", path, body)

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.send("PATCH", path, body)


def _names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["items"])


def _member_user(w: World, resident: Resident, username: str) -> User:
    user = User.objects.create(username=username, resident=resident)
    RoleBinding.objects.create(user=user, role=Role.PARTY_MEMBER, area=w.community)
    return user


# ---- organisations ---------------------------------------------------------------------------


def test_the_secretary_creates_an_organisation_through_the_service(world: World):
    p = party_world(world)
    api = Api(world.users["secretary"])
    response = api.post(
        "/organisations",
        {
            "name": "书画趣缘党小组",
            "kind": "group",
            "org_type": "interest",
            "area": world.grid1.code,
            "parent_id": p.branch1.pk,
            "founded_on": "2025-05-04",
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    group = Organisation.objects.get(pk=data["id"])
    assert (data["parent_id"], data["area_code"], data["depth"]) == (p.branch1.pk, world.grid1.code, 2)
    assert group.path == f"{p.branch1.path}{group.pk}/"
    assert AuditEvent.objects.filter(object_id=str(group.pk), action="create").exists()
    response = api.patch(f"/organisations/{group.pk}", {"name": "书画党小组", "sort_order": 3})
    assert response.status_code == 200
    group.refresh_from_db()
    assert (group.name, group.sort_order, group.founded_on) == ("书画党小组", 3, datetime.date(2025, 5, 4))


def test_rule_errors_come_back_as_422_keyed_by_field(world: World):
    p = party_world(world)
    api = Api(world.users["secretary"])
    base = {"name": "x", "parent_id": p.committee.pk}
    # A grid branch sits on a grid, not on the community.
    response = api.post(
        "/organisations", {**base, "kind": "branch", "org_type": "grid", "area": world.community.code}
    )
    assert response.status_code == 422
    assert response.json()["errors"]["area"] == ["网格党支部应为党支部，并对应一个网格"]
    # A committee cannot sit below a committee.
    response = api.post(
        "/organisations", {**base, "kind": "committee", "org_type": "community", "area": world.community.code}
    )
    assert response.status_code == 422 and "kind" in response.json()["errors"]
    # A value outside the choices is the user's error too, not a server error.
    response = api.post(
        "/organisations", {**base, "kind": "cell", "org_type": "grid", "area": world.grid1.code}
    )
    assert response.status_code == 422 and list(response.json()["errors"]) == ["kind"]
    # Withdrawing an organisation that still has members.
    response = api.patch(f"/organisations/{p.branch1.pk}", {"active": False})
    assert response.status_code == 422 and "active" in response.json()["errors"]
    assert Organisation.objects.get(pk=p.branch1.pk).active


def test_an_organisation_shows_its_findings_term_and_next_election(world: World):
    p = party_world(world)
    data = Api(world.users["secretary"]).get(f"/organisations/{p.branch1.pk}").json()
    # 张三 is the branch's only full member: below the three a branch needs.
    assert (data["members"], data["full_members"], data["term_years"]) == (1, 1, 3)
    assert [f["level"] for f in data["findings"]] == ["error"]
    assert data["current_term"]["elected_on"] == "2024-03-01"
    assert data["current_term"]["seats"] == [
        {"member_id": p.member1.pk, "member_name": "张三", "position": "secretary"}
    ]
    assert data["next_election_due"] == "2027-03-01"
    assert data["election_overdue"] is False
    committee = Api(world.users["secretary"]).get(f"/organisations/{p.committee.pk}").json()
    assert committee["current_term"] is None and committee["next_election_due"] is None
    assert committee["members"] == 2 and committee["term_years"] == 5


def test_electing_a_committee_records_a_new_term(world: World):
    p = party_world(world)
    api = Api(world.users["secretary"])
    path = f"/organisations/{p.branch1.pk}/terms"
    seats = [{"member_id": p.member1.pk, "position": "secretary"}]
    response = api.post(path, {"elected_on": "2023-01-01", "seats": seats})
    assert response.status_code == 422  # before the current term's election
    assert "elected_on" in response.json()["errors"]
    response = api.post(
        path, {"elected_on": "2026-03-01", "seats": [*seats, {**seats[0], "position": "member"}]}
    )
    assert response.status_code == 422 and "seats" in response.json()["errors"]
    response = api.post(path, {"elected_on": "2026-03-01", "seats": [{**seats[0], "position": "king"}]})
    assert response.status_code == 422 and "seats" in response.json()["errors"]
    response = api.post(path, {"elected_on": "2026-03-01", "seats": seats})
    assert response.status_code == 201, response.content
    assert response.json()["ends_on"] == "2029-03-01"
    assert party.current_term(p.branch1).elected_on == datetime.date(2026, 3, 1)


def test_a_branch_secretary_cannot_seat_a_member_of_another_branch(world: World):
    p = party_world(world)
    api = Api(world.users["member"])  # 张三, secretary of grid 1's branch
    response = api.post(
        f"/organisations/{p.branch1.pk}/terms",
        {"elected_on": "2026-03-01", "seats": [{"member_id": p.member2.pk, "position": "secretary"}]},
    )
    assert response.status_code == 404  # 王五 is grid 2's: not in 张三's scope


def test_the_chain_and_its_children_carry_subtree_figures(world: World):
    p = party_world(world)
    api = Api(world.users["secretary"])
    roots = api.get("/chain").json()["items"]
    assert [(r["name"], r["members"], r["liaison_households"], r["central_households"]) for r in roots] == [
        ("世纪花园社区党委", 2, 2, 1)
    ]
    data = api.get(f"/organisations/{p.committee.pk}/children").json()
    assert data["organisation"]["members"] == 2
    assert [(c["name"], c["members"], c["full_members"], c["central_households"]) for c in data["items"]] == [
        ("第一网格党支部", 1, 1, 0),
        ("第二网格党支部", 1, 1, 1),
    ]
    # A grid worker's chain starts at their grid's branch.
    assert [r["name"] for r in Api(world.users["grid01"]).get("/chain").json()["items"]] == ["第一网格党支部"]


def test_organisation_lists_filter_by_parent_and_area(world: World):
    p = party_world(world)
    api = Api(world.users["secretary"])
    assert _names(api.get("/organisations", parent=p.committee.pk)) == ["第一网格党支部", "第二网格党支部"]
    assert _names(api.get("/organisations", area=world.grid2.code)) == ["第二网格党支部"]
    assert _names(Api(world.users["grid01"]).get("/organisations")) == ["第一网格党支部"]


# ---- members ---------------------------------------------------------------------------------


def test_the_secretary_registers_a_resident_and_a_member_living_elsewhere(world: World):
    p = party_world(world)
    api = Api(world.users["secretary"])
    response = api.post(
        "/members",
        {
            "organisation_id": p.branch2.pk,
            "resident_id": world.resident2.pk,
            "joined_on": "2020-07-01",
            "status": "probationary",
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["name"], data["area_code"], data["household_id"]) == (
        "李四",
        world.grid2.code,
        world.household2.pk,
    )
    assert (
        data["phone"] == world.resident2.phone_masked
        and world.resident2.phone not in response.content.decode()
    )
    assert Resident.objects.get(pk=world.resident2.pk).political_status == PoliticalStatus.PROBATIONARY

    response = api.post(
        "/members",
        {
            "organisation_id": p.branch1.pk,
            "name": "钱七",
            "gender": "F",
            "birth_date": "1975-04-02",
            "residence_elsewhere": "淄博市张店区华光路",
            "phone": "13912345678",
            "joined_on": "2001-07-01",
            "full_on": "2002-07-01",
            "status": "full",
            "category": "in_service",
            "education": "university",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["phone"] == "139****5678"
    assert "13912345678" not in response.content.decode()
    member = Member.objects.get(name="钱七")
    assert (member.resident_id, member.category, member.phone) == (None, "in_service", "13912345678")


def test_member_rule_errors_name_the_field(world: World):
    p = party_world(world)
    api = Api(world.users["secretary"])
    elsewhere = {"organisation_id": p.branch1.pk, "status": "full", "full_on": "2002-07-01"}
    response = api.post("/members", {**elsewhere, "joined_on": "2001-07-01", "name": "钱七", "gender": "F"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"birth_date", "residence_elsewhere"}
    response = api.post(
        "/members",
        {
            **elsewhere,
            "name": "钱七",
            "gender": "F",
            "birth_date": "1990-01-01",
            "residence_elsewhere": "外区",
            "joined_on": "2001-07-01",  # aged 11
        },
    )
    assert response.status_code == 422 and "18" in response.json()["errors"]["joined_on"][0]
    response = api.post(
        "/members",
        {
            "organisation_id": p.branch1.pk,
            "resident_id": world.resident1.pk,
            "joined_on": "2005-07-01",
            "status": "x",
        },
    )
    assert response.status_code == 422 and list(response.json()["errors"]) == ["status"]
    response = api.post(
        "/members",
        {
            "organisation_id": p.branch1.pk,
            "resident_id": world.resident1.pk,
            "joined_on": "2005-07-01",
            "status": "probationary",
        },
    )
    assert response.status_code == 422 and "张三" in response.json()["errors"]["resident"][0]
    response = api.patch(f"/members/{p.member1.pk}", {"status": "probationary"})
    assert response.status_code == 422 and "full_on" in response.json()["errors"]


def test_updating_and_ending_a_member(world: World):
    p = party_world(world)
    api = Api(world.users["secretary"])
    response = api.patch(
        f"/members/{p.member2.pk}",
        {"occupation": "退休教师", "phone": "13700001111", "organisation_id": p.branch1.pk},
    )
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "137****1111"
    member = Member.objects.get(pk=p.member2.pk)
    assert (member.occupation, member.organisation_id, member.area_code) == (
        "退休教师",
        p.branch1.pk,
        world.grid1.code,
    )
    response = api.post(f"/members/{p.member2.pk}/end", {"on": "2026-02-01", "reason": ""})
    assert response.status_code == 422 and "reason" in response.json()["errors"]
    response = api.post(f"/members/{p.member2.pk}/end", {"on": "2026-02-01", "reason": "转出"})
    assert response.status_code == 200 and response.json()["active"] is False
    assert LiaisonLink.objects.get(pk=p.link2.pk).ended_on == datetime.date(2026, 2, 1)
    assert _names(api.get("/members")) == ["张三"]
    assert _names(api.get("/members", include_former=True)) == ["张三", "王五"]


def test_grid01_sees_only_grid_1s_members(world: World):
    p = party_world(world)
    api = Api(world.users["grid01"])
    assert _names(api.get("/members")) == ["张三"]
    assert api.get(f"/members/{p.member1.pk}").status_code == 200
    assert api.get(f"/members/{p.member2.pk}").status_code == 404
    assert _names(Api(world.users["secretary"]).get("/members")) == ["张三", "王五"]


def test_a_member_sees_only_their_own_record(world: World):
    p = party_world(world)
    api = Api(_member_user(world, p.resident3, "wangwu"))  # 王五: no committee seat
    assert _names(api.get("/members")) == ["王五"]
    assert api.get(f"/members/{p.member1.pk}").status_code == 404
    own = api.get(f"/members/{p.member2.pk}").json()
    assert [link["household_id"] for link in own["liaison_households"]] == [world.household2.pk]
    assert api.get("/organisations").json()["items"] == []
    assert api.get(f"/coverage/{world.grid2.code}").status_code == 404
    # and may change nothing, not even their own record
    assert api.patch(f"/members/{p.member2.pk}", {"occupation": "x"}).status_code == 403


def test_a_branch_secretary_sees_their_branch_only(world: World):
    p = party_world(world)
    api = Api(world.users["member"])  # 张三, secretary of grid 1's branch
    assert _names(api.get("/members")) == ["张三"]
    assert _names(api.get("/organisations")) == ["第一网格党支部"]
    assert api.get(f"/organisations/{p.branch2.pk}").status_code == 404


def test_members_filter_by_status_category_organisation_and_name(world: World):
    p = party_world(world)
    api = Api(world.users["secretary"])
    assert _names(api.get("/members", category="retired")) == ["王五"]
    assert _names(api.get("/members", status=MemberStatus.PROBATIONARY)) == []
    assert _names(api.get("/members", organisation=p.branch1.pk)) == ["张三"]
    assert _names(api.get("/members", q="王")) == ["王五"]
    assert _names(api.get("/members", q="zs")) == ["张三"]
    assert _names(api.get("/members", area=world.grid2.code)) == ["王五"]


def _add_members(p: PartyWorld, w: World, n: int) -> None:
    for i in range(n):
        party.register_member(
            actor=w.users["secretary"],
            organisation=p.branch1,
            name=f"党员{i}",
            gender="M",
            birth_date=datetime.date(1970, 1, 1),
            residence_elsewhere="外区",
            joined_on=datetime.date(2010, 7, 1),
            full_on=datetime.date(2011, 7, 1),
            status=MemberStatus.FULL,
        )


def test_list_query_counts_do_not_grow_with_rows(world: World, django_assert_max_num_queries: Any):
    p = party_world(world)
    api = Api(world.users["secretary"])
    routes = ["/members", "/links", "/organisations", "/central-households", "/uncovered-households"]
    counts = {}
    for route in routes:
        with django_assert_max_num_queries(10) as few:
            assert api.get(route).status_code == 200
        counts[route] = len(few.captured_queries)
    _add_members(p, world, 12)
    for route in routes:
        with django_assert_max_num_queries(counts[route]):
            assert api.get(route).status_code == 200
    assert len(api.get("/members").json()["items"]) == 14


def test_member_lists_are_keyset_paginated(world: World):
    p = party_world(world)
    _add_members(p, world, 5)
    api = Api(world.users["secretary"])
    first = api.get("/members", size=4).json()
    second = api.get("/members", size=4, after=first["next_cursor"]).json()
    assert len(first["items"]) == 4 and len(second["items"]) == 3 and second["next_cursor"] is None
    assert {m["id"] for m in first["items"]}.isdisjoint(m["id"] for m in second["items"])


# ---- central households and liaison ------------------------------------------------------------


def test_central_households_list_create_and_attach(world: World):
    p = party_world(world)
    api = Api(world.users["secretary"])
    rows = api.get("/central-households").json()["items"]
    assert [(r["keeper_name"], r["household_id"], r["linked_members"]) for r in rows] == [
        ("王五", p.household3.pk, 1)
    ]
    response = api.post("/central-households", {"keeper_id": p.member1.pk, "designated_on": "2026-01-05"})
    assert response.status_code == 201, response.content
    central = response.json()
    assert (central["household_id"], central["organisation_id"]) == (world.household1.pk, p.branch1.pk)
    response = api.post("/central-households", {"keeper_id": p.member1.pk, "designated_on": "2026-01-05"})
    assert response.status_code == 422 and "keeper" in response.json()["errors"]
    # 王五 belongs to grid 2's branch, not to this central household's.
    response = api.post(f"/central-households/{central['id']}/members", {"member_ids": [p.member2.pk]})
    assert response.status_code == 422 and "王五" in response.json()["errors"]["members"][0]
    response = api.post(f"/central-households/{p.central2.pk}/members", {"member_ids": [p.member2.pk]})
    assert response.json() == {"attached": 1}
    assert api.get("/central-households", organisation=p.branch1.pk).json()["items"][0]["id"] == central["id"]


def test_liaison_links_create_list_and_end(world: World):
    p = party_world(world)
    api = Api(world.users["secretary"])
    response = api.post("/links", {"member_id": p.member1.pk, "household_id": world.household1.pk})
    assert response.status_code == 201, response.content
    link = response.json()
    assert (link["member_name"], link["area_code"], link["address"]) == (
        "张三",
        world.grid1.code,
        "世纪花园1号楼1单元101室",
    )
    response = api.post("/links", {"member_id": p.member2.pk, "household_id": world.household1.pk})
    assert response.status_code == 422 and "张三" in response.json()["errors"]["household"][0]
    rows = api.get("/links", member=p.member1.pk).json()["items"]
    assert sorted(r["household_id"] for r in rows) == sorted([world.household1.pk, p.household4.pk])
    assert [r["member_name"] for r in api.get("/links", area=world.grid2.code).json()["items"]] == ["王五"]
    assert [r["id"] for r in api.get("/links", household=world.household2.pk).json()["items"]] == [p.link2.pk]
    response = api.post(f"/links/{link['id']}/end", {"on": "2026-03-01"})
    assert response.status_code == 200 and response.json()["ended_on"] == "2026-03-01"
    assert api.post(f"/links/{link['id']}/end", {}).status_code == 422
    assert link["id"] not in [r["id"] for r in api.get("/links").json()["items"]]
    assert link["id"] in [r["id"] for r in api.get("/links", include_ended=True).json()["items"]]


def test_a_grid_worker_sees_grid_1s_links_but_may_not_link(world: World):
    p = party_world(world)
    api = Api(world.users["grid01"])
    assert [r["id"] for r in api.get("/links").json()["items"]] == [p.link1.pk]
    response = api.post("/links", {"member_id": p.member1.pk, "household_id": world.household1.pk})
    assert response.status_code == 403


# ---- coverage and proposals ------------------------------------------------------------------


def test_coverage_matches_the_query_and_stays_in_scope(world: World):
    party_world(world)
    expected = queries.count_coverage(world.community)
    data = Api(world.users["secretary"]).get(f"/coverage/{world.community.code}").json()
    assert (
        (data["households"], data["covered"], data["uncovered"])
        == (
            expected.households,
            expected.covered,
            expected.uncovered,
        )
        == (4, 2, 2)
    )
    assert data["share"] == expected.share == 0.5
    assert data["members"] == expected.members == 2
    assert [(c["code"], c["covered"]) for c in data["by_child"]] == [
        (c["code"], c["covered"]) for c in expected.by_child
    ]
    assert [(row["label"], row["members"]) for row in data["load"]] == expected.load
    grid = Api(world.users["grid01"])
    own = grid.get(f"/coverage/{world.grid1.code}").json()
    assert (own["households"], own["covered"]) == (2, 1)  # 张三's and 赵六's; 赵六's is covered
    # The community is visible to grid01 for breadcrumbs, but its figures include grid 2.
    assert grid.get(f"/coverage/{world.community.code}").status_code == 404
    assert grid.get(f"/coverage/{world.grid2.code}").status_code == 404
    assert Api(world.users["district"]).get(f"/coverage/{world.district.code}").json()["covered"] == 2


def test_uncovered_households_are_listed_in_scope(world: World):
    p = party_world(world)
    rows = Api(world.users["secretary"]).get("/uncovered-households").json()["items"]
    assert sorted(r["id"] for r in rows) == sorted([world.household1.pk, p.household3.pk])
    assert {r["head_name"] for r in rows} == {"张三", "王五"}
    rows = Api(world.users["grid01"]).get("/uncovered-households").json()["items"]
    assert [r["id"] for r in rows] == [world.household1.pk]
    rows = Api(world.users["secretary"]).get("/uncovered-households", area=world.grid2.code).json()["items"]
    assert [r["id"] for r in rows] == [p.household3.pk]
    # A resident may know their own household's liaison member, but not the party's work list.
    assert Api(world.users["resident"]).get("/uncovered-households").json()["items"] == []


def test_a_proposal_is_made_reviewed_and_confirmed(world: World):
    p = party_world(world)
    api = Api(world.users["secretary"])
    response = api.post("/proposals", {"grid": world.grid2.code, "target": 5})
    assert response.status_code == 201, response.content
    proposal = response.json()
    # 王五 lives in grid 2, whose one uncovered household is his own.
    assert [(link["member_name"], link["household_id"]) for link in proposal["links"]] == [
        ("王五", p.household3.pk)
    ]
    assert (proposal["uncovered_before"], proposal["left_uncovered"], proposal["status"]) == (1, 0, "draft")
    assert api.get(f"/proposals/{proposal['id']}").json() == proposal
    assert LiaisonLink.objects.filter(household=p.household3).count() == 0  # nothing linked yet
    response = api.post(f"/proposals/{proposal['id']}/confirm", {"excluded": []})
    assert response.json() == {"status": ProposalStatus.CONFIRMED, "linked": 1, "skipped": 0}
    assert LiaisonLink.objects.get(household=p.household3, ended_on__isnull=True).member_id == p.member2.pk
    response = api.post(f"/proposals/{proposal['id']}/discard")
    assert response.status_code == 422 and "__all__" in response.json()["errors"]


def test_a_proposal_can_be_discarded_and_needs_a_grid(world: World):
    party_world(world)
    api = Api(world.users["secretary"])
    response = api.post("/proposals", {"grid": world.community.code})
    assert response.status_code == 422 and "grid" in response.json()["errors"]
    response = api.post("/proposals", {"grid": world.grid1.code, "target": 99})
    assert response.status_code == 422 and "target" in response.json()["errors"]
    proposal = api.post("/proposals", {"grid": world.grid1.code}).json()
    response = api.post(f"/proposals/{proposal['id']}/discard")
    assert response.status_code == 200 and response.json()["status"] == ProposalStatus.DISCARDED
    # grid workers may not see proposals (they are the secretary's working papers)
    assert Api(world.users["grid01"]).get(f"/proposals/{proposal['id']}").status_code == 404
