"""The demo accounts: one per role, all with the same password, created with demo data only."""

from typing import IO, Any

DEMO_PASSWORD = "Jiceng#2026"

# (username, role, what they can do), in the order `make run` prints them.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("admin", "系统管理员", "系统设置（关爱标签），不接触居民信息；首次登录须绑定动态口令"),
    ("security", "安全管理员", "账号与角色管理、解锁；首次登录须绑定动态口令"),
    ("auditor", "审计管理员", "只读审计日志；首次登录须绑定动态口令"),
    ("district", "区管理员", "全区辖区与统计，可导出"),
    ("street", "街道管理员", "本街道辖区与统计，可导出"),
    ("secretary", "社区书记", "本社区全部居民、住户、楼栋、党组织与党员、联系户覆盖、导入导出"),
    ("staff", "社区工作者", "同社区书记的日常工作"),
    ("grid01 … grid10", "网格员", "只看本网格的楼栋、住户和居民"),
    ("member01", "党员", "本户、本人党员档案和所联系的住户"),
    ("resident01", "居民", "只看本户（由member01联系）"),
]


def print_demo_logins(out: IO[str] | Any) -> None:
    from jiceng.accounts.models import User

    if not User.objects.filter(username="secretary").exists():
        return
    out.write(f"演示账号 / demo logins (password 密码: {DEMO_PASSWORD})")
    for username, role, what in DEMO_LOGINS:
        out.write(f"  {username:<16} {role:<6} {what}")


def create_demo_accounts(*, district: Any, street: Any, community: Any, grids: list[Any]) -> list[Any]:
    """One account per role of DEMO_LOGINS, bound to the demo territory; existing ones are reset."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from jiceng.accounts.models import RoleBinding, User
    from jiceng.accounts.roles import Role
    from jiceng.party.models import MemberStatus, OrgType
    from jiceng.people.models import Resident

    current = Resident.objects.filter(area_code__startswith=community.code, residence_status="living")
    # member01: a full member of a grid branch who looks after households and holds no seat,
    # so the persona shows what an ordinary member sees.
    member = (
        current.filter(
            party_member__status=MemberStatus.FULL,
            party_member__organisation__org_type=OrgType.GRID,
            party_member__liaison_links__ended_on__isnull=True,
        )
        .exclude(party_member__committee_seats__isnull=False)
        .order_by("area_code", "pk")
        .first()
    )
    heads = current.filter(political_status="masses", relation_to_head="head")
    if member is not None:
        heads = heads.exclude(household_id=member.household_id)
        # resident01 lives in one of member01's liaison households where there is one.
        linked = heads.filter(
            household__liaison_links__member__resident=member, household__liaison_links__ended_on__isnull=True
        )
        heads = linked if linked.exists() else heads
    resident = heads.order_by("area_code", "pk").first()
    plan: list[tuple[str, str, str, Any, Any]] = [
        ("admin", "系统管理员", Role.SYSTEM_ADMIN, None, None),
        ("security", "安全管理员", Role.SECURITY_ADMIN, None, None),
        ("auditor", "审计管理员", Role.AUDIT_ADMIN, None, None),
        ("district", f"{district.name}管理员", Role.DISTRICT_ADMIN, district, None),
        ("street", f"{street.name}管理员", Role.STREET_ADMIN, street, None),
        ("secretary", f"{community.name}书记", Role.COMMUNITY_SECRETARY, community, None),
        ("staff", f"{community.name}社区工作者", Role.COMMUNITY_STAFF, community, None),
    ]
    plan += [
        (f"grid{i:02d}", f"{grid.name}网格员", Role.GRID_WORKER, grid, None)
        for i, grid in enumerate(grids[:10], start=1)
    ]
    plan += [
        ("member01", member.name if member else "党员", Role.PARTY_MEMBER, community, member),
        ("resident01", resident.name if resident else "居民", Role.RESIDENT, community, resident),
    ]
    password = make_password(DEMO_PASSWORD)  # hashed once: the demo accounts share one password
    now = timezone.now()
    users = []
    for username, display_name, role, area, person in plan:
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "password": password,
                "password_changed_at": now,
                "resident": person,
                "is_active": True,
                "failed_logins": 0,
                "locked_until": None,
            },
        )
        RoleBinding.objects.filter(user=user).delete()
        RoleBinding.objects.create(user=user, role=role, area=area)
        users.append(user)
    return users
