"""Every step of a transfer of organisational relations. An introduction letter (介绍信) is valid
for at most three months (DOMAIN.md; 中共中央组织部关于党员组织关系转接的规定); the member's
organisation changes only when the transfer completes, in the same transaction."""

import datetime
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
from jiceng.notifications.services import notify
from jiceng.party import services as party
from jiceng.party.models import Member, Organisation
from jiceng.party.queries import secretaries_of
from jiceng.people.models import Resident
from jiceng.transfers.models import Direction, Status, Transfer

LETTER_VALID_MONTHS = 3


def _check_letter(
    letter_number: str, issued_on: datetime.date, valid_until: datetime.date | None
) -> datetime.date:
    if not letter_number.strip():
        raise ValidationError({"letter_number": _("请填写介绍信编号")})
    longest = add_months(issued_on, LETTER_VALID_MONTHS)
    valid_until = valid_until or longest
    if valid_until < issued_on:
        raise ValidationError({"valid_until": _("有效期不能早于开具日期")})
    if valid_until > longest:
        raise ValidationError({"valid_until": _("介绍信有效期最长3个月（至%(day)s）") % {"day": longest}})
    return valid_until


def _create(actor: Any, **fields: Any) -> Transfer:
    try:
        with transaction.atomic():
            row = Transfer.objects.create(created_by=actor, **fields)
    except IntegrityError:
        raise ValidationError(_("该党员已有未完成的组织关系转接")) from None
    audit.record(actor, Action.CREATE, row, fields=["direction", "letter_number", "valid_until"])
    return row


@transaction.atomic
def transfer_out(
    *,
    actor: Any,
    member: Member,
    letter_number: str,
    issued_on: datetime.date,
    valid_until: datetime.date | None = None,
    to_organisation: Organisation | None = None,
    external: str = "",
    reason: str = "",
) -> Transfer:
    """Issue the introduction letter for a member leaving their organisation: to another
    organisation on the platform (internal) or to one elsewhere (outgoing)."""
    require(actor, Perm.ORGLIFE_MANAGE, member)
    if not member.active:
        raise ValidationError(_("%(name)s已不在册") % {"name": member.name})
    if to_organisation is None and not external.strip():
        raise ValidationError({"external": _("请填写转入的党组织")})
    if to_organisation is not None and to_organisation.pk == member.organisation_id:
        raise ValidationError({"to_organisation": _("转入党组织与现党组织相同")})
    valid = _check_letter(letter_number, issued_on, valid_until)
    org = member.organisation
    return _create(
        actor,
        direction=Direction.INTERNAL if to_organisation is not None else Direction.OUTGOING,
        member=member,
        name=member.name,
        from_organisation=org,
        to_organisation=to_organisation,
        external=external.strip()[:200],
        area_code=org.area_code,
        org_path=org.path,
        other_path=to_organisation.path if to_organisation is not None else "",
        letter_number=letter_number.strip()[:50],
        issued_on=issued_on,
        valid_until=valid,
        reason=reason.strip()[:200],
    )


@transaction.atomic
def transfer_in(
    *,
    actor: Any,
    to_organisation: Organisation,
    name: str,
    external: str,
    letter_number: str,
    issued_on: datetime.date,
    valid_until: datetime.date | None = None,
    reason: str = "",
) -> Transfer:
    """Register an introduction letter received from an organisation elsewhere."""
    require(actor, Perm.ORGLIFE_MANAGE, to_organisation)
    if not name.strip():
        raise ValidationError({"name": _("请填写党员姓名")})
    if not external.strip():
        raise ValidationError({"external": _("请填写转出的党组织")})
    valid = _check_letter(letter_number, issued_on, valid_until)
    return _create(
        actor,
        direction=Direction.INCOMING,
        name=name.strip()[:50],
        to_organisation=to_organisation,
        external=external.strip()[:200],
        area_code=to_organisation.area_code,
        org_path=to_organisation.path,
        letter_number=letter_number.strip()[:50],
        issued_on=issued_on,
        valid_until=valid,
        reason=reason.strip()[:200],
    )


def _receiving(transfer: Transfer) -> Organisation | None:
    return transfer.to_organisation if transfer.direction != Direction.OUTGOING else None


@transaction.atomic
def complete(
    *,
    actor: Any,
    transfer: Transfer,
    on: datetime.date,
    resident: Resident | None = None,
    joined_on: datetime.date | None = None,
    full_on: datetime.date | None = None,
    status: str = "",
) -> Transfer:
    """The transfer is done: for an internal one the receiving organisation confirms and the
    member moves; an outgoing one takes the member off this roll; an incoming one puts the
    member on the receiving organisation's roll (a resident here, with their joining dates)."""
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member__organisation", "to_organisation")
        .get(pk=transfer.pk)
    )
    receiving = _receiving(transfer)
    side = receiving if receiving is not None else transfer.from_organisation
    assert side is not None
    if not has_perm(actor, Perm.ORGLIFE_MANAGE, side):
        raise PermissionDenied(
            _("须由接收方党组织确认") if receiving is not None else _("您没有权限执行此操作")
        )
    if transfer.status != Status.ISSUED:
        raise ValidationError(_("该转接已%(status)s") % {"status": transfer.get_status_display()})
    if on < transfer.issued_on:
        raise ValidationError({"on": _("完成日期不能早于开具日期")})
    if on > transfer.valid_until:
        raise ValidationError({"on": _("介绍信已于%(day)s过期，请重新开具") % {"day": transfer.valid_until}})
    if on > timezone.localdate():
        raise ValidationError({"on": _("日期不能晚于今天")})
    if transfer.direction == Direction.INTERNAL:
        assert transfer.member is not None and receiving is not None
        party.update_member(actor=actor, member=transfer.member, organisation=receiving)
    elif transfer.direction == Direction.OUTGOING:
        assert transfer.member is not None
        party.end_membership(
            actor=actor,
            member=transfer.member,
            on=on,
            reason=_("组织关系转出至%(org)s") % {"org": transfer.external},
        )
    else:
        assert receiving is not None
        if resident is None or joined_on is None or not status:
            raise ValidationError(_("请选择本社区的居民档案并填写入党日期和党员类别"))
        transfer.member = party.register_member(
            actor=actor,
            organisation=receiving,
            resident=resident,
            joined_on=joined_on,
            full_on=full_on,
            status=status,
        )
    transfer.status, transfer.completed_on = Status.COMPLETED, on
    transfer.save()
    audit.record(actor, Action.UPDATE, transfer, fields=["status", "completed_on"])
    return transfer


@transaction.atomic
def close(*, actor: Any, transfer: Transfer, status: str, note: str) -> Transfer:
    """Return (退回) or cancel (撤销) an open transfer, with the reason."""
    require(actor, Perm.ORGLIFE_MANAGE, transfer)
    if status not in (Status.RETURNED, Status.CANCELLED):
        raise ValidationError({"status": _("请选择退回或撤销")})
    if transfer.status != Status.ISSUED:
        raise ValidationError(_("该转接已%(status)s") % {"status": transfer.get_status_display()})
    if len(note.strip()) < 2:
        raise ValidationError({"note": _("请填写原因")})
    transfer.status, transfer.closing_note = status, note.strip()[:200]
    transfer.save(update_fields=["status", "closing_note", "updated_at"])
    audit.record(actor, Action.UPDATE, transfer, fields=["status"], reason=transfer.closing_note)
    return transfer


def expire_letters(today: datetime.date | None = None) -> int:
    """The worker's daily job: letters past their validity are marked expired and the
    secretaries of our side told to issue a new one. Returns how many expired."""
    today = today or timezone.localdate()
    expired = list(
        Transfer.objects.filter(status=Status.ISSUED, valid_until__lt=today).select_related(
            "from_organisation", "to_organisation"
        )
    )
    for row in expired:
        row.status = Status.EXPIRED
        row.save(update_fields=["status", "updated_at"])
        audit.record(None, Action.UPDATE, row, fields=["status"], reason="expired")
        side = row.from_organisation or row.to_organisation
        if side is not None:
            notify(
                secretaries_of(side),
                _("%(name)s的组织关系介绍信已过期") % {"name": row.name},
                body=_("介绍信%(number)s有效期至%(day)s，请核实后重新开具")
                % {"number": row.letter_number, "day": row.valid_until},
                topic=f"transfer:{row.pk}:expired",
            )
    return len(expired)
