"""Member pages: the roll, registering members, a member's page, ending membership, and central
households — and who sees which members."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiceng.accounts.models import RoleBinding, User
from jiceng.accounts.roles import Role
from jiceng.party import services as party
from jiceng.party.models import CentralHousehold, LiaisonLink, Member, MemberStatus, Organisation
from jiceng.people import services as people
from jiceng.people.models import PoliticalStatus, Resident
from tests.conftest import PASSWORD, World, make_id
from tests.party.factories import PartyWorld, party_world

JOINED = datetime.date(2012, 7, 1)


def _elsewhere(world: World, org: Organisation, name: str) -> Member:
    return party.register_member(
        actor=world.users["secretary"],
        organisation=org,
        name=name,
        gender="F",
        birth_date=datetime.date(1985, 4, 5),
        residence_elsewhere="淄博市张店区某小区",
        joined_on=JOINED,
        full_on=JOINED.replace(year=2013),
        status=MemberStatus.FULL,
    )


def _member_user(world: World, resident: Resident, username: str) -> User:
    user = User(username=username, resident=resident)
    user.set_password(PASSWORD)  # a fresh password: no forced change on the first request
    user.save()
    RoleBinding.objects.create(user=user, role=Role.PARTY_MEMBER, area=world.community)
    return user


def _newcomer(world: World, birth: datetime.date = datetime.date(1992, 8, 8)) -> Resident:
    return people.register_resident(
        actor=world.users["secretary"],
        household=world.household1,
        name="孙八",
        id_number=make_id(seed=8, birth=birth),
        phone="13955556666",
        relation_to_head="child",
    )


def _new_member_data(org: Organisation, **fields: str) -> dict[str, str]:
    return {
        "organisation": str(org.pk),
        "joined_on": "2015-07-01",
        "status": MemberStatus.FULL,
        "full_on": "2016-07-01",
        "category": "registered",
        **fields,
    }


def test_registering_a_resident_as_a_member(world: World):
    p = party_world(world)
    newcomer = _newcomer(world)
    client = world.client("secretary")
    url = reverse("party:member_new")
    # The search answers HTMX with the results only; 张三 is already on the roll.
    fragment = client.get(url, {"q": "孙八", "organisation": p.branch1.pk}, HTTP_HX_REQUEST="true")
    content = fragment.content.decode()
    assert "<html" not in content and "孙八" in content and f'value="{newcomer.pk}"' in content
    assert "已在党员名册中" in client.get(url, {"q": "张三"}, HTTP_HX_REQUEST="true").content.decode()
    # Without picking a resident the form says so.
    response = client.post(url, _new_member_data(p.branch1, source="resident"))
    assert response.status_code == 200 and "请搜索并选择一位居民" in response.content.decode()
    response = client.post(
        url + f"?organisation={p.branch1.pk}",
        _new_member_data(p.branch1, source="resident", resident=str(newcomer.pk)),
    )
    member = Member.objects.get(resident=newcomer)
    assert response.status_code == 302 and response["Location"] == reverse("party:member", args=[member.pk])
    assert member.name == "孙八" and member.organisation == p.branch1 and member.household == world.household1
    assert Resident.objects.get(pk=newcomer.pk).political_status == PoliticalStatus.PARTY_MEMBER
    content = client.get(response["Location"]).content.decode()
    assert "139****6666" in content and "13955556666" not in content


def test_a_resident_outside_the_users_scope_cannot_be_picked(world: World):
    p = party_world(world)
    client = world.client("member")  # 张三, secretary of grid 1's branch: sees only their own homes
    response = client.post(
        reverse("party:member_new"),
        _new_member_data(p.branch1, source="resident", resident=str(world.resident2.pk)),
    )
    assert response.status_code == 200 and not Member.objects.filter(resident=world.resident2).exists()
    found = client.get(reverse("party:member_new"), {"q": "李四"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="resident"' not in found and "没有找到" in found


def test_registering_a_member_who_lives_elsewhere(world: World):
    p = party_world(world)
    client = world.client("secretary")
    data = _new_member_data(
        p.branch2,
        source="elsewhere",
        name="周九",
        gender="M",
        birth_date="1980-02-02",
        residence_elsewhere="淄博市张店区华光路某小区",
        phone="13700001111",
        category="in_service",
    )
    response = client.post(reverse("party:member_new"), data)
    assert response.status_code == 302
    member = Member.objects.get(name="周九")
    assert member.resident is None and member.organisation == p.branch2 and member.phone_mask == "137****1111"
    content = client.get(response["Location"]).content.decode()
    assert "华光路" in content and "在职（下沉）党员" in content


def test_a_member_living_elsewhere_given_with_an_id_number_is_registered_once(world: World):
    p = party_world(world)
    client = world.client("secretary")
    number = make_id(seed=21, male=False, birth=datetime.date(1983, 8, 8), area="370102")
    data = _new_member_data(
        p.branch2, source="elsewhere", name="郑十一", id_number=number, residence_elsewhere="济南市历下区"
    )
    assert client.post(reverse("party:member_new"), data).status_code == 302
    member = Member.objects.get(name="郑十一")
    assert (member.gender, member.birth_date) == ("F", datetime.date(1983, 8, 8))
    again = client.post(reverse("party:member_new"), data | {"name": "郑十一（重复）"})
    assert again.status_code == 200 and "已在党员名册中" in again.content.decode()


def test_a_member_must_be_18_when_joining(world: World):
    p = party_world(world)
    data = _new_member_data(
        p.branch2,
        source="elsewhere",
        name="吴十",
        gender="F",
        birth_date="2000-01-01",
        residence_elsewhere="某地",
        joined_on="2017-06-01",
        full_on="2018-06-01",
    )
    response = world.client("secretary").post(reverse("party:member_new"), data)
    assert response.status_code == 200 and "入党时应年满18周岁" in response.content.decode()
    assert not Member.objects.filter(name="吴十").exists()
    # The service's own field errors reach the form too.
    response = world.client("secretary").post(
        reverse("party:member_new"), {**data, "birth_date": "1980-01-01", "residence_elsewhere": ""}
    )
    assert "请填写居住地" in response.content.decode()


def test_a_member_opens_their_own_page_and_sign_but_not_others(world: World):
    p = party_world(world)
    wang = world.client("anonymous")
    wang.force_login(_member_user(world, p.resident3, "wangwu"))
    content = wang.get(reverse("party:member", args=[p.member2.pk])).content.decode()
    assert "王五" in content and reverse("party:identity_sign", args=[p.member2.pk]) in content
    assert reverse("party:member_edit", args=[p.member2.pk]) not in content  # reads only
    assert "2号楼" in content  # the household they liaise with: 李四's
    sign = wang.get(reverse("party:identity_sign", args=[p.member2.pk]))
    assert sign.status_code == 200 and sign["Content-Type"] == "application/pdf"
    assert sign.content.startswith(b"%PDF")
    assert wang.get(reverse("party:member", args=[p.member1.pk])).status_code == 404
    assert wang.get(reverse("party:identity_sign", args=[p.member1.pk])).status_code == 404
    assert wang.get(reverse("party:members")).content.decode().count("张三") == 0
    assert wang.get(reverse("party:member_edit", args=[p.member2.pk])).status_code == 403


def test_a_grid_worker_sees_their_grids_branch_members_only(world: World):
    p = party_world(world)
    _elsewhere(world, p.branch2, "郑十一")
    grid01 = world.client("grid01").get(reverse("party:members")).content.decode()
    assert "张三" in grid01 and "王五" not in grid01 and "郑十一" not in grid01
    grid02 = world.client("grid02").get(reverse("party:members")).content.decode()
    assert "王五" in grid02 and "郑十一" in grid02 and "张三" not in grid02
    assert world.client("grid01").get(reverse("party:member", args=[p.member2.pk])).status_code == 404
    page = world.client("grid01").get(reverse("party:member", args=[p.member1.pk])).content.decode()
    assert "张三" in page and reverse("party:member_edit", args=[p.member1.pk]) not in page
    # Viewing is not changing: no forms and no sign for someone else's record.
    assert world.client("grid01").get(reverse("party:member_new")).status_code == 403
    assert world.client("grid01").get(reverse("party:identity_sign", args=[p.member1.pk])).status_code == 403
    assert world.client("resident").get(reverse("party:members")).status_code == 403


def test_the_roll_filters_by_name_organisation_status_and_category(world: World):
    p = party_world(world)
    _elsewhere(world, p.branch2, "郑十一")
    client = world.client("secretary")
    url = reverse("party:members")

    def names(**params: object) -> set[str]:
        content = client.get(url, params).content.decode()
        return {n for n in ("张三", "王五", "郑十一") if f">{n}</a>" in content}

    assert names() == {"张三", "王五", "郑十一"}
    assert names(q="郑") == {"郑十一"}
    assert names(organisation=p.branch2.pk) == {"王五", "郑十一"}
    assert names(organisation=p.committee.pk) == {"张三", "王五", "郑十一"}  # the whole subtree
    assert names(category="retired") == {"王五"}
    assert names(status="probationary") == set()
    assert names(organisation="x") == set()
    # The HTMX filter answers with the table only.
    fragment = client.get(url, {"q": "王"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'data-testid="member-list"' in fragment and "王五" in fragment


def test_the_roll_pages_with_a_cursor(world: World):
    p = party_world(world)
    for i in range(52):
        _elsewhere(world, p.branch2, f"党员{i:02d}")
    client = world.client("secretary")
    first = client.get(reverse("party:members")).content.decode()
    assert "党员47" in first and "党员48" not in first and "加载更多" in first  # 张三, 王五 and 48 more
    last_pk = Member.objects.get(name="党员47").pk
    more = client.get(reverse("party:members"), {"after": last_pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "<table" not in more and "党员48" in more and "党员51" in more and "加载更多" not in more


def _add_members(world: World, p: PartyWorld, n: int, start: int) -> None:
    for i in range(start, start + n):
        member = _elsewhere(world, p.branch1 if i % 2 else p.branch2, f"成员{i}")
        if i % 3 == 0:
            household = world.household1 if i % 2 else world.household2
            LiaisonLink.objects.filter(household=household).update(ended_on=datetime.date(2025, 1, 1))
            party.link_household(actor=world.users["secretary"], member=member, household=household)


def test_the_roll_runs_the_same_number_of_queries_for_more_members(world: World):
    p = party_world(world)
    client = world.client("secretary")
    url = reverse("party:members")
    _add_members(world, p, 2, start=0)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_members(world, p, 14, start=10)
    with CaptureQueriesContext(connection) as many:
        assert "成员23" in client.get(url).content.decode()
    assert len(many) == len(few), f"{len(few)} queries with few members, {len(many)} with more"


def test_editing_a_member_keeps_the_phone_unless_a_new_one_is_given(world: World):
    p = party_world(world)
    client = world.client("secretary")
    url = reverse("party:member_edit", args=[p.member2.pk])
    before = Member.objects.get(pk=p.member2.pk).phone
    data = {
        "organisation": p.branch2.pk,
        "joined_on": "1990-07-01",
        "status": MemberStatus.FULL,
        "full_on": "1991-07-01",
        "category": "registered",
        "occupation": "退休教师",
        "phone": "",
    }
    assert client.post(url, data).status_code == 302
    member = Member.objects.get(pk=p.member2.pk)
    assert member.category == "registered" and member.occupation == "退休教师" and member.phone == before
    response = client.post(url, {**data, "status": MemberStatus.PROBATIONARY})
    assert "预备党员没有转正日期" in response.content.decode()
    # A branch secretary cannot move a member into an organisation outside their scope.
    response = world.client("member").post(
        reverse("party:member_edit", args=[p.member1.pk]),
        {**data, "organisation": p.branch2.pk, "joined_on": "2005-07-01", "full_on": "2006-07-01"},
    )
    assert response.status_code == 200 and Member.objects.get(pk=p.member1.pk).organisation == p.branch1


def test_ending_a_membership(world: World):
    p = party_world(world)
    client = world.client("secretary")
    url = reverse("party:member_end", args=[p.member2.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"on": "2026-01-15", "reason": ""})
    assert response.status_code == 302 and Member.objects.get(pk=p.member2.pk).active
    client.post(url, {"on": "2026-01-15", "reason": "组织关系转出至淄博市某机关党支部"})
    member = Member.objects.get(pk=p.member2.pk)
    assert not member.active and member.left_on == datetime.date(2026, 1, 15)
    assert not LiaisonLink.objects.filter(member=member, ended_on__isnull=True).exists()
    content = client.get(reverse("party:member", args=[member.pk])).content.decode()
    assert "组织关系转出" in content and reverse("party:identity_sign", args=[member.pk]) not in content
    assert "王五" in client.get(reverse("party:members"), {"state": "left"}).content.decode()
    assert "王五" not in client.get(reverse("party:members")).content.decode()
    # The grid worker of grid 1 cannot end a member of grid 1's branch: they only read.
    assert (
        world.client("grid01")
        .post(reverse("party:member_end", args=[p.member1.pk]), {"on": "2026-01-15", "reason": "x"})
        .status_code
        == 403
    )


def test_designating_and_running_a_central_household(world: World):
    p = party_world(world)
    client = world.client("member")  # 张三, secretary of grid 1's branch
    other = _elsewhere(world, p.branch1, "钱十二")
    assert (
        reverse("party:central_new", args=[p.member1.pk])
        in client.get(reverse("party:member", args=[p.member1.pk])).content.decode()
    )
    response = client.post(reverse("party:central_new", args=[p.member1.pk]), {"designated_on": "2026-03-01"})
    central = CentralHousehold.objects.get(keeper=p.member1)
    assert response.status_code == 302 and response["Location"] == reverse("party:central", args=[central.pk])
    page = client.get(response["Location"]).content.decode()
    assert "钱十二" in page and "户长" in page  # offered to attach
    assert client.post(response["Location"], {"members": [other.pk]}).status_code == 302
    assert Member.objects.get(pk=other.pk).central_household == central
    branch_page = client.get(reverse("party:organisation", args=[p.branch1.pk])).content.decode()
    assert reverse("party:central", args=[central.pk]) in branch_page
    assert client.post(response["Location"], {"detach": other.pk}).status_code == 302
    assert Member.objects.get(pk=other.pk).central_household is None
    # A member living elsewhere has no home here to make a central household of.
    response = client.post(reverse("party:central_new", args=[other.pk]), {"designated_on": "2026-03-01"})
    assert response.status_code == 200 and "本社区在住党员" in response.content.decode()
    # Members of another branch cannot be attached: they are not even offered.
    response = client.post(reverse("party:central", args=[central.pk]), {"members": [p.member2.pk]})
    assert response.status_code == 200 and Member.objects.get(pk=p.member2.pk).central_household == p.central2


def test_the_central_household_page_of_grid_2(world: World):
    p = party_world(world)
    content = world.client("grid02").get(reverse("party:central", args=[p.central2.pk])).content.decode()
    assert "王五" in content and "增加联系党员" not in content  # a grid worker reads only
    assert (
        world.client("grid02")
        .post(reverse("party:central", args=[p.central2.pk]), {"detach": p.member2.pk})
        .status_code
        == 403
    )
    assert world.client("member").get(reverse("party:central", args=[p.central2.pk])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "hidden"), [("grid01", "王五"), ("grid01", "李四"), ("member", "王五"), ("member", "李四")]
)
@pytest.mark.parametrize("name", ["party:members", "party:organisations", "party:member_new"])
def test_lists_of_the_chain_never_show_people_outside_the_scope(
    world: World, persona: str, hidden: str, name: str
):
    p = party_world(world)
    client = world.client(persona)
    # Positive control: 张三 is in both personas' scope (grid 1; their own record and branch).
    if name == "party:members":
        assert "张三" in client.get(reverse(name)).content.decode()
    for params in [{}, {"q": "王"}, {"q": "ls"}, {"q": "李四"}, {"organisation": str(p.branch2.pk)}]:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(reverse(name), params, **headers)
            assert response.status_code in (200, 403, 404)  # 404: grid 2's branch named
            content = response.content.decode().replace(f'value="{params.get("q", "")}"', "")
            assert hidden not in content.replace(f"没有找到“{params.get('q', '')}”", ""), (name, params)
