"""双报到 data on top of `world` and `party_world` (built once per world).

- 张店区审计局 (an agency managed by 马尚街道) is paired with 世纪花园社区 and with 南定社区;
- 世纪花园社区 has the post 四点半课堂 for one person, 南定社区 the post 楼栋值守;
- 张三 (the `member` persona's member record, grid 1) and 王五 (grid 2) are in-service members;
  王五 registered at 世纪花园社区 thirty days ago with 审计局 as his work unit; 张三 has not
  registered yet.
- `other_staff` is a community worker of 南定社区, which signed its own partner unit 南定物业.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from jiceng.accounts.models import RoleBinding, User
from jiceng.accounts.roles import Role
from jiceng.party import services as party
from jiceng.party.models import Member, MemberCategory
from jiceng.units import services as units
from jiceng.units.models import InServiceRegistration, ServicePost, SinkingUnit, UnitKind, UnitPairing
from tests.conftest import PASSWORD, World
from tests.party.factories import PartyWorld, party_world


@dataclass
class UnitsWorld:
    party: PartyWorld
    unit: SinkingUnit
    other_unit: SinkingUnit  # 南定物业, managed by 南定社区
    pairing: UnitPairing
    other_pairing: UnitPairing
    post: ServicePost
    other_post: ServicePost
    member1: Member  # 张三, in service, not registered
    member2: Member  # 王五, in service, registered
    registration2: InServiceRegistration
    other_staff: User


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def units_world(w: World) -> UnitsWorld:
    cached = getattr(w, "_units", None)
    if cached is not None:
        return cached
    p = party_world(w)
    secretary, street = w.users["secretary"], w.users["street"]
    member1 = party.update_member(actor=secretary, member=p.member1, category=MemberCategory.IN_SERVICE)
    member2 = party.update_member(actor=secretary, member=p.member2, category=MemberCategory.IN_SERVICE)
    unit = units.create_unit(
        actor=street,
        area=w.street,
        name="张店区审计局",
        kind=UnitKind.AGENCY,
        contact_person="刘主任",
        office_phone="0533-2181234",
        address="张店区人民西路1号",
    )
    pairing = units.pair_unit(
        actor=street,
        unit=unit,
        community=w.community,
        services=["政策宣讲", "四点半课堂"],
        started_on=days_ago(60),
        ends_on=days_ago(60) + datetime.timedelta(days=3 * 365),
    )
    other_pairing = units.pair_unit(
        actor=street,
        unit=unit,
        community=w.other_community,
        services=["环境整治"],
        started_on=days_ago(60),
        ends_on=days_ago(60) + datetime.timedelta(days=365),
    )
    post = units.create_post(actor=secretary, community=w.community, name="四点半课堂", capacity=1, unit=unit)
    other_post = units.create_post(actor=street, community=w.other_community, name="楼栋值守", capacity=5)
    registration2 = units.register(
        actor=secretary, member=member2, work_unit=unit, registered_on=days_ago(30)
    )
    other_staff = User(username="other_staff")
    other_staff.set_password(PASSWORD)
    other_staff.save()
    RoleBinding.objects.create(user=other_staff, role=Role.COMMUNITY_STAFF, area=w.other_community)
    other_unit = units.create_unit(
        actor=other_staff, area=w.other_community, name="南定物业", kind=UnitKind.ENTERPRISE
    )
    result = UnitsWorld(
        p,
        unit,
        other_unit,
        pairing,
        other_pairing,
        post,
        other_post,
        member1,
        member2,
        registration2,
        other_staff,
    )
    w._units = result  # type: ignore[attr-defined]
    return result
