"""Every change to dues: assessments, hardship reductions, payments and voluntary payments. Each
service checks permission, enforces the 2008 rules (rules.py) with a clear message, runs in one
transaction and writes the audit record (never the pay base itself)."""

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.common.dates import add_months
from jiceng.dues import rules
from jiceng.dues.models import Assessment, ExtraPayment, Hardship, Method, Payment
from jiceng.dues.rules import Category
from jiceng.party.models import Member, MemberStatus, Organisation


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Every month from `first`'s to `last`'s, both included."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def first_month(member: Member) -> datetime.date:
    """Dues start with the month the member joined; a probationary member pays from the branch
    general meeting that admitted them, which is their joining date (第三十条)."""
    return month_start(member.joined_on)


def _rows(member: Member) -> dict[str, Any]:
    return {"member": member, "area_code": member.area_code, "org_path": member.organisation.path}


def _decimal(field: str, value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field: _("请填写金额")}) from None


@transaction.atomic
def assess(
    *,
    actor: Any,
    member: Member,
    category: str,
    effective_from: datetime.date,
    reason: str,
    base: Any = None,
    fixed: Any = None,
) -> Assessment:
    """Assess (or reassess, yearly or when pay changes) a member's monthly dues from a month on;
    an earlier assessment keeps counting for the months before."""
    require(actor, Perm.ORGLIFE_MANAGE, member)
    if category not in Category.values:
        raise ValidationError({"category": _("请选择党员类别")})
    base_value, fixed_value = _decimal("base", base), _decimal("fixed", fixed)
    try:
        amount, rate = rules.monthly_amount(category, base_value, fixed_value)
    except ValueError as exc:
        if str(exc) == "fixed":
            raise ValidationError({"fixed": _("农民党员每月交纳0.2元至1元")}) from None
        raise ValidationError({"base": _("请填写每月工资收入中相对固定的部分（税后，元）")}) from None
    if not reason.strip():
        raise ValidationError({"reason": _("请填写核定原因，如年度核定、工资调整")})
    row = Assessment.objects.create(
        **_rows(member),
        category=category,
        base=str(base_value) if category in rules.BASED and base_value is not None else "",
        rate=rate,
        amount=amount,
        effective_from=month_start(effective_from),
        reason=reason.strip()[:100],
        recorded_by=actor,
    )
    audit.record(actor, Action.CREATE, row, fields=["category", "base", "amount", "effective_from"])
    return row


def current_assessment(member: Member, month: datetime.date) -> Assessment | None:
    return (
        Assessment.objects.filter(member=member, effective_from__lte=month_start(month))
        .order_by("-effective_from", "-id")
        .first()
    )


@transaction.atomic
def review_hardship(*, actor: Any, assessment: Assessment, reduced_amount: Any, reason: str) -> Assessment:
    """The branch reviews a hardship reduction (or exemption, 0 yuan); it applies only once the
    higher committee approves it (approve_hardship)."""
    require(actor, Perm.ORGLIFE_MANAGE, assessment)
    reduced = _decimal("reduced_amount", reduced_amount)
    if reduced is None or reduced < 0 or reduced >= assessment.amount:
        raise ValidationError(
            {"reduced_amount": _("减免后金额应低于核定金额 %(amount)s 元") % {"amount": assessment.amount}}
        )
    if len(reason.strip()) < 2:
        raise ValidationError({"reason": _("请填写困难情况")})
    assessment.hardship, assessment.reduced_amount = Hardship.REVIEWED, reduced.quantize(rules.FEN)
    assessment.hardship_reason = reason.strip()[:200]
    assessment.save(update_fields=["hardship", "reduced_amount", "hardship_reason"])
    audit.record(
        actor,
        Action.UPDATE,
        assessment,
        fields=["hardship", "reduced_amount"],
        reason=assessment.hardship_reason,
    )
    return assessment


@transaction.atomic
def approve_hardship(*, actor: Any, assessment: Assessment) -> Assessment:
    """The higher committee approves: someone who manages the organisation above the member's."""
    require(actor, Perm.ORGLIFE_VIEW, assessment)
    if assessment.hardship != Hardship.REVIEWED:
        raise ValidationError(_("须先由党支部审核困难减免"))
    organisation: Organisation = assessment.member.organisation
    parent = organisation.parent
    if parent is None or not has_perm(actor, Perm.ORGLIFE_MANAGE, parent):
        raise PermissionDenied(_("困难减免须由上级党委批准"))
    assessment.hardship = Hardship.APPROVED
    assessment.save(update_fields=["hardship"])
    audit.record(actor, Action.UPDATE, assessment, fields=["hardship"])
    return assessment


def due_for(member: Member, month: datetime.date) -> Decimal | None:
    """The amount due for a month, or None before the member's dues start or without an assessment."""
    if month_start(month) < first_month(member):
        return None
    row = current_assessment(member, month)
    return row.due if row is not None else None


@transaction.atomic
def record_payment(
    *,
    actor: Any,
    member: Member,
    month: datetime.date,
    method: str,
    paid_on: datetime.date | None = None,
) -> Payment:
    """Record the dues of one month as paid, at the amount assessed for it."""
    require(actor, Perm.ORGLIFE_MANAGE, member)
    paid_on = paid_on or timezone.localdate()
    month = month_start(month)
    if method not in Method.values:
        raise ValidationError({"method": _("请选择交纳方式")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("交纳日期不能晚于今天")})
    if month > add_months(month_start(paid_on), rules.MAX_MONTHS_AHEAD):
        raise ValidationError({"month": _("预交党费最多6个月")})
    due = due_for(member, month)
    if due is None:
        if month < first_month(member):
            label = _("预备党员") if member.status == MemberStatus.PROBATIONARY else _("党员")
            raise ValidationError(
                {
                    "month": _("%(name)s作为%(label)s自%(from)s起交纳党费")
                    % {"name": member.name, "label": label, "from": f"{first_month(member):%Y-%m}"}
                }
            )
        raise ValidationError(
            {"month": _("%(name)s尚未核定%(month)s的党费") % {"name": member.name, "month": f"{month:%Y-%m}"}}
        )
    try:
        with transaction.atomic():
            row = Payment.objects.create(
                **_rows(member), month=month, amount=due, method=method, paid_on=paid_on, recorded_by=actor
            )
    except IntegrityError:
        raise ValidationError(
            {"month": _("%(name)s %(month)s的党费已交") % {"name": member.name, "month": f"{month:%Y-%m}"}}
        ) from None
    audit.record(actor, Action.CREATE, row, fields=["month", "amount", "method"])
    return row


@transaction.atomic
def record_payments(
    *,
    actor: Any,
    members: Iterable[Member],
    month: datetime.date,
    method: str,
    paid_on: datetime.date | None = None,
) -> list[Payment]:
    """A batch of one month's payments (the ledger page); all or nothing."""
    return [
        record_payment(actor=actor, member=m, month=month, method=method, paid_on=paid_on) for m in members
    ]


@transaction.atomic
def record_extra(
    *, actor: Any, member: Member, amount: Any, method: str, paid_on: datetime.date
) -> ExtraPayment:
    """A voluntary payment beyond the dues; 1,000 yuan or more goes wholly to the Centre."""
    require(actor, Perm.ORGLIFE_MANAGE, member)
    value = _decimal("amount", amount)
    if value is None or value <= 0:
        raise ValidationError({"amount": _("请填写金额")})
    if method not in Method.values:
        raise ValidationError({"method": _("请选择交纳方式")})
    row = ExtraPayment.objects.create(
        **_rows(member),
        amount=value.quantize(rules.FEN),
        method=method,
        paid_on=paid_on,
        to_centre=rules.goes_to_centre(value),
        recorded_by=actor,
    )
    audit.record(actor, Action.CREATE, row, fields=["amount", "to_centre"])
    return row
