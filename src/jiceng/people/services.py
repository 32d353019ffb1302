"""Every change to households and residents. Residents are never deleted: moving out or death
ends their current stay and the history is kept."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.common import pinyin
from jiceng.common.services import apply_changes
from jiceng.dashboard import queries as figures
from jiceng.party import services as party
from jiceng.people.models import (
    CURRENT_STATUSES,
    CareTag,
    Household,
    Relation,
    ResidenceRecord,
    ResidenceStatus,
    Resident,
)
from jiceng.people.validation import check_identity
from jiceng.territory.models import Building

RESIDENT_FIELDS = ("ethnicity", "political_status", "relation_to_head", "residence_status", "moved_in_on")


@transaction.atomic
def create_household(
    *, actor: Any, building: Building, unit: int, room: str, household_type: str
) -> Household:
    require(actor, Perm.PEOPLE_CHANGE, building)
    room = room.strip()
    if not 1 <= unit <= max(building.units, 1):
        raise ValidationError(
            {"unit": _("%(building)s只有%(n)d个单元") % {"building": building, "n": building.units}}
        )
    if Household.objects.filter(building=building, unit=unit, room=room).exists():
        raise ValidationError({"room": _("%(unit)d单元%(room)s室已登记") % {"unit": unit, "room": room}})
    household = Household.objects.create(
        building=building, area_code=building.area_code, unit=unit, room=room, household_type=household_type
    )
    audit.record(actor, Action.CREATE, household, fields=["building", "unit", "room", "household_type"])
    figures.invalidate(household.area_code)
    return household


@transaction.atomic
def update_household(*, actor: Any, household: Household, **fields: Any) -> Household:
    require(actor, Perm.PEOPLE_CHANGE, household)
    household = Household.objects.select_for_update().get(pk=household.pk)
    head = fields.get("head")
    if head is not None and (head.household_id != household.pk or not head.is_current):
        raise ValidationError({"head": _("户主应为本户在住的成员")})
    changed = apply_changes(household, fields)
    if changed:
        household.save(update_fields=[*changed, "updated_at"])
        audit.record(actor, Action.UPDATE, household, fields=changed)
    return household


def _ensure_unique_current(id_hash: str, exclude_pk: int | None = None) -> None:
    others = Resident.objects.filter(id_hash=id_hash, residence_status__in=CURRENT_STATUSES)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError({"id_number": _("该身份证号码已登记在本系统的其他住户中")})


@transaction.atomic
def register_resident(
    *,
    actor: Any,
    household: Household,
    name: str,
    id_number: str,
    phone: str = "",
    care_tags: list[CareTag] | None = None,
    **fields: Any,
) -> Resident:
    """Register a person living in `household`; the birth date and gender come from the ID number."""
    require(actor, Perm.PEOPLE_CHANGE, household)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写姓名")})
    identity = check_identity(id_number, phone, fields.pop("birth_date", None), fields.pop("gender", None))
    _ensure_unique_current(identity.id_hash)
    resident = Resident.objects.create(
        household=household,
        area_code=household.area_code,
        name=name,
        name_pinyin=pinyin.full_pinyin(name),
        name_initials=pinyin.initials(name),
        **identity.resident_fields(),
        **{k: v for k, v in fields.items() if k in RESIDENT_FIELDS},
    )
    if care_tags:
        resident.care_tags.set(care_tags)
    ResidenceRecord.objects.create(
        resident=resident,
        household=household,
        area_code=household.area_code,
        moved_in_on=resident.moved_in_on,
    )
    if resident.relation_to_head == Relation.HEAD and household.head_id is None:
        Household.objects.filter(pk=household.pk).update(head=resident)
        household.head = resident
    audit.record(actor, Action.CREATE, resident, fields=["name", "id_number", "phone", *fields, "care_tags"])
    figures.invalidate(resident.area_code)
    return resident


@transaction.atomic
def update_resident(
    *, actor: Any, resident: Resident, care_tags: list[CareTag] | None = None, **fields: Any
) -> Resident:
    require(actor, Perm.PEOPLE_CHANGE, resident)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    changes: dict[str, Any] = {k: v for k, v in fields.items() if k in (*RESIDENT_FIELDS, "name")}
    if "residence_status" in changes and changes["residence_status"] not in CURRENT_STATUSES:
        raise ValidationError({"residence_status": _("迁出或去世请使用“迁出登记”")})
    if "id_number" in fields or "phone" in fields:
        identity = check_identity(
            fields.get("id_number", resident.id_number), fields.get("phone", resident.phone)
        )
        _ensure_unique_current(identity.id_hash, exclude_pk=resident.pk)
        changes.update(identity.resident_fields())
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        changes.update(
            name_pinyin=pinyin.full_pinyin(changes["name"]), name_initials=pinyin.initials(changes["name"])
        )
    changed = apply_changes(resident, changes)
    if changed:
        resident.save(update_fields=[*changed, "updated_at"])
    if care_tags is not None:
        before = set(resident.care_tags.values_list("pk", flat=True))
        if before != {t.pk for t in care_tags}:
            resident.care_tags.set(care_tags)
            changed.append("care_tags")
    hidden = {
        "id_hash",
        "id_tail",
        "id_mask",
        "phone_hash",
        "phone_tail",
        "phone_mask",
        "name_pinyin",
        "name_initials",
    }
    if changed:
        audit.record(actor, Action.UPDATE, resident, fields=[f for f in changed if f not in hidden])
        figures.invalidate(resident.area_code)
    return resident


@transaction.atomic
def end_residence(
    *,
    actor: Any,
    resident: Resident,
    on: datetime.date,
    destination: str = "",
    status: str = ResidenceStatus.MOVED_OUT,
) -> Resident:
    """Record moving out (with date and destination) or death; the record and its history stay."""
    require(actor, Perm.PEOPLE_CHANGE, resident)
    if status not in (ResidenceStatus.MOVED_OUT, ResidenceStatus.DECEASED):
        raise ValidationError({"status": _("请选择迁出或去世")})
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if not resident.is_current:
        raise ValidationError({"status": _("%(name)s已不在本社区居住") % {"name": resident.name}})
    if status == ResidenceStatus.MOVED_OUT and not destination.strip():
        raise ValidationError({"destination": _("请填写迁往地址")})
    resident.residence_status = status
    resident.moved_out_on = on
    resident.moved_out_to = destination.strip()
    resident.save(update_fields=["residence_status", "moved_out_on", "moved_out_to", "updated_at"])
    ResidenceRecord.objects.filter(resident=resident, moved_out_on__isnull=True).update(
        moved_out_on=on, destination=destination.strip()
    )
    Household.objects.filter(pk=resident.household_id, head=resident).update(head=None)
    audit.record(actor, Action.UPDATE, resident, fields=["residence_status", "moved_out_on", "moved_out_to"])
    party.sync_member_residence(actor, resident, on)
    figures.invalidate(resident.area_code)
    return resident


@transaction.atomic
def move_resident(*, actor: Any, resident: Resident, household: Household, on: datetime.date) -> Resident:
    """Move a current resident to another household; both households' history keeps the stay."""
    require(actor, Perm.PEOPLE_CHANGE, resident)
    require(actor, Perm.PEOPLE_CHANGE, household)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if not resident.is_current:
        raise ValidationError({"household": _("%(name)s已不在本社区居住") % {"name": resident.name}})
    if resident.household_id == household.pk:
        raise ValidationError({"household": _("已经住在这一户")})
    ResidenceRecord.objects.filter(resident=resident, moved_out_on__isnull=True).update(
        moved_out_on=on, destination=str(household)
    )
    Household.objects.filter(pk=resident.household_id, head=resident).update(head=None)
    previous_area = resident.area_code
    resident.household = household
    resident.area_code = household.area_code
    resident.moved_in_on = on
    resident.save(update_fields=["household", "area_code", "moved_in_on", "updated_at"])
    ResidenceRecord.objects.create(
        resident=resident, household=household, area_code=household.area_code, moved_in_on=on
    )
    audit.record(actor, Action.UPDATE, resident, fields=["household", "moved_in_on"])
    party.sync_member_residence(actor, resident, on)
    figures.invalidate(previous_area, resident.area_code)
    return resident


def reveal(*, actor: Any, resident: Resident, field: str, reason: str) -> str:
    """Show a full ID or phone number to a permitted user who states why; the access is logged."""
    require(actor, Perm.PEOPLE_REVEAL, resident)
    if field not in ("id_number", "phone"):
        raise ValidationError({"field": _("只能查看身份证号码或电话号码")})
    if len(reason.strip()) < 2:
        raise ValidationError({"reason": _("请说明查看完整信息的事由")})
    audit.record(actor, Action.REVEAL, resident, fields=[field], reason=reason.strip())
    return str(getattr(resident, field))


CHILD_AGE = 14


def is_sensitive(resident: Resident, today: datetime.date | None = None) -> bool:
    """Sensitive personal information under 个人信息保护法 art. 28: a sensitive care tag (health,
    financial circumstances) or any data of a child under 14."""
    today = today or datetime.date.today()
    birthday_passed = (today.month, today.day) >= (resident.birth_date.month, resident.birth_date.day)
    age = today.year - resident.birth_date.year - (0 if birthday_passed else 1)
    return age < CHILD_AGE or any(tag.sensitive for tag in resident.care_tags.all())


def record_view(*, actor: Any, resident: Resident) -> None:
    """Opening the record of a child or of someone with a sensitive care tag is a sensitive
    read: it is written to the audit log (who, when, from where, whose record)."""
    if is_sensitive(resident):
        audit.record(actor, Action.VIEW_SENSITIVE, resident, fields=["care_tags", "birth_date"])


def regrid_building(building: Building, previous_area: str) -> None:
    """Carry a building's new grid code down to its households, residents and their records."""
    figures.invalidate(previous_area, building.area_code)
    households = Household.objects.filter(building=building)
    households.update(area_code=building.area_code)
    Resident.objects.filter(household__building=building).update(area_code=building.area_code)
    ResidenceRecord.objects.filter(household__building=building).update(area_code=building.area_code)
    party.regrid_building(building)


@transaction.atomic
def save_care_tag(
    *, actor: Any, code: str, name: str, sensitive: bool = False, active: bool = True
) -> CareTag:
    """The system administrator configures the care tags offered on resident forms and rosters."""
    require(actor, Perm.SYSTEM_CONFIGURE)
    tag, created = CareTag.objects.get_or_create(code=code, defaults={"name": name, "sensitive": sensitive})
    if not created:
        if CareTag.objects.exclude(pk=tag.pk).filter(name=name).exists():
            raise ValidationError({"name": _("已有名为“%(name)s”的标签") % {"name": name}})
        changed = apply_changes(tag, {"name": name, "sensitive": sensitive, "active": active})
        if changed:
            tag.save(update_fields=changed)
            audit.record(actor, Action.UPDATE, tag, fields=changed)
    else:
        audit.record(actor, Action.CREATE, tag, fields=["code", "name", "sensitive"])
    return tag
