"""The chain view, expanded level by level, its tree picture, the grid page, and a household's
liaison member on the household page."""

import json

from django.urls import reverse

from jiceng.audit.models import Action, AuditEvent
from jiceng.party import services as party
from jiceng.party.models import LiaisonLink
from tests.conftest import World
from tests.party.factories import party_world

HTMX = {"HTTP_HX_REQUEST": "true"}


def _node(kind: str, pk: int) -> str:
    return reverse("party:chain_node", kwargs={"kind": kind, "pk": pk})


def test_the_chain_starts_at_the_community_committee_with_its_figures(world: World):
    p = party_world(world)
    content = world.client("secretary").get(reverse("party:chain")).content.decode()
    assert "世纪花园社区党委" in content
    # The two branches are a level below: not loaded until opened.
    assert "第一网格党支部" not in content
    assert _node("org", p.committee.pk) in content
    # 2 members, both full; one central household; two liaison households.
    assert "党员2" in content and "正式2" in content and "中心户1" in content and "联系户2" in content
    assert f"{reverse('party:coverage')}?area={world.community.code}" in content
    assert 'id="chain-tree"' in content


def test_opening_the_committee_loads_its_branches_as_a_fragment(world: World):
    p = party_world(world)
    response = world.client("secretary").get(_node("org", p.committee.pk), **HTMX)
    content = response.content.decode()
    assert response.status_code == 200 and "<html" not in content
    assert "第一网格党支部" in content and "第二网格党支部" in content
    assert reverse("party:grid", kwargs={"code": world.grid1.code}) in content
    # Without HTMX the same level is a whole page.
    page = world.client("secretary").get(_node("org", p.committee.pk)).content.decode()
    assert "<html" in page and "第一网格党支部" in page


def test_a_branch_shows_its_central_households_and_members_linked_to_none(world: World):
    p = party_world(world)
    client = world.client("secretary")
    content = client.get(_node("org", p.branch2.pk), **HTMX).content.decode()
    # 王五 keeps grid 2's central household; he is linked to it, so he is listed under it.
    assert "党员中心户" in content and "2号楼2单元202" in content and "联系党员1名" in content
    assert _node("central", p.central2.pk) in content
    content = client.get(_node("org", p.branch1.pk), **HTMX).content.decode()
    assert "张三" in content and "联系户1" in content  # linked to no central household
    assert _node("member", p.member1.pk) in content
    content = client.get(_node("central", p.central2.pk), **HTMX).content.decode()
    assert "王五" in content
    content = client.get(_node("member", p.member1.pk), **HTMX).content.decode()
    assert "1号楼1单元102" in content and "赵六" in content
    assert reverse("people:household", kwargs={"pk": p.household4.pk}) in content


def test_a_member_with_no_household_cannot_be_opened_further(world: World):
    p = party_world(world)
    party.end_link(actor=world.users["secretary"], link=p.link1)
    content = world.client("secretary").get(_node("org", p.branch1.pk), **HTMX).content.decode()
    assert "张三" in content and "未联系住户" in content
    assert _node("member", p.member1.pk) not in content


def test_a_grid_worker_sees_their_branch_only(world: World):
    p = party_world(world)
    client = world.client("grid01")
    content = client.get(reverse("party:chain")).content.decode()
    assert "第一网格党支部" in content and "世纪花园社区党委" not in content
    assert "第二网格党支部" not in content
    assert client.get(_node("org", p.committee.pk)).status_code == 404
    assert client.get(_node("central", p.central2.pk)).status_code == 404
    assert client.get(_node("member", p.member2.pk)).status_code == 404
    assert client.get(_node("household", p.branch1.pk)).status_code == 404
    tree = client.get(reverse("party:chain_tree")).json()["tree"]
    assert tree["name"] == "第一网格党支部" and "children" not in tree


def test_a_resident_has_no_chain(world: World):
    party_world(world)
    assert world.client("resident").get(reverse("party:chain")).status_code == 403
    assert world.client("resident").get(reverse("party:chain_tree")).status_code == 403


def test_the_branch_secretary_sees_their_branch(world: World):
    # 张三 (the member persona) is the secretary of grid 1's branch.
    p = party_world(world)
    client = world.client("member")
    content = client.get(reverse("party:chain")).content.decode()
    assert "第一网格党支部" in content and "第二网格党支部" not in content
    # Their scope is the branch, not the grid's households: no coverage link for them.
    assert reverse("party:coverage") not in content
    assert client.get(_node("member", p.member1.pk), **HTMX).status_code == 200
    assert client.get(reverse("party:grid", kwargs={"code": world.grid1.code})).status_code == 200
    assert client.get(reverse("party:grid", kwargs={"code": world.grid2.code})).status_code == 404


def test_the_tree_json_nests_the_organisations_with_member_counts(world: World):
    party_world(world)
    response = world.client("secretary").get(reverse("party:chain_tree"))
    tree = response.json()["tree"]
    assert tree["name"] == "世纪花园社区党委" and tree["value"] == 2
    assert sorted((c["name"], c["value"]) for c in tree["children"]) == [
        ("第一网格党支部", 1),
        ("第二网格党支部", 1),
    ]
    json.dumps(tree)  # plain data only


def test_the_tree_names_a_root_above_several_communities(world: World):
    party_world(world)
    party.create_organisation(
        actor=_secretary_of_other(world),
        name="南定社区党委",
        kind="committee",
        org_type="community",
        area=world.other_community,
    )
    tree = world.client("street").get(reverse("party:chain_tree")).json()["tree"]
    assert tree["name"] == "党组织"
    assert sorted(c["name"] for c in tree["children"]) == ["世纪花园社区党委", "南定社区党委"]


def _secretary_of_other(world: World):
    from jiceng.accounts.models import RoleBinding, User
    from jiceng.accounts.roles import Role

    user = User.objects.create(username="nanding")
    RoleBinding.objects.create(user=user, role=Role.COMMUNITY_SECRETARY, area=world.other_community)
    return user


def test_the_grid_page_shows_branch_members_central_households_and_coverage(world: World):
    party_world(world)
    content = world.client("secretary").get(reverse("party:grid", kwargs={"code": world.grid2.code}))
    text = content.content.decode()
    assert "第二网格党支部" in text and "王五" in text
    assert "2号楼2单元202" in text  # the central household
    # Grid 2: 李四's and 王五's households are occupied, 李四's is covered.
    assert "50.0%" in text
    assert reverse("party:assign", kwargs={"code": world.grid2.code}) in text
    # Grid 1's branch has an elected secretary, 张三.
    text = world.client("secretary").get(reverse("party:grid", kwargs={"code": world.grid1.code})).content
    assert "支部书记：张三" in text.decode()


def test_the_grid_page_offers_no_assignment_to_a_grid_worker(world: World):
    party_world(world)
    client = world.client("grid01")
    text = client.get(reverse("party:grid", kwargs={"code": world.grid1.code})).content.decode()
    assert "张三" in text
    assert reverse("party:assign", kwargs={"code": world.grid1.code}) not in text
    assert client.get(reverse("party:assign", kwargs={"code": world.grid1.code})).status_code == 403
    assert client.get(reverse("party:grid", kwargs={"code": world.community.code})).status_code == 404


# ---- the household page -----------------------------------------------------------------------


def test_a_resident_sees_their_liaison_member_with_a_masked_phone(world: World):
    p = party_world(world)
    response = world.client("resident").get(reverse("people:household", kwargs={"pk": world.household2.pk}))
    content = response.content.decode()
    assert "王五" in content and p.member2.phone_mask in content
    assert p.member2.phone not in content  # the full number is never in the page
    assert "2号楼2单元202" in content  # 王五's central household
    call = reverse("party:call_liaison", kwargs={"pk": world.household2.pk})
    assert call in content
    # No managing buttons for a resident.
    assert reverse("party:link_household", kwargs={"pk": world.household2.pk}) not in content
    assert reverse("party:end_link", kwargs={"pk": p.link2.pk}) not in content


def test_calling_the_liaison_member_is_logged_and_dials_the_number(world: World):
    p = party_world(world)
    response = world.client("resident").get(reverse("party:call_liaison", kwargs={"pk": world.household2.pk}))
    assert response.status_code == 302 and response["Location"] == f"tel:{p.member2.phone}"
    event = AuditEvent.objects.get(action=Action.REVEAL)
    assert event.actor_name == "resident01" and event.fields == ["phone"]
    assert event.object_id == str(p.member2.pk) and event.reason
    # Another household's liaison member cannot be dialled.
    other = reverse("party:call_liaison", kwargs={"pk": p.household4.pk})
    assert world.client("resident").get(other).status_code == 404


def test_no_call_link_for_a_household_without_liaison(world: World):
    party_world(world)
    client = world.client("secretary")
    content = client.get(reverse("people:household", kwargs={"pk": world.household1.pk})).content.decode()
    assert "本户暂无联系党员" in content and "指定联系党员" in content
    assert client.get(reverse("party:call_liaison", kwargs={"pk": world.household1.pk})).status_code == 404


def test_the_secretary_links_changes_and_ends_a_liaison(world: World):
    p = party_world(world)
    client = world.client("secretary")
    url = reverse("party:link_household", kwargs={"pk": world.household1.pk})
    form = client.get(url).content.decode()
    assert "张三" in form and "王五" in form
    assert form.index("张三") < form.index("王五")  # 张三 lives in the same building
    response = client.post(url, {"member": p.member2.pk})
    assert response.status_code == 302
    link = LiaisonLink.objects.get(household=world.household1, ended_on__isnull=True)
    assert link.member_id == p.member2.pk
    # Changing replaces the current link.
    client.post(url, {"member": p.member1.pk})
    current = LiaisonLink.objects.get(household=world.household1, ended_on__isnull=True)
    assert current.member_id == p.member1.pk
    assert LiaisonLink.objects.filter(household=world.household1).count() == 2
    page = client.get(reverse("people:household", kwargs={"pk": world.household1.pk})).content.decode()
    assert "更换" in page and reverse("party:end_link", kwargs={"pk": current.pk}) in page
    client.post(reverse("party:end_link", kwargs={"pk": current.pk}))
    assert not LiaisonLink.objects.filter(household=world.household1, ended_on__isnull=True).exists()
    # Ending it twice says so.
    response = client.post(reverse("party:end_link", kwargs={"pk": current.pk}), follow=True)
    assert "该联系关系已结束" in response.content.decode()


def test_linking_the_same_member_again_is_refused_with_a_message(world: World):
    p = party_world(world)
    url = reverse("party:link_household", kwargs={"pk": p.household4.pk})
    response = world.client("secretary").post(url, {"member": p.member1.pk})
    assert response.status_code == 200 and "已由该党员联系" in response.content.decode()


def test_a_grid_worker_cannot_change_liaison(world: World):
    p = party_world(world)
    client = world.client("grid01")
    page = client.get(reverse("people:household", kwargs={"pk": p.household4.pk})).content.decode()
    assert "张三" in page and "结束联系" not in page
    url = reverse("party:link_household", kwargs={"pk": p.household4.pk})
    assert client.get(url).status_code == 403
    assert client.post(reverse("party:end_link", kwargs={"pk": p.link1.pk})).status_code == 403
