"""Every change to sinking units, pairings, service posts, registrations and service hours.

Each service checks permission, runs in one transaction and writes the audit record. Staff act
with `units.manage` over their area; an in-service member acts on their own registration with
`units.record_service` (双报到: the member registers at the community where they live).
"""

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.common.services import apply_changes
from jiceng.party.models import Member, MemberCategory
from jiceng.territory.models import Area, Level
from jiceng.units.models import (
    InServiceRegistration,
    ServicePost,
    ServiceRecord,
    SinkingUnit,
    UnitKind,
    UnitPairing,
    hours_text,
)

UNIT_FIELDS = ("name", "kind", "contact_person", "office_phone", "address", "active")
POST_FIELDS = ("name", "description", "capacity", "unit", "active")
MAX_HOURS_A_DAY = Decimal(24)
MAX_SERVICE_ITEMS = 30
_OFFICE_PHONE = re.compile(r"^[0-9][0-9\- ]{5,28}[0-9](?:[转#][0-9]{1,6})?$")


def _today() -> datetime.date:
    return timezone.localdate()


def _require_self_or_staff(actor: Any, own: Any, place: Any) -> None:
    """The member themself (their own record, `units.record_service`) or staff over the place."""
    if has_perm(actor, Perm.SERVICE_RECORD, own):
        return
    require(actor, Perm.UNITS_MANAGE, place)


# ---- units ---------------------------------------------------------------------------------


def _clean_unit_fields(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean = dict(fields)
    for name in ("name", "contact_person", "office_phone", "address"):
        if name in clean:
            clean[name] = (clean[name] or "").strip()
    if "name" in clean and not clean["name"]:
        errors["name"] = _("请填写单位名称")
    if "kind" in clean and clean["kind"] not in UnitKind.values:
        errors["kind"] = _("请选择单位类别")
    if clean.get("office_phone") and not _OFFICE_PHONE.match(clean["office_phone"]):
        errors["office_phone"] = _("办公电话格式不正确，例如 0533-2181234")
    if errors:
        raise ValidationError(errors)
    return clean


def _check_unique_name(area_code: str, name: str, exclude_pk: int | None = None) -> None:
    same = SinkingUnit.objects.filter(area_code=area_code, name=name)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError({"name": _("已有同名单位“%(name)s”") % {"name": name}})


@transaction.atomic
def create_unit(
    *,
    actor: Any,
    area: Area,
    name: str,
    kind: str,
    contact_person: str = "",
    office_phone: str = "",
    address: str = "",
) -> SinkingUnit:
    """Add a unit managed by a district, street or (for a partner it signed itself) a community."""
    require(actor, Perm.UNITS_MANAGE, area)
    if area.level == Level.GRID:
        raise ValidationError({"area": _("下沉单位由区、街道或社区管理，不能设在网格")})
    fields = _clean_unit_fields(
        {
            "name": name,
            "kind": kind,
            "contact_person": contact_person,
            "office_phone": office_phone,
            "address": address,
        }
    )
    _check_unique_name(area.code, fields["name"])
    unit = SinkingUnit.objects.create(area=area, area_code=area.code, **fields)
    audit.record(actor, Action.CREATE, unit, fields=["area", *fields])
    return unit


@transaction.atomic
def update_unit(*, actor: Any, unit: SinkingUnit, **fields: Any) -> SinkingUnit:
    require(actor, Perm.UNITS_MANAGE, unit)
    row = SinkingUnit.objects.select_for_update().get(pk=unit.pk)
    changed = apply_changes(row, _clean_unit_fields({k: v for k, v in fields.items() if k in UNIT_FIELDS}))
    if "name" in changed:
        _check_unique_name(row.area_code, row.name, exclude_pk=row.pk)
    if "active" in changed and not row.active and row.pairings.filter(ended_on__isnull=True).exists():
        raise ValidationError({"active": _("该单位还有进行中的结对，请先结束结对再停用")})
    if changed:
        row.save(update_fields=[*changed, "updated_at"])
        audit.record(actor, Action.UPDATE, row, fields=changed)
    return row


# ---- pairings ------------------------------------------------------------------------------


def clean_service_items(items: Iterable[str]) -> list[str]:
    """The agreed services: trimmed, without blanks or repeats, in the order given."""
    seen: list[str] = []
    for item in items:
        text = " ".join(str(item).split())
        if text and text not in seen:
            seen.append(text)
    if not seen:
        raise ValidationError({"services": _("请至少填写一项约定服务")})
    if len(seen) > MAX_SERVICE_ITEMS:
        raise ValidationError({"services": _("约定服务最多%(n)d项") % {"n": MAX_SERVICE_ITEMS}})
    if any(len(item) > 100 for item in seen):
        raise ValidationError({"services": _("每项约定服务不超过100个字")})
    return seen


@transaction.atomic
def pair_unit(
    *,
    actor: Any,
    unit: SinkingUnit,
    community: Area,
    services: Iterable[str],
    started_on: datetime.date,
    ends_on: datetime.date,
) -> UnitPairing:
    """Pair a unit with a community in the area that manages it, for a term."""
    require(actor, Perm.UNITS_MANAGE, community)
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": _("请选择一个社区")})
    unit = SinkingUnit.objects.select_for_update().get(pk=unit.pk)
    if not unit.active:
        raise ValidationError({"unit": _("该单位已停用")})
    if not community.code.startswith(unit.area_code):
        raise ValidationError(
            {"community": _("%(community)s不在该单位的管理范围内") % {"community": community.name}}
        )
    items = clean_service_items(services)
    if ends_on <= started_on:
        raise ValidationError({"ends_on": _("约定到期日期应晚于开始日期")})
    if started_on > _today() + datetime.timedelta(days=366):
        raise ValidationError({"started_on": _("开始日期不能晚于一年以后")})
    if UnitPairing.objects.filter(unit=unit, community=community, ended_on__isnull=True).exists():
        raise ValidationError(
            {
                "community": _("%(unit)s已与%(community)s结对")
                % {"unit": unit.name, "community": community.name}
            }
        )
    pairing = UnitPairing.objects.create(
        unit=unit,
        community=community,
        area_code=community.code,
        services=items,
        started_on=started_on,
        ends_on=ends_on,
    )
    audit.record(
        actor, Action.CREATE, pairing, fields=["unit", "community", "services", "started_on", "ends_on"]
    )
    return pairing


@transaction.atomic
def end_pairing(*, actor: Any, pairing: UnitPairing, on: datetime.date, reason: str = "") -> UnitPairing:
    require(actor, Perm.UNITS_MANAGE, pairing)
    row = UnitPairing.objects.select_for_update().get(pk=pairing.pk)
    if row.ended_on is not None:
        raise ValidationError({"__all__": _("该结对已结束")})
    if on < row.started_on:
        raise ValidationError({"on": _("结束日期不能早于开始日期%(d)s") % {"d": row.started_on}})
    if on > _today():
        raise ValidationError({"on": _("结束日期不能晚于今天")})
    row.ended_on, row.end_reason = on, reason.strip()
    row.save(update_fields=["ended_on", "end_reason"])
    audit.record(actor, Action.UPDATE, row, fields=["ended_on", "end_reason"], reason=row.end_reason)
    return row


# ---- service posts -------------------------------------------------------------------------


def _check_post(community_code: str, name: str, capacity: Any, unit: SinkingUnit | None) -> None:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("请填写岗位名称")
    if not isinstance(capacity, int) or capacity < 1 or capacity > 999:
        errors["capacity"] = _("可报名人数应在1到999之间")
    if (
        unit is not None
        and not UnitPairing.objects.filter(
            unit=unit, area_code=community_code, ended_on__isnull=True
        ).exists()
    ):
        errors["unit"] = _("%(unit)s未与本社区结对，不能牵头本社区岗位") % {"unit": unit.name}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_post(
    *,
    actor: Any,
    community: Area,
    name: str,
    capacity: int,
    description: str = "",
    unit: SinkingUnit | None = None,
) -> ServicePost:
    """A service post of the community that in-service members can take, for `capacity` people."""
    require(actor, Perm.UNITS_MANAGE, community)
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": _("请选择一个社区")})
    name = name.strip()
    _check_post(community.code, name, capacity, unit)
    if ServicePost.objects.filter(community=community, name=name).exists():
        raise ValidationError({"name": _("本社区已有岗位“%(name)s”") % {"name": name}})
    post = ServicePost.objects.create(
        community=community,
        area_code=community.code,
        name=name,
        description=description.strip(),
        capacity=capacity,
        unit=unit,
    )
    audit.record(actor, Action.CREATE, post, fields=["community", "name", "capacity", "unit"])
    return post


def takers(post: ServicePost) -> int:
    """How many current registrations have chosen the post."""
    return post.registrations.filter(ended_on__isnull=True).count()


@transaction.atomic
def update_post(*, actor: Any, post: ServicePost, **fields: Any) -> ServicePost:
    require(actor, Perm.UNITS_MANAGE, post)
    row = ServicePost.objects.select_for_update().get(pk=post.pk)
    changes = {k: v for k, v in fields.items() if k in POST_FIELDS}
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
    changed = apply_changes(row, changes)
    _check_post(row.area_code, row.name, row.capacity, row.unit if "unit" in changed else None)
    if (
        "name" in changed
        and ServicePost.objects.filter(community_id=row.community_id, name=row.name)
        .exclude(pk=row.pk)
        .exists()
    ):
        raise ValidationError({"name": _("本社区已有岗位“%(name)s”") % {"name": row.name}})
    if "capacity" in changed and takers(row) > row.capacity:
        raise ValidationError(
            {"capacity": _("已有%(n)d人认领该岗位，可报名人数不能少于%(n)d") % {"n": takers(row)}}
        )
    if changed:
        row.save(update_fields=changed)
        audit.record(actor, Action.UPDATE, row, fields=changed)
    return row


# ---- registrations -------------------------------------------------------------------------


def home_community(member: Member) -> Area | None:
    """The community where the member lives, when they are a resident on this platform."""
    if not member.resident_id or len(member.home_area_code) < 12:
        return None
    return Area.objects.filter(code=member.home_area_code[:12], level=Level.COMMUNITY).first()


def _check_posts_open(registration: InServiceRegistration, posts: list[ServicePost]) -> None:
    """Every post belongs to the registration's community, is open, and has room (locks the posts)."""
    if not posts:
        return
    locked = list(ServicePost.objects.select_for_update().filter(pk__in=[p.pk for p in posts]).order_by("pk"))
    foreign = [p.name for p in locked if p.community_id != registration.community_id]
    if foreign:
        raise ValidationError({"posts": _("%(names)s不是报到社区的岗位") % {"names": "、".join(foreign)}})
    closed = [p.name for p in locked if not p.active]
    if closed:
        raise ValidationError({"posts": _("%(names)s已停止招募") % {"names": "、".join(closed)}})
    taken = dict(
        ServicePost.objects.filter(pk__in=[p.pk for p in locked])
        .annotate(
            n=Count(
                "registrations",
                filter=Q(registrations__ended_on__isnull=True) & ~Q(registrations__pk=registration.pk),
            )
        )
        .values_list("pk", "n")
    )
    full = [p for p in locked if taken.get(p.pk, 0) >= p.capacity]
    if full:
        raise ValidationError(
            {
                "posts": _("岗位已满：%(posts)s，请选择其他岗位")
                % {"posts": "、".join(f"{p.name}（{p.capacity}人）" for p in full)}
            }
        )


@transaction.atomic
def register(
    *,
    actor: Any,
    member: Member,
    work_unit: SinkingUnit | None = None,
    work_unit_name: str = "",
    posts: Iterable[ServicePost] = (),
    registered_on: datetime.date | None = None,
) -> InServiceRegistration:
    """在职党员到居住地社区报到: the member themself, or staff of that community, registers them
    at the community where they live, with their work unit and the posts they take."""
    community = home_community(member)
    _require_self_or_staff(actor, member, community if community is not None else member)
    member = Member.objects.select_for_update().get(pk=member.pk)
    registered_on = registered_on or _today()
    errors: dict[str, str] = {}
    if community is None:
        errors["member"] = _("%(name)s不是本平台社区的在住居民，请到其居住的社区报到") % {"name": member.name}
    if not member.active:
        errors["member"] = _("%(name)s已离册") % {"name": member.name}
    elif member.category != MemberCategory.IN_SERVICE:
        errors["member"] = _("%(name)s的党员分类不是“在职（下沉）党员”，请先在党员档案中修改") % {
            "name": member.name
        }
    work_unit_name = work_unit_name.strip()
    if work_unit is None and not work_unit_name:
        errors["work_unit"] = _("请选择工作单位，或填写其他工作单位名称")
    if work_unit is not None and not work_unit.active:
        errors["work_unit"] = _("%(unit)s已停用") % {"unit": work_unit.name}
    if registered_on > _today():
        errors["registered_on"] = _("报到日期不能晚于今天")
    if errors:
        raise ValidationError(errors)
    assert community is not None
    current = InServiceRegistration.objects.filter(member=member, ended_on__isnull=True).first()
    if current is not None:
        raise ValidationError(
            {
                "member": _("%(name)s已于%(d)s报到，无需重复报到")
                % {"name": member.name, "d": current.registered_on}
            }
        )
    registration = InServiceRegistration.objects.create(
        member=member,
        community=community,
        area_code=community.code,
        work_unit=work_unit,
        work_unit_name="" if work_unit is not None else work_unit_name,
        registered_on=registered_on,
        registered_by=actor,
    )
    chosen = list(posts)
    _check_posts_open(registration, chosen)
    registration.posts.set(chosen)
    audit.record(
        actor,
        Action.CREATE,
        registration,
        fields=["member", "community", "work_unit", "registered_on", "posts"],
    )
    return registration


@transaction.atomic
def choose_posts(
    *, actor: Any, registration: InServiceRegistration, posts: Iterable[ServicePost]
) -> InServiceRegistration:
    """Replace the posts a registered member takes; a post keeps to its capacity."""
    _require_self_or_staff(actor, registration, registration)
    row = InServiceRegistration.objects.select_for_update().get(pk=registration.pk)
    if row.ended_on is not None:
        raise ValidationError({"posts": _("该报到已结束")})
    chosen = list(posts)
    kept = set(row.posts.values_list("pk", flat=True))
    # Posts already taken stay, even if closed or full since: only new ones are checked.
    _check_posts_open(row, [p for p in chosen if p.pk not in kept])
    if {p.pk for p in chosen} != kept:
        row.posts.set(chosen)
        audit.record(actor, Action.UPDATE, row, fields=["posts"])
    return row


@transaction.atomic
def end_registration(
    *, actor: Any, registration: InServiceRegistration, on: datetime.date, reason: str
) -> InServiceRegistration:
    """The member moved, changed job or left: their registration ends; their hours stay counted."""
    _require_self_or_staff(actor, registration, registration)
    row = InServiceRegistration.objects.select_for_update().get(pk=registration.pk)
    if row.ended_on is not None:
        raise ValidationError({"__all__": _("该报到已结束")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写结束原因")})
    if on < row.registered_on or on > _today():
        raise ValidationError({"on": _("结束日期应在报到日期%(d)s和今天之间") % {"d": row.registered_on}})
    row.ended_on, row.end_reason = on, reason.strip()
    row.save(update_fields=["ended_on", "end_reason"])
    audit.record(actor, Action.UPDATE, row, fields=["ended_on", "end_reason"], reason=row.end_reason)
    return row


# ---- service hours -------------------------------------------------------------------------


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": _("请填写服务时长，例如 2.5")}) from None
    if not hours.is_finite() or hours <= 0:
        raise ValidationError({"hours": _("服务时长应大于0")})
    if hours > MAX_HOURS_A_DAY:
        raise ValidationError({"hours": _("一天的服务时长不能超过24小时")})
    if hours != hours.quantize(Decimal("0.01")):
        raise ValidationError({"hours": _("服务时长最多保留两位小数")})
    return hours


@transaction.atomic
def record_service(
    *,
    actor: Any,
    registration: InServiceRegistration,
    served_on: datetime.date,
    hours: Decimal | float | str,
    post: ServicePost | None = None,
    description: str = "",
) -> ServiceRecord:
    """Record a day's service, by the member themself or by staff. A member's hours on one day
    add up to at most 24, and no day is in the future or before the registration."""
    _require_self_or_staff(actor, registration, registration)
    amount = _hours(hours)
    # Locking the registration serialises one member's records, so two cannot pass 24 together.
    row = InServiceRegistration.objects.select_for_update().select_related("member").get(pk=registration.pk)
    description = description.strip()
    errors: dict[str, str] = {}
    if served_on > _today():
        errors["served_on"] = _("服务日期不能晚于今天")
    elif served_on < row.registered_on:
        errors["served_on"] = _("服务日期不能早于报到日期%(d)s") % {"d": row.registered_on}
    elif row.ended_on is not None and served_on > row.ended_on:
        errors["served_on"] = _("报到已于%(d)s结束，之后的服务不能记在此报到下") % {"d": row.ended_on}
    if post is not None and post.community_id != row.community_id:
        errors["post"] = _("%(post)s不是报到社区的岗位") % {"post": post.name}
    if post is None and not description:
        errors["description"] = _("未选择岗位时，请填写服务内容")
    if errors:
        raise ValidationError(errors)
    that_day = ServiceRecord.objects.filter(
        registration__member_id=row.member_id, served_on=served_on
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if that_day + amount > MAX_HOURS_A_DAY:
        raise ValidationError(
            {
                "hours": _("%(name)s在%(d)s已记录%(done)s小时，再记%(h)s小时将超过一天24小时")
                % {
                    "name": row.member.name,
                    "d": served_on,
                    "done": hours_text(that_day),
                    "h": hours_text(amount),
                }
            }
        )
    record = ServiceRecord.objects.create(
        registration=row,
        area_code=row.area_code,
        post=post,
        served_on=served_on,
        hours=amount,
        description=description,
        recorded_by=actor,
    )
    audit.record(
        actor, Action.CREATE, record, fields=["registration", "post", "served_on", "hours", "description"]
    )
    return record
