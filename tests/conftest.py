"""Shared fixtures: a small community of two grids and the personas of STYLE.md."""

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from jiceng.accounts.models import RoleBinding, User
from jiceng.accounts.roles import Role
from jiceng.demo.idgen import id_number, mobile
from jiceng.people import services as people
from jiceng.people.models import Household, Resident
from jiceng.territory.models import Area, Building, Estate, Level

PASSWORD = "Test#Pass2026"


def make_id(
    birth: datetime.date = datetime.date(1980, 5, 17), male: bool = True, seed: int = 1, area: str = "370303"
) -> str:
    return id_number(random.Random(seed), area, birth, male)


def with_wrong_check_character(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


@dataclass
class World:
    district: Area
    street: Area
    community: Area
    grid1: Area
    grid2: Area
    other_community: Area
    estate: Estate
    building1: Building
    building2: Building
    household1: Household
    household2: Household
    resident1: Resident
    resident2: Resident
    users: dict[str, User] = field(default_factory=dict)

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client


def _user(
    username: str, role: str | None, area: Area | None = None, resident: Resident | None = None
) -> User:
    user = User(username=username, resident=resident)
    user.set_password(PASSWORD)
    user.save()
    if role:
        RoleBinding.objects.create(user=user, role=role, area=area)
    return user


@pytest.fixture
def world(db: Any) -> World:
    district = Area.objects.create(code="370303", name="张店区", level=Level.DISTRICT)
    street = Area.objects.create(code="370303005", name="马尚街道", level=Level.STREET, parent=district)
    community = Area.objects.create(
        code="370303005001", name="世纪花园社区", level=Level.COMMUNITY, parent=street
    )
    other = Area.objects.create(code="370303005002", name="南定社区", level=Level.COMMUNITY, parent=street)
    grid1 = Area.objects.create(code="370303005001001", name="第一网格", level=Level.GRID, parent=community)
    grid2 = Area.objects.create(code="370303005001002", name="第二网格", level=Level.GRID, parent=community)
    estate = Estate.objects.create(community=community, area_code=community.code, name="世纪花园")
    b1 = Building.objects.create(
        grid=grid1, estate=estate, area_code=grid1.code, name="1号楼", units=2, floors=6
    )
    b2 = Building.objects.create(
        grid=grid2, estate=estate, area_code=grid2.code, name="2号楼", units=2, floors=6
    )
    h1 = Household.objects.create(building=b1, area_code=grid1.code, unit=1, room="101")
    h2 = Household.objects.create(building=b2, area_code=grid2.code, unit=1, room="201")
    secretary = _user("secretary", Role.COMMUNITY_SECRETARY, community)
    r1 = people.register_resident(
        actor=secretary,
        household=h1,
        name="张三",
        id_number=make_id(seed=1),
        phone="13812345678",
        relation_to_head="head",
    )
    r2 = people.register_resident(
        actor=secretary,
        household=h2,
        name="李四",
        id_number=make_id(seed=2, male=False, birth=datetime.date(1990, 2, 3)),
        phone=mobile(random.Random(2)),
        relation_to_head="head",
    )
    w = World(district, street, community, grid1, grid2, other, estate, b1, b2, h1, h2, r1, r2)
    w.users = {
        "district": _user("district", Role.DISTRICT_ADMIN, district),
        "street": _user("street", Role.STREET_ADMIN, street),
        "secretary": secretary,
        "staff": _user("staff", Role.COMMUNITY_STAFF, community),
        "grid01": _user("grid01", Role.GRID_WORKER, grid1),
        "grid02": _user("grid02", Role.GRID_WORKER, grid2),
        "member": _user("member01", Role.PARTY_MEMBER, community, resident=r1),
        "resident": _user("resident01", Role.RESIDENT, community, resident=r2),
        "sysadmin": _user("admin", Role.SYSTEM_ADMIN),
        "security": _user("security", Role.SECURITY_ADMIN),
        "auditor": _user("auditor", Role.AUDIT_ADMIN),
    }
    return w


@pytest.fixture(autouse=True)
def _chinese_first() -> Any:
    """Every test starts in the default language, whatever an earlier test activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Every test starts with an empty cache (dashboards of large areas are cached)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
