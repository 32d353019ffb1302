"""Membership development (发展党员): one record per person on the way from application to full
membership, with the dates, people and votes that each stage of 《中国共产党发展党员工作细则》
(2014) asks for. The rules themselves are in rules.py, the changes in services.py.

A record belongs to the branch that receives the application and is seen like its meetings: by
place (`area_code`), by the committee of an organisation above it (`org_path`) and by the person
it is about.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.roles import Perm
from jiceng.common.scoping import ScopedQuerySet
from jiceng.party.models import Member, Organisation, chain_q
from jiceng.people.models import Resident


class Stage(models.TextChoices):
    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    VOTED = "voted", _("支部大会通过，待上级审批")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")
    CANCELLED = "cancelled", _("取消预备党员资格")
    ENDED = "ended", _("终止培养")


OPEN_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.VOTED, Stage.PROBATIONARY)


class Development(models.Model):
    resident = models.ForeignKey(
        Resident, verbose_name=_("居民"), on_delete=models.PROTECT, related_name="developments"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="developments"
    )
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("姓名"), max_length=50)
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices, default=Stage.APPLICANT)
    # Applicant (第八、九条)
    applied_on = models.DateField(_("递交入党申请书日期"))
    talk_on = models.DateField(_("谈话日期"), null=True, blank=True)
    talk_by = models.CharField(_("谈话人"), max_length=50, blank=True)
    # Activist (第十至十三条)
    activist_on = models.DateField(_("确定为入党积极分子日期"), null=True, blank=True)
    activist_filed_on = models.DateField(_("报上级党委备案日期"), null=True, blank=True)
    contacts = models.ManyToManyField(Member, verbose_name=_("培养联系人"), blank=True, related_name="+")
    # Candidate (第十四至二十条)
    candidate_on = models.DateField(_("确定为发展对象日期"), null=True, blank=True)
    introducers = models.ManyToManyField(
        Member, verbose_name=_("入党介绍人"), blank=True, related_name="introduced_developments"
    )
    review_on = models.DateField(_("政治审查日期"), null=True, blank=True)
    review_conclusion = models.TextField(_("政治审查结论"), blank=True)
    review_passed = models.BooleanField(_("政审合格"), null=True, blank=True)
    training_days = models.DecimalField(
        _("集中培训天数"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    training_hours = models.PositiveSmallIntegerField(_("集中培训学时"), null=True, blank=True)
    training_finished_on = models.DateField(_("培训结业日期"), null=True, blank=True)
    notice_from = models.DateField(_("公示开始"), null=True, blank=True)
    notice_until = models.DateField(_("公示结束"), null=True, blank=True)
    # Admission (第二十四至二十九条)
    vote_on = models.DateField(_("支部大会日期"), null=True, blank=True)
    vote_voting = models.PositiveSmallIntegerField(_("应到会有表决权党员"), null=True, blank=True)
    vote_present = models.PositiveSmallIntegerField(_("实到会有表决权党员"), null=True, blank=True)
    vote_for = models.PositiveSmallIntegerField(_("赞成票"), null=True, blank=True)
    approved_on = models.DateField(_("上级党委审批日期"), null=True, blank=True)
    approval_delay_reason = models.CharField(_("延长审批原因"), max_length=200, blank=True)
    member = models.OneToOneField(
        Member,
        verbose_name=_("党员档案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="development",
    )
    oath_on = models.DateField(_("入党宣誓日期"), null=True, blank=True)
    # Probation (第三十至三十五条)
    probation_until = models.DateField(_("预备期满"), null=True, blank=True)
    extended_months = models.PositiveSmallIntegerField(_("延长预备期（月）"), null=True, blank=True)
    conversion_applied_on = models.DateField(_("转正申请日期"), null=True, blank=True)
    conversion_vote_on = models.DateField(_("转正支部大会日期"), null=True, blank=True)
    conversion_approved_on = models.DateField(_("转正审批日期"), null=True, blank=True)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    ended_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.ORGLIFE_VIEW
    # Seen through the chain (committee members above) and by the member it is about.
    scope_extra_q = staticmethod(chain_q("org_path", "resident_id"))

    class Meta:
        verbose_name = _("发展党员")
        verbose_name_plural = _("发展党员")
        ordering = ["stage", "applied_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(stage__in=[s.value for s in OPEN_STAGES]),
                name="development_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_stage_display()}）"

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_org_path(self) -> str:
        return self.org_path

    @property
    def scope_resident_id(self) -> int | None:
        return self.resident_id


class ThoughtReport(models.Model):
    """思想汇报: commonly one a quarter from an activist or a candidate (第十三条)."""

    development = models.ForeignKey(Development, on_delete=models.CASCADE, related_name="reports")
    quarter = models.CharField(_("季度"), max_length=7)  # 2026-Q3
    submitted_on = models.DateField(_("提交日期"))
    summary = models.CharField(_("内容摘要"), max_length=500, blank=True)

    class Meta:
        ordering = ["quarter"]
        constraints = [
            models.UniqueConstraint(fields=["development", "quarter"], name="report_once_a_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.development_id} {self.quarter}"


class Review(models.Model):
    """每半年一次的考察 of an activist by the branch (第十三条)."""

    development = models.ForeignKey(Development, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("考察日期"))
    conclusion = models.CharField(_("考察意见"), max_length=500)

    class Meta:
        ordering = ["reviewed_on"]

    def __str__(self) -> str:
        return f"{self.development_id} {self.reviewed_on}"


class Received(models.Model):
    """A document of the checklist marked as received into the file (入党材料), by kind."""

    development = models.ForeignKey(Development, on_delete=models.CASCADE, related_name="received")
    kind = models.CharField(max_length=40)
    received_on = models.DateField()
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["development", "kind"], name="received_once")]

    def __str__(self) -> str:
        return f"{self.development_id} {self.kind}"
