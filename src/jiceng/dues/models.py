"""Each member's dues assessments (党费核定), monthly payments and voluntary extra payments.

Rows carry the member's organisation path and place, so they are seen as the member is: by the
committee of an organisation above (`org_path`), by place (`area_code`) and by the member. The
pay base is financial information (个人信息保护法 art. 28): it is stored encrypted and shown only
to those who manage the member's dues and to the member.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.roles import Perm
from jiceng.common.fields import EncryptedCharField
from jiceng.common.scoping import ScopedQuerySet
from jiceng.dues.rules import Category
from jiceng.party.models import Member, chain_q


class _MemberRow(models.Model):
    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.ORGLIFE_VIEW
    # Seen through the chain (committee members above) and by the member it is about.
    scope_extra_q = staticmethod(chain_q("org_path", "member__resident_id"))

    class Meta:
        abstract = True

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_org_path(self) -> str:
        return self.org_path

    @property
    def scope_resident_id(self) -> int | None:
        return self.member.resident_id


class Hardship(models.TextChoices):
    NONE = "", _("无")
    REVIEWED = "reviewed", _("支部已审核，待上级批准")
    APPROVED = "approved", _("上级党委已批准")


class Assessment(_MemberRow):
    """The member's monthly dues from `effective_from` (the first of a month) until the next one."""

    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="dues_assessments"
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    base = EncryptedCharField(_("计算基数（元/月）"), blank=True, default="")
    rate = models.DecimalField(_("比例（%）"), max_digits=4, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("每月应交（元）"), max_digits=9, decimal_places=2)
    effective_from = models.DateField(_("起始月份"))
    reason = models.CharField(_("核定原因"), max_length=100)
    hardship = models.CharField(
        _("困难减免"), max_length=20, choices=Hardship.choices, blank=True, default=""
    )
    reduced_amount = models.DecimalField(
        _("减免后每月应交（元）"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    hardship_reason = models.CharField(_("减免原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("党费核定")
        verbose_name_plural = _("党费核定")
        ordering = ["member_id", "-effective_from", "-id"]
        indexes = [models.Index(fields=["member", "effective_from"], name="assessment_member_from")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.effective_from:%Y-%m} {self.amount}"

    @property
    def due(self) -> Any:
        """What the member pays each month: the reduced amount once the reduction is approved."""
        if self.hardship == Hardship.APPROVED and self.reduced_amount is not None:
            return self.reduced_amount
        return self.amount


class Method(models.TextChoices):
    CASH = "cash", _("现金")
    BANK = "bank", _("银行转账")
    WECHAT = "wechat", _("微信")
    ALIPAY = "alipay", _("支付宝")
    PAYROLL = "payroll", _("工资代扣")


class Payment(_MemberRow):
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="dues_payments"
    )
    month = models.DateField(_("所属月份"))  # the first day of the month paid for
    amount = models.DecimalField(_("金额（元）"), max_digits=9, decimal_places=2)
    method = models.CharField(_("方式"), max_length=20, choices=Method.choices)
    paid_on = models.DateField(_("交纳日期"))

    class Meta:
        verbose_name = _("党费交纳")
        verbose_name_plural = _("党费交纳")
        ordering = ["member_id", "-month"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="payment_once_a_month")]
        indexes = [models.Index(fields=["org_path", "month"], name="payment_org_month")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m} {self.amount}"


class ExtraPayment(_MemberRow):
    """A voluntary payment beyond the dues (自愿多交); 1,000 yuan or more goes to the Centre."""

    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="dues_extras"
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=11, decimal_places=2)
    method = models.CharField(_("方式"), max_length=20, choices=Method.choices)
    paid_on = models.DateField(_("交纳日期"))
    to_centre = models.BooleanField(_("全额上缴中央"), default=False)

    class Meta:
        verbose_name = _("自愿多交党费")
        verbose_name_plural = _("自愿多交党费")
        ordering = ["-paid_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.paid_on} {self.amount}"
