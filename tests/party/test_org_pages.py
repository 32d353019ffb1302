"""Organisation pages: the tree, an organisation's page, creating and editing, and elections."""

import datetime

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiceng.party import services as party
from jiceng.party.models import Member, MemberStatus, Organisation, OrgKind, OrgType, Position, Term
from tests.conftest import World
from tests.party.factories import party_world

JOINED = datetime.date(2010, 7, 1)


def _members(world: World, org: Organisation, n: int, start: int = 0) -> list[Member]:
    """n full members of `org` living elsewhere."""
    return [
        party.register_member(
            actor=world.users["secretary"],
            organisation=org,
            name=f"党员{start + i}",
            gender="M",
            birth_date=datetime.date(1970, 1, 1),
            residence_elsewhere="张店区某小区",
            joined_on=JOINED,
            full_on=JOINED.replace(year=2011),
            status=MemberStatus.FULL,
        )
        for i in range(n)
    ]


def _seats(rows: list[tuple[Member, str]], total: int = 7) -> dict[str, str]:
    data = {
        "seat-TOTAL_FORMS": str(total),
        "seat-INITIAL_FORMS": "0",
        "seat-MIN_NUM_FORMS": "0",
        "seat-MAX_NUM_FORMS": "7",
    }
    for i, (member, position) in enumerate(rows):
        data[f"seat-{i}-member"] = str(member.pk)
        data[f"seat-{i}-position"] = position
    return data


def test_a_secretary_creates_a_branch_and_elects_its_secretary(world: World):
    p = party_world(world)
    client = world.client("secretary")
    page = client.get(reverse("party:organisation_new"), {"parent": p.committee.pk})
    assert page.status_code == 200 and "世纪花园社区党委" in page.content.decode()
    response = client.post(
        reverse("party:organisation_new") + f"?parent={p.committee.pk}",
        {
            "name": "物业服务功能型党支部",
            "kind": OrgKind.BRANCH,
            "org_type": OrgType.FUNCTIONAL,
            "parent": p.committee.pk,
            "area": world.community.pk,
            "founded_on": "2025-06-01",
            "sort_order": "3",
        },
    )
    branch = Organisation.objects.get(name="物业服务功能型党支部")
    assert response.status_code == 302 and response["Location"] == reverse(
        "party:organisation", args=[branch.pk]
    )
    assert branch.parent == p.committee and branch.path.startswith(p.committee.path)
    # No members yet: the page says the branch cannot stand alone.
    content = client.get(response["Location"]).content.decode()
    assert 'data-testid="finding-error"' in content and "不足3名" in content
    assert "尚未录入选举结果" in content and "3年" in content

    members = _members(world, branch, 3)
    content = client.get(response["Location"]).content.decode()
    assert 'data-testid="finding-error"' not in content
    # Three full members are fewer than seven: no committee, a secretary and perhaps a deputy.
    url = reverse("party:elect", args=[branch.pk])
    assert "不足7名" in client.get(url).content.decode()
    three_seats = [
        (members[0], Position.SECRETARY),
        (members[1], Position.DEPUTY_SECRETARY),
        (members[2], Position.ORGANISATION),
    ]
    response = client.post(url, {"elected_on": "2025-07-01", **_seats(three_seats)})
    assert response.status_code == 200
    assert "正式党员3名，不足7名，不设支部委员会" in response.content.decode()
    assert not Term.objects.filter(organisation=branch).exists()

    response = client.post(url, {"elected_on": "2025-07-01", **_seats(three_seats[:2])})
    assert response.status_code == 302
    term = Term.objects.get(organisation=branch)
    assert term.ends_on == datetime.date(2028, 7, 1)  # 3 years for a branch
    content = client.get(reverse("party:organisation", args=[branch.pk])).content.decode()
    assert "党员0" in content and "副书记" in content and "2028-07-01" in content


def test_a_branch_with_seven_full_members_elects_a_committee_of_three_to_seven(world: World):
    p = party_world(world)
    members = _members(world, p.branch2, 6)  # with 王五, seven full members
    client = world.client("secretary")
    url = reverse("party:elect", args=[p.branch2.pk])
    assert "应设立支部委员会" in client.get(url).content.decode()
    response = client.post(url, {"elected_on": "2025-03-01", **_seats([(p.member2, Position.SECRETARY)])})
    assert "7名以上应设立支部委员会" in response.content.decode()
    seats = [
        (p.member2, Position.SECRETARY),
        (members[0], Position.ORGANISATION),
        (members[1], Position.MEMBER),
    ]
    assert client.post(url, {"elected_on": "2025-03-01", **_seats(seats)}).status_code == 302
    assert Term.objects.get(organisation=p.branch2).seats.count() == 3


def test_an_election_row_needs_both_member_and_position(world: World):
    p = party_world(world)
    url = reverse("party:elect", args=[p.branch2.pk])
    data = {"elected_on": "2025-03-01", **_seats([(p.member2, "")])}
    response = world.client("secretary").post(url, data)
    assert response.status_code == 200 and "请选择职务" in response.content.decode()
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    data = {"elected_on": future, **_seats([(p.member2, Position.SECRETARY)])}
    assert "不能晚于今天" in world.client("secretary").post(url, data).content.decode()
    assert not Term.objects.filter(organisation=p.branch2).exists()


def test_the_election_form_starts_from_the_current_committee(world: World):
    p = party_world(world)
    content = world.client("secretary").get(reverse("party:elect", args=[p.branch1.pk])).content.decode()
    assert f'<option value="{p.member1.pk}" selected>张三</option>' in content


def test_the_page_warns_when_the_next_election_is_near_or_overdue(world: World):
    p = party_world(world)
    actor = world.users["secretary"]
    today = timezone.localdate()
    # The community committee serves 5 years: elected 5 years less 30 days ago, due in 30 days.
    party.elect_committee(
        actor=actor,
        organisation=p.committee,
        elected_on=today.replace(year=today.year - 5) + datetime.timedelta(days=30),
        seats=[(p.member1, Position.SECRETARY)],
    )
    # Grid 2's branch serves 3 years: elected 3 years and 10 days ago, overdue.
    party.elect_committee(
        actor=actor,
        organisation=p.branch2,
        elected_on=today.replace(year=today.year - 3) - datetime.timedelta(days=10),
        seats=[(p.member2, Position.SECRETARY)],
    )
    client = world.client("secretary")
    soon = client.get(reverse("party:organisation", args=[p.committee.pk])).content.decode()
    assert 'data-testid="election-soon"' in soon and "5年" in soon
    overdue = client.get(reverse("party:organisation", args=[p.branch2.pk])).content.decode()
    assert 'data-testid="election-overdue"' in overdue and "已超期" in overdue
    party.elect_committee(
        actor=actor, organisation=p.branch1, elected_on=today, seats=[(p.member1, Position.SECRETARY)]
    )
    fresh = client.get(reverse("party:organisation", args=[p.branch1.pk])).content.decode()
    assert 'data-testid="election-' not in fresh and "张三" in fresh


def test_the_organisation_page_shows_members_children_and_central_households(world: World):
    p = party_world(world)
    client = world.client("secretary")
    committee = client.get(reverse("party:organisation", args=[p.committee.pk])).content.decode()
    assert "第一网格党支部" in committee and "第二网格党支部" in committee
    branch2 = client.get(reverse("party:organisation", args=[p.branch2.pk])).content.decode()
    assert "王五" in branch2 and reverse("party:central", args=[p.central2.pk]) in branch2
    assert "正式党员1名，不足3名" in branch2  # a branch of one full member
    branch1 = client.get(reverse("party:organisation", args=[p.branch1.pk])).content.decode()
    assert "书记" in branch1 and "张三" in branch1 and "2027-03-01" in branch1


def test_the_tree_lists_visible_organisations_with_figures(world: World):
    p = party_world(world)
    content = world.client("secretary").get(reverse("party:organisations")).content.decode()
    order = [content.index(name) for name in ("世纪花园社区党委", "第一网格党支部", "第二网格党支部")]
    assert order == sorted(order)
    assert "不足3名" in content and "padding-left: 1.25rem" in content  # branches sit under the committee
    grid01 = world.client("grid01").get(reverse("party:organisations")).content.decode()
    assert "第一网格党支部" in grid01 and "第二网格党支部" not in grid01 and "世纪花园社区党委" not in grid01
    assert 'href="/party/organisations/new/"' not in grid01  # a grid worker only reads
    named = world.client("secretary").get(reverse("party:organisations"), {"q": "第二"}).content.decode()
    assert "第二网格党支部" in named and "第一网格党支部" not in named
    assert p.branch2.name in named


def test_the_tree_runs_the_same_number_of_queries_for_more_organisations(world: World):
    p = party_world(world)
    client = world.client("secretary")
    url = reverse("party:organisations")
    client.get(url)
    cache.clear()  # the chain's figures are cached: count them afresh each time
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(6):
        org = party.create_organisation(
            actor=world.users["secretary"],
            name=f"功能型党支部{i}",
            kind=OrgKind.BRANCH,
            org_type=OrgType.FUNCTIONAL,
            area=world.community,
            parent=p.committee,
        )
        _members(world, org, 2, start=10 * i)
    cache.clear()  # the chain's figures are cached: count them afresh each time
    with CaptureQueriesContext(connection) as many:
        content = client.get(url).content.decode()
    assert "功能型党支部5" in content
    assert len(many) == len(few), f"{len(few)} queries with few organisations, {len(many)} with more"


def test_a_branch_secretary_sets_up_a_party_group_in_their_branch(world: World):
    p = party_world(world)
    client = world.client("member")  # 张三, secretary of grid 1's branch
    page = client.get(reverse("party:organisation_new"), {"parent": p.branch1.pk})
    assert page.status_code == 200
    response = client.post(
        reverse("party:organisation_new") + f"?parent={p.branch1.pk}",
        {
            "name": "书画趣缘党小组",
            "kind": OrgKind.GROUP,
            "org_type": OrgType.INTEREST,
            "parent": p.branch1.pk,
            "area": world.grid1.pk,
        },
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="书画趣缘党小组").parent == p.branch1
    # Not above their branch, and not in grid 2's.
    assert client.get(reverse("party:organisation_new"), {"parent": p.branch2.pk}).status_code == 404
    assert client.get(reverse("party:organisation_edit", args=[p.committee.pk])).status_code == 404


def test_placement_errors_show_on_the_form(world: World):
    p = party_world(world)
    response = world.client("secretary").post(
        reverse("party:organisation_new"),
        {
            "name": "又一个支部",
            "kind": OrgKind.BRANCH,
            "org_type": OrgType.GRID,
            "parent": p.committee.pk,
            "area": world.grid1.pk,
        },
    )
    assert response.status_code == 200 and "第一网格已有网格党支部" in response.content.decode()


def test_editing_and_revoking_an_organisation(world: World):
    p = party_world(world)
    client = world.client("secretary")
    url = reverse("party:organisation_edit", args=[p.branch2.pk])
    data = {"name": "第二网格党支部", "founded_on": "2019-07-01", "sort_order": "2", "active": "on"}
    assert client.post(url, data).status_code == 302
    p.branch2.refresh_from_db()
    assert p.branch2.founded_on == datetime.date(2019, 7, 1) and p.branch2.sort_order == 2
    response = client.post(url, {**data, "active": ""})
    assert response.status_code == 200 and "还有在册党员" in response.content.decode()
    assert Organisation.objects.get(pk=p.branch2.pk).active


def test_readers_cannot_open_the_forms(world: World):
    p = party_world(world)
    client = world.client("grid01")
    assert client.get(reverse("party:organisation", args=[p.branch1.pk])).status_code == 200
    for name in ("party:organisation_edit", "party:elect"):
        assert client.get(reverse(name, args=[p.branch1.pk])).status_code == 403
    assert client.get(reverse("party:organisation_new")).status_code == 403


def test_the_organisation_page_runs_the_same_number_of_queries_for_more_members(world: World):
    p = party_world(world)
    client = world.client("secretary")
    url = reverse("party:organisation", args=[p.committee.pk])
    client.get(url)
    cache.clear()  # the chain's figures are cached: count them afresh each time
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _members(world, p.committee, 5)
    for i in range(3):
        party.create_organisation(
            actor=world.users["secretary"],
            name=f"趣缘党小组{i}",
            kind=OrgKind.GROUP,
            org_type=OrgType.INTEREST,
            area=world.grid1,
            parent=p.branch1,
        )
        party.create_organisation(
            actor=world.users["secretary"],
            name=f"功能型党支部{i}",
            kind=OrgKind.BRANCH,
            org_type=OrgType.FUNCTIONAL,
            area=world.community,
            parent=p.committee,
        )
    cache.clear()  # the chain's figures are cached: count them afresh each time
    with CaptureQueriesContext(connection) as many:
        content = client.get(url).content.decode()
    assert "党员4" in content and "功能型党支部2" in content
    assert len(many) == len(few), f"{len(few)} queries with few rows, {len(many)} with more"


def test_a_street_picks_one_community_at_a_time(world: World):
    party_world(world)
    client = world.client("street")
    content = client.get(reverse("party:organisations")).content.decode()
    assert "南定社区" in content and "世纪花园社区党委" in content  # both communities offered
    other = client.get(reverse("party:organisations"), {"area": world.other_community.code}).content.decode()
    assert "世纪花园社区党委" not in other and "暂无党组织" in other
    grid01 = world.client("grid01").get(reverse("party:organisations")).content.decode()
    assert 'name="area"' not in grid01  # one community: nothing to pick
