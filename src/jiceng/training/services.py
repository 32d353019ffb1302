"""Every change to the party school: courses, sessions, enrolment, attendance and the yearly
requirement. Each checks permission, runs in one transaction and writes the audit record."""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.party.models import Member, Organisation
from jiceng.training.models import Attendance, Course, Enrolment, Module, Requirement, Session


@transaction.atomic
def create_course(
    *, actor: Any, organisation: Organisation, year: int, name: str, module: str, description: str = ""
) -> Course:
    require(actor, Perm.ORGLIFE_MANAGE, organisation)
    if module not in Module.values:
        raise ValidationError({"module": _("请选择课程模块")})
    if not name.strip():
        raise ValidationError({"name": _("请填写课程名称")})
    course = Course.objects.create(
        organisation=organisation, area_code=organisation.area_code, org_path=organisation.path,
        year=year, name=name.strip()[:100], module=module, description=description.strip(),
    )  # fmt: skip
    audit.record(actor, Action.CREATE, course, fields=["name", "module", "year"])
    return course


@transaction.atomic
def add_session(
    *,
    actor: Any,
    course: Course,
    starts_at: datetime.datetime,
    hours: Decimal,
    teacher: str,
    place: str = "",
    topic: str = "",
) -> Session:
    require(actor, Perm.ORGLIFE_MANAGE, course)
    if not Decimal("0.5") <= hours <= Decimal(8):
        raise ValidationError({"hours": _("每次课0.5至8学时")})
    if starts_at.year != course.year:
        raise ValidationError({"starts_at": _("课次应在课程年度（%(year)d年）内") % {"year": course.year}})
    if not teacher.strip():
        raise ValidationError({"teacher": _("请填写授课人")})
    session = Session.objects.create(
        course=course,
        starts_at=starts_at,
        hours=hours,
        teacher=teacher.strip(),
        place=place.strip(),
        topic=topic.strip(),
    )
    audit.record(actor, Action.CREATE, session, object_repr=f"{course.name} {starts_at:%Y-%m-%d}")
    return session


@transaction.atomic
def enrol(
    *,
    actor: Any,
    course: Course,
    organisation: Organisation | None = None,
    category: str = "",
    members: Iterable[Member] = (),
    batch: str = "",
) -> int:
    """Enrol a batch: every active member of an organisation below the course's (optionally of
    one member category), and/or picked members. Returns how many were newly enrolled."""
    require(actor, Perm.ORGLIFE_MANAGE, course)
    chosen = {m.pk: m for m in members}
    if organisation is not None:
        if not organisation.path.startswith(course.org_path):
            raise ValidationError({"organisation": _("只能按本课程举办党组织下属的党组织报名")})
        qs = Member.objects.filter(active=True, organisation__path__startswith=organisation.path)
        if category:
            qs = qs.filter(category=category)
        chosen.update({m.pk: m for m in qs})
    outside = [
        m.name for m in chosen.values() if not m.organisation.path.startswith(course.org_path) or not m.active
    ]
    if outside:
        raise ValidationError(
            {"members": _("%(names)s不属于本课程举办党组织") % {"names": "、".join(outside)}}
        )
    if not chosen:
        raise ValidationError({"members": _("没有选中党员")})
    known = set(course.enrolments.values_list("member_id", flat=True))
    rows = [
        Enrolment(course=course, member_id=pk, batch=batch.strip()[:100]) for pk in chosen if pk not in known
    ]
    Enrolment.objects.bulk_create(rows)
    audit.record(
        actor, Action.UPDATE, course, fields=["enrolments"], object_repr=f"{course.name} +{len(rows)}"
    )
    return len(rows)


@transaction.atomic
def record_attendance(*, actor: Any, session: Session, present: Iterable[int]) -> int:
    """Set who attended a session (enrolled members only); returns the number present."""
    course = session.course
    require(actor, Perm.ORGLIFE_MANAGE, course)
    present = set(present)
    enrolled = set(course.enrolments.values_list("member_id", flat=True))
    if present - enrolled:
        raise ValidationError({"present": _("只能登记已报名本课程的党员")})
    session.attendances.exclude(member_id__in=present).delete()
    have = set(session.attendances.values_list("member_id", flat=True))
    Attendance.objects.bulk_create(
        [Attendance(session=session, member_id=pk, recorded_by=actor) for pk in present - have]
    )
    audit.record(
        actor, Action.UPDATE, session, fields=["attendance"], object_repr=f"{course.name} {len(present)}"
    )
    return len(present)


@transaction.atomic
def set_requirement(*, actor: Any, organisation: Organisation, year: int, hours: Decimal) -> Requirement:
    require(actor, Perm.ORGLIFE_MANAGE, organisation)
    if not Decimal(0) < hours <= Decimal(500):
        raise ValidationError({"hours": _("学时要求应在1至500之间")})
    row, _created = Requirement.objects.update_or_create(
        organisation=organisation, year=year, defaults={"hours": hours}
    )
    audit.record(
        actor,
        Action.UPDATE,
        organisation,
        object_type="training.requirement",
        fields=["hours"],
        reason=f"{year}: {hours}",
    )
    return row
