"""Demo appeals (接诉即办) of the flagship community: some months of residents' calls, walk-ins,
patrol reports and resident01's own, at every step of the cycle — new, accepted, dispatched, in
progress, handled, closed and rated (mostly satisfied, some not, which reopens them), rejected,
and consultations answered at once; older open ones are overdue.

Every appeal goes through the services (routing, deadlines, timeline, audit, notifications), then
its times are moved back to the day it came in, so the measures and the hot issues have history.
"""

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.db.models import F

from jiceng.appeals import intake, services
from jiceng.appeals.models import Appeal, AppealEvent, AppealKind, Category, Channel, Rating, Status
from jiceng.people.models import CURRENT_STATUSES, Household

# (category code, texts a resident would write)
TEXTS: dict[str, list[str]] = {
    "garbage": [
        "楼下垃圾桶满了两天没有清运，气味很大",
        "小区垃圾分类亭旁边堆了很多装修垃圾",
        "单元门口的垃圾没人收",
    ],
    "corridor": ["楼道里堆了很多纸箱和旧家具，影响通行", "三楼楼道有电动车充电，担心起火"],
    "greenery": ["小区绿化带的树枝伸到窗户上了，需要修剪", "草坪被挖坏了没人管"],
    "utilities": ["家里停水一天了，也没看到通知", "暖气不热，室温只有十四度", "楼里水管漏水，墙面发霉"],
    "lighting": ["小区路灯坏了好几盏，晚上很黑", "楼道声控灯不亮，老人上下楼不安全"],
    "lift": ["电梯经常停在半路，里面有人被困过", "电梯门关不严，有安全隐患"],
    "property": ["物业收费后服务不到位，门禁坏了一个月没修", "物业不给开停车费发票"],
    "parking": ["消防通道被私家车占了，希望管一管", "小区门口乱停车，早上出不去"],
    "dispute": ["楼上邻居晚上十二点还在敲敲打打", "邻居在公共区域晾晒衣物，协商不成"],
    "pets": ["小区里有人遛狗不拴绳，孩子被吓哭了", "流浪猫太多，半夜叫得睡不着"],
    "safety": ["小区围墙有一段开裂，担心倒塌", "楼顶广告牌松动，刮风时很危险"],
    "medical_visit": ["独居老人腿脚不便，需要送医复查", "家里老人行动不便，想预约上门体检"],
    "legal_aid": ["房屋租赁合同纠纷，想咨询法律援助", "工资被拖欠三个月，不知道怎么办"],
    "policy": ["想咨询老年人高龄补贴怎么申请", "孩子上学需要居住证明，去哪里开"],
}
HANDLED = ["已联系物业当天处理完毕", "已协调相关单位修复", "已上门协调，双方达成一致", "已清理完毕并加强巡查"]


@dataclass
class AppealsTally:
    appeals: int = 0
    closed: int = 0
    open: int = 0

    def __str__(self) -> str:
        return f"接诉即办: {self.appeals} appeals ({self.closed} closed, {self.open} open)"


def _back(appeal: Appeal, delta: datetime.timedelta) -> None:
    """Move every time of an appeal and its timeline back by `delta`."""
    fields = [f.name for f in Appeal._meta.concrete_fields if f.get_internal_type() == "DateTimeField"]
    row = Appeal.objects.filter(pk=appeal.pk).values(*fields).get()
    Appeal.objects.filter(pk=appeal.pk).update(**{f: F(f) - delta for f in fields if row[f] is not None})
    AppealEvent.objects.filter(appeal=appeal).update(at=F("at") - delta)


def _flow(appeal: Appeal, staff: Any, outcome: str, rng: random.Random, rater: Any) -> Appeal:
    if outcome == "new":
        return appeal
    if outcome == "rejected":
        return services.reject(
            actor=staff,
            appeal=appeal,
            version=appeal.version,
            reason="不属于社区办理范围，已告知来电人向相关部门反映",
        )
    appeal = services.accept(actor=staff, appeal=appeal, version=appeal.version)
    appeal = services.dispatch(actor=staff, appeal=appeal, version=appeal.version)
    if outcome == "dispatched" or appeal.handler is None:
        return appeal
    handler = appeal.handler
    appeal = services.start(actor=handler, appeal=appeal, version=appeal.version)
    if outcome == "in_progress":
        return appeal
    appeal = services.handle(actor=handler, appeal=appeal, version=appeal.version, result=rng.choice(HANDLED))
    if outcome == "handled":
        return appeal
    appeal = services.verify(
        actor=staff, appeal=appeal, version=appeal.version, resolved=True, note="现场核查已解决"
    )
    appeal = services.close(actor=staff, appeal=appeal, version=appeal.version)
    roll = rng.random()
    rating = Rating.SATISFIED if roll < 0.78 else Rating.BASICALLY if roll < 0.93 else Rating.DISSATISFIED
    return services.rate(actor=rater or appeal.submitter, appeal=appeal, rating=rating, comment="")


OUTCOMES = [
    ("closed", 0.6),
    ("handled", 0.08),
    ("in_progress", 0.1),
    ("dispatched", 0.08),
    ("new", 0.06),
    ("rejected", 0.04),
]


def build(*, staff: Any, resident_user: Any, community: Any, seed: int, count: int = 90) -> AppealsTally:
    rng = random.Random(f"{seed}/appeals")
    tally = AppealsTally()
    households = list(
        Household.objects.filter(
            area_code__startswith=community.code, residents__residence_status__in=CURRENT_STATUSES
        )
        .select_related("building")
        .distinct()
        .order_by("pk")[:2000]
    )
    categories = {c.code: c for c in Category.objects.filter(code__in=list(TEXTS), active=True)}
    codes = [c for c in TEXTS if c in categories]
    if not households or not codes:
        return tally
    made: list[tuple[Appeal, int]] = []
    for _ in range(count):
        code = rng.choice(codes)
        consult = code in ("policy", "legal_aid") and rng.random() < 0.7
        days = rng.randrange(1, 160)
        appeal = services.submit(
            actor=staff,
            channel=rng.choice([Channel.PHONE, Channel.PHONE, Channel.WALK_IN, Channel.PATROL]),
            category=categories[code],
            kind=AppealKind.CONSULTATION if consult else AppealKind.APPEAL,
            text=rng.choice(TEXTS[code]),
            household=rng.choice(households),
            reporter_name=rng.choice(["王女士", "李先生", "赵阿姨", "刘大爷", "陈先生", "孙女士"]),
        )
        intake.complete_pending()  # the demo is its own worker: each timeline starts in order
        if consult:
            appeal = services.answer(
                actor=staff, appeal=appeal, version=appeal.version, reply="已电话答复政策办理流程和所需材料"
            )
        else:
            roll, outcome = rng.random(), "closed"
            for name, share in OUTCOMES:
                if roll < share:
                    outcome = name
                    break
                roll -= share
            # Old appeals are mostly done; the recent ones are still moving.
            if days > 60 and outcome not in ("closed", "rejected"):
                outcome = "closed" if rng.random() < 0.7 else outcome
            appeal = _flow(appeal, staff, outcome, rng, staff)
        made.append((appeal, days))
    # resident01's own: one done and rated, one being handled.
    resident = getattr(resident_user, "resident", None)
    home = resident.household if resident is not None else None
    if home is not None:
        for days, outcome, code in ((40, "closed", "lighting"), (2, "in_progress", "corridor")):
            if code not in categories:
                continue
            appeal = services.submit(
                actor=resident_user,
                channel=Channel.RESIDENT,
                category=categories[code],
                text=TEXTS[code][-1],
                household=home,
            )
            intake.complete_pending()
            made.append((_flow(appeal, staff, outcome, rng, resident_user), days))
    for appeal, days in made:
        _back(appeal, datetime.timedelta(days=days, hours=rng.randrange(0, 8)))
    tally.appeals = len(made)
    tally.closed = sum(1 for a, _d in made if Appeal.objects.filter(pk=a.pk, status=Status.CLOSED).exists())
    tally.open = tally.appeals - tally.closed
    return tally
