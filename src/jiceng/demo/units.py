"""Demo 双报到: five sinking units paired with the flagship community, as 和尚岭社区 has, its
service posts, the in-service members living there registered with their work units, and some
months of service hours. Written through the units services (a few hundred rows), so every rule
and audit record of the real thing holds."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jiceng.party.models import Member, MemberCategory
from jiceng.territory.models import Area
from jiceng.units import services as units
from jiceng.units.models import ServicePost, SinkingUnit, UnitKind

# (name, kind, contact, agreed services): an agency, a hospital, the power company, a
# democratic-party branch and a volunteer association, as the sources describe.
UNITS = [
    (
        "张店区住房和城乡建设局",
        UnitKind.AGENCY,
        "王科长",
        ["老旧小区改造政策咨询", "楼道照明维修协调", "每周五值日"],
    ),
    ("张店区人民医院", UnitKind.INSTITUTION, "李主任", ["每月义诊", "送医上门", "健康讲座"]),
    ("国网淄博供电公司张店分公司", UnitKind.ENTERPRISE, "赵班长", ["用电安全检查", "车库照明改造"]),
    ("民进张店区基层委员会", UnitKind.DEMOCRATIC_PARTY, "孙老师", ["四点半课堂", "法律援助", "助学"]),
    ("张店区青年志愿者协会", UnitKind.SOCIAL_ORGANISATION, "周会长", ["环境整治", "关爱空巢老人"]),
]
# (post, capacity, leading unit's index or None)
POSTS = [
    ("四点半课堂辅导", 12, 3),
    ("义诊与健康咨询", 8, 1),
    ("用电安全巡查", 6, 2),
    ("楼道环境整治", 20, 4),
    ("空巢老人结对探访", 15, None),
    ("文明交通劝导", 10, None),
    ("法律咨询", 5, 3),
]
SERVICE_NOTES = [
    "辅导作业",
    "入户探访",
    "清理楼道杂物",
    "义诊量血压",
    "检查楼道线路",
    "路口劝导",
    "解答法律问题",
]


@dataclass
class UnitsTally:
    units: int = 0
    registrations: int = 0
    records: int = 0
    hours: Decimal = Decimal(0)


def build(*, street_admin: Any, secretary: Any, street: Area, community: Area, seed: int) -> UnitsTally:
    rng = random.Random(f"{seed}/units")
    today = timezone.localdate()
    tally = UnitsTally()
    paired_on = today - datetime.timedelta(days=400)
    made: list[SinkingUnit] = []
    for n, (name, kind, contact, agreed) in enumerate(UNITS):
        unit = units.create_unit(
            actor=street_admin,
            area=street,
            name=name,
            kind=kind,
            contact_person=contact,
            office_phone=f"0533-22{n + 1:02d}{rng.randrange(1000, 9999)}",
            address=f"张店区{rng.choice(['人民西路', '共青团路', '金晶大道', '华光路'])}{rng.randrange(1, 300)}号",
        )
        units.pair_unit(
            actor=street_admin,
            unit=unit,
            community=community,
            services=agreed,
            started_on=paired_on,
            ends_on=paired_on.replace(year=paired_on.year + 3),
        )
        made.append(unit)
    tally.units = len(made)
    posts = [
        units.create_post(
            actor=secretary,
            community=community,
            name=name,
            capacity=capacity,
            unit=made[lead] if lead is not None else None,
            description=f"{name}，每月至少一次",
        )
        for name, capacity, lead in POSTS
    ]
    taken = dict.fromkeys((p.pk for p in posts), 0)
    in_service = list(
        Member.objects.filter(
            category=MemberCategory.IN_SERVICE,
            active=True,
            resident__isnull=False,
            home_area_code__startswith=community.code,
        ).order_by("pk")
    )
    for member in in_service:
        if rng.random() > 0.7:
            continue  # not everyone has registered yet
        chosen = _free_posts(rng, posts, taken)
        registered_on = today - datetime.timedelta(days=rng.randrange(30, 360))
        work_unit = rng.choice(made) if rng.random() < 0.8 else None
        registration = units.register(
            actor=secretary,
            member=member,
            work_unit=work_unit,
            work_unit_name="" if work_unit else rng.choice(["淄博市某银行", "张店区某学校", "某物流公司"]),
            posts=chosen,
            registered_on=registered_on,
        )
        tally.registrations += 1
        days = (today - registered_on).days + 1
        for offset in sorted(rng.sample(range(days), k=min(days, rng.randrange(0, 7)))):
            served_on = registered_on + datetime.timedelta(days=offset)
            hours = Decimal(rng.choice(["1", "1.5", "2", "2.5", "3", "4"]))
            units.record_service(
                actor=secretary,
                registration=registration,
                served_on=served_on,
                hours=hours,
                post=rng.choice(chosen) if chosen else None,
                description=rng.choice(SERVICE_NOTES),
            )
            tally.records += 1
            tally.hours += hours
    return tally


def _free_posts(rng: random.Random, posts: list[ServicePost], taken: dict[int, int]) -> list[ServicePost]:
    open_posts = [p for p in posts if taken[p.pk] < p.capacity]
    chosen = rng.sample(open_posts, k=min(len(open_posts), rng.choice([1, 1, 2])))
    for post in chosen:
        taken[post.pk] += 1
    return chosen
