"""Roster import jobs: the uploaded workbook, its validation result and the import's progress."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RosterKind(models.TextChoices):
    BUILDINGS = "buildings", _("楼栋花名册")
    HOUSEHOLDS = "households", _("住户花名册")
    RESIDENTS = "residents", _("居民花名册")
    ORGANISATIONS = "organisations", _("党组织花名册")
    MEMBERS = "members", _("党员花名册")
    LIAISON = "liaison", _("联系户花名册")
    # Organisational life: each registered by its own app (registry.register).
    MEETINGS = "meetings", _("会议记录")
    ATTENDANCE = "attendance", _("会议出勤")
    TRAINING = "training", _("培训学时")
    DUES = "dues", _("党费台账")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    VALIDATING = "validating", _("正在校验")
    FAILED = "failed", _("有错误")
    READY = "ready", _("校验通过，待导入")
    IMPORTING = "importing", _("正在导入")
    DONE = "done", _("已完成")


RUNNING_STATUSES = (JobStatus.PENDING, JobStatus.VALIDATING, JobStatus.IMPORTING)


class ImportJob(models.Model):
    """One uploaded roster. The workbook is kept in the database, not on a media volume, so a
    worker on another machine reads the same bytes and the file goes when the job goes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(_("花名册"), max_length=20, choices=RosterKind.choices)
    file_name = models.CharField(_("文件名"), max_length=200)
    data = models.BinaryField(_("文件内容"))
    status = models.CharField(_("状态"), max_length=20, choices=JobStatus.choices, default=JobStatus.PENDING)
    # Stop after validation and wait for the user to confirm (status "ready").
    check_only = models.BooleanField(_("仅校验"), default=False)
    valid_only = models.BooleanField(_("只导入正确的行"), default=False)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    error_rows = models.PositiveIntegerField(_("有错误的行数"), default=0)
    progress = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_counts = models.JSONField(_("新增数量"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    skipped_rows = models.JSONField(_("跳过的行"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="importjob_user_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.progress * 100 // self.total_rows)

    @property
    def valid_rows(self) -> int:
        return max(0, self.total_rows - self.error_rows)

    @property
    def created_total(self) -> int:
        return sum(self.created_counts.values())
