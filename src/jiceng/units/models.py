"""Sinking units and in-service members (双报到).

Agencies, public institutions, enterprises, democratic-party branches and social organisations
"sink" into communities: a unit is paired with a community for a term with an agreed list of
services (结对共建). Party members in employment register at the community where they live
(在职党员到社区报到), pick the community's service posts and record the hours they serve.

Scope follows the place: a unit belongs to the street or district (or community) that manages
it; pairings, posts, registrations and service records carry the community's code. A member
sees their own registration and records through their resident record.
"""

import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.roles import Perm
from jiceng.common.scoping import ScopedQuerySet
from jiceng.party.models import Member
from jiceng.territory.models import Area, ancestor_codes

M = TypeVar("M", bound=models.Model)


def hours_text(hours: Decimal) -> str:
    """2.50 → "2.5", 20.00 → "20": hours as people write them."""
    return f"{hours.normalize():f}"


class UnitsQuerySet(ScopedQuerySet[M]):
    """Staff see by place (units.manage); a member sees their own rows (units.record_service)."""

    def visible_to(self, user: Any, permission: str | None = None) -> "ScopedQuerySet[M]":
        if permission is not None:
            return super().visible_to(user, permission)
        return super().visible_to(user, Perm.UNITS_MANAGE) | super().visible_to(user, Perm.SERVICE_RECORD)


class UnitKind(models.TextChoices):
    AGENCY = "agency", _("机关")
    INSTITUTION = "institution", _("事业单位")
    ENTERPRISE = "enterprise", _("企业")
    DEMOCRATIC_PARTY = "democratic_party", _("民主党派")
    SOCIAL_ORGANISATION = "social_organisation", _("社会组织")


def _unit_q(scope: Any) -> Q:
    # Community staff see the units their street or district manages: they pair them.
    codes = {a for code in scope.area_codes for a in ancestor_codes(code)}
    return Q(area_code__in=codes) if codes else Q(pk__in=[])


class SinkingUnit(models.Model):
    """下沉单位 / 共建单位: an organisation that serves in communities."""

    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类别"), max_length=30, choices=UnitKind.choices)
    # The street or district (or a community, for a partner it signed itself) that manages it.
    area = models.ForeignKey(Area, verbose_name=_("管理单位"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    # An office number is the unit's, not a person's: stored and shown in full.
    office_phone = models.CharField(_("办公电话"), max_length=30, blank=True)
    address = models.CharField(_("单位地址"), max_length=200, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.UNITS_MANAGE
    scope_extra_q = staticmethod(_unit_q)

    class Meta:
        verbose_name = _("下沉单位")
        verbose_name_plural = _("下沉单位")
        ordering = ["area_code", "name"]
        constraints = [models.UniqueConstraint(fields=["area_code", "name"], name="unit_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_code(self) -> str:
        return self.area_code


class PairingStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    EXPIRED = "expired", _("已到期")
    ENDED = "ended", _("已结束")


class UnitPairing(models.Model):
    """结对共建: a unit serves a community for a term, with an agreed list of services."""

    unit = models.ForeignKey(
        SinkingUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="pairings"
    )
    community = models.ForeignKey(Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    # The agreed services, one short item each ("四点半课堂", "法律咨询" …).
    services = models.JSONField(_("服务清单"), default=list)
    started_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("约定到期日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.UNITS_MANAGE

    class Meta:
        verbose_name = _("结对共建")
        verbose_name_plural = _("结对共建")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "community"], condition=Q(ended_on__isnull=True), name="pairing_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}↔{self.area_code}"

    @property
    def scope_code(self) -> str:
        return self.area_code

    def status_on(self, day: datetime.date) -> str:
        if self.ended_on is not None:
            return PairingStatus.ENDED
        return PairingStatus.EXPIRED if self.ends_on < day else PairingStatus.ACTIVE

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())


class ServicePost(models.Model):
    """服务岗位: a community's post an in-service member can take (楼栋值守, 四点半课堂 …)."""

    community = models.ForeignKey(Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    name = models.CharField(_("岗位名称"), max_length=100)
    description = models.TextField(_("岗位说明"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("可报名人数"))
    # A post a paired unit runs (its own volunteers lead it); optional.
    unit = models.ForeignKey(
        SinkingUnit,
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
    )
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.UNITS_MANAGE

    class Meta:
        verbose_name = _("服务岗位")
        verbose_name_plural = _("服务岗位")
        ordering = ["area_code", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="post_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_code(self) -> str:
        return self.area_code


def _own_registration_q(scope: Any) -> Q:
    return Q(member__resident_id=scope.resident_id) if scope.resident_id else Q(pk__in=[])


class InServiceRegistration(models.Model):
    """在职党员到社区报到: a member registers at the community where they live."""

    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="service_registrations"
    )
    community = models.ForeignKey(
        Area, verbose_name=_("报到社区"), on_delete=models.PROTECT, related_name="+"
    )
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    work_unit = models.ForeignKey(
        SinkingUnit,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    # The employer when it is not one of the listed units.
    work_unit_name = models.CharField(_("其他工作单位"), max_length=100, blank=True)
    registered_on = models.DateField(_("报到日期"))
    posts = models.ManyToManyField(
        ServicePost, verbose_name=_("认领岗位"), blank=True, related_name="registrations"
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitsQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.UNITS_MANAGE
    scope_extra_q = staticmethod(_own_registration_q)

    class Meta:
        verbose_name = _("在职党员报到")
        verbose_name_plural = _("在职党员报到")
        ordering = ["area_code", "-registered_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(ended_on__isnull=True), name="registration_one_current"
            )
        ]
        indexes = [models.Index(fields=["work_unit", "ended_on"], name="registration_unit_current")]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.area_code}"

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_resident_id(self) -> int | None:
        return self.member.resident_id

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    @property
    def employer(self) -> str:
        return self.work_unit.name if self.work_unit_id and self.work_unit else self.work_unit_name


def _own_record_q(scope: Any) -> Q:
    return Q(registration__member__resident_id=scope.resident_id) if scope.resident_id else Q(pk__in=[])


class ServiceRecord(models.Model):
    """One day's service by an in-service member, in hours."""

    registration = models.ForeignKey(
        InServiceRegistration, verbose_name=_("报到记录"), on_delete=models.PROTECT, related_name="records"
    )
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    post = models.ForeignKey(
        ServicePost,
        verbose_name=_("服务岗位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    served_on = models.DateField(_("服务日期"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=4, decimal_places=2)
    description = models.CharField(_("服务内容"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitsQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.UNITS_MANAGE
    scope_extra_q = staticmethod(_own_record_q)

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-served_on", "-id"]
        indexes = [
            models.Index(fields=["area_code", "served_on"], name="record_area_day"),
            models.Index(fields=["registration", "served_on"], name="record_registration_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=24), name="record_hours_in_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} {self.served_on} {self.hours}h"

    @property
    def hours_text(self) -> str:
        return hours_text(self.hours)

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_resident_id(self) -> int | None:
        return self.registration.member.resident_id
