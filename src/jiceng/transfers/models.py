"""Transfers of organisational relations (组织关系转接): a member leaving for an organisation
elsewhere (outgoing), arriving from elsewhere (incoming), or moving between two organisations on
the platform (internal). The member's organisation changes only when the transfer completes.

A transfer is seen by the committees over either organisation and by place (`area_code` of our
side); a member sees their own.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.roles import Perm
from jiceng.common.scoping import ScopedQuerySet
from jiceng.party.models import Member, Organisation


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("转出")
    INCOMING = "incoming", _("转入")
    INTERNAL = "internal", _("本平台内转接")


class Status(models.TextChoices):
    ISSUED = "issued", _("已开具介绍信")
    COMPLETED = "completed", _("已完成")
    RETURNED = "returned", _("已退回")
    EXPIRED = "expired", _("介绍信已过期")
    CANCELLED = "cancelled", _("已撤销")


OPEN = (Status.ISSUED,)


def _either_side(scope: Any) -> Q:
    found = Q(pk__in=[])
    for path in scope.org_paths:
        found |= Q(org_path__startswith=path) | Q(other_path__startswith=path)
    if scope.resident_id:
        found |= Q(member__resident_id=scope.resident_id)
    return found


class Transfer(models.Model):
    direction = models.CharField(_("类型"), max_length=20, choices=Direction.choices)
    member = models.ForeignKey(
        Member,
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    name = models.CharField(_("姓名"), max_length=50)
    from_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("转出党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("转入党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The organisation outside the platform, for an outgoing or incoming transfer.
    external = models.CharField(_("外部党组织"), max_length=200, blank=True)
    # Our side (the organisation of an outgoing or internal transfer, the receiving one of an
    # incoming one) and, for an internal transfer, the other side.
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    other_path = models.CharField(max_length=255, blank=True, default="", db_index=True, editable=False)
    letter_number = models.CharField(_("介绍信编号"), max_length=50)
    issued_on = models.DateField(_("开具日期"))
    valid_until = models.DateField(_("有效期至"))
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ISSUED)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    closing_note = models.CharField(_("退回或撤销原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.ORGLIFE_VIEW
    scope_extra_q = staticmethod(_either_side)

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(status="issued"), name="transfer_one_open")
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.name} {self.letter_number}"

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_org_path(self) -> str:
        return self.org_path

    @property
    def scope_resident_id(self) -> int | None:
        return self.member.resident_id if self.member else None
