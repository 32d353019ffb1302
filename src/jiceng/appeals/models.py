"""Resident appeals handled on receipt (接诉即办), after the digital urban management cycle
(GB/T 30428): intake → acceptance → dispatch → handling → verification → closure → rating.

An appeal belongs to a place (`area_code`: the grid of its building, or the community when no
building is known), so the territory scope of the foundation applies; its submitter and the
people it is dispatched to see it too. Every step is an `AppealEvent`, the appeal's timeline.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.roles import Perm
from jiceng.common.fields import EncryptedCharField
from jiceng.common.scoping import ScopedQuerySet
from jiceng.people.models import Household
from jiceng.territory.models import Building


class HandlerType(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    LIAISON_MEMBER = "liaison_member", _("联系户党员")
    COMMUNITY_STAFF = "community_staff", _("社区工作者")
    SINKING_UNIT = "sinking_unit", _("下沉单位")
    STREET_DEPARTMENT = "street_department", _("街道职能部门（吹哨报到）")


class LimitUnit(models.TextChoices):
    HOURS = "hours", _("小时")
    WORKING_DAYS = "working_days", _("工作日")


class Category(models.Model):
    """A configurable tree of appeal categories, each with its handler and time limits."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    handler_type = models.CharField(
        _("默认处置人"), max_length=30, choices=HandlerType.choices, default=HandlerType.GRID_WORKER
    )
    response_limit = models.PositiveIntegerField(_("响应时限"), default=24)
    response_unit = models.CharField(
        _("响应时限单位"), max_length=20, choices=LimitUnit.choices, default=LimitUnit.HOURS
    )
    resolution_limit = models.PositiveIntegerField(_("办结时限"), default=7)
    resolution_unit = models.CharField(
        _("办结时限单位"), max_length=20, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    # Category-based routing: the unit or street department that takes this category.
    unit = models.ForeignKey(
        "units.SinkingUnit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.CharField(_("街道职能部门"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class AppealKind(models.TextChoices):
    APPEAL = "appeal", _("诉求")
    CONSULTATION = "consultation", _("咨询")


class Channel(models.TextChoices):
    RESIDENT = "resident", _("居民自助")
    WALK_IN = "walk_in", _("来访")
    PHONE = "phone", _("来电")
    PATROL = "patrol", _("网格巡查")
    API = "api", _("接口")
    OPEN311 = "open311", _("Open311")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    IN_PROGRESS = "in_progress", _("办理中")
    HANDLED = "handled", _("已办理")
    VERIFIED = "verified", _("已核查")
    CLOSED = "closed", _("已办结")
    REJECTED = "rejected", _("不予受理")
    MERGED = "merged", _("已合并")


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.HANDLED,
    Status.VERIFIED,
)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


def _appeal_q(scope: object) -> Q:
    condition = Q(pk__in=[])
    user_id = getattr(scope, "user_id", None)
    if user_id:
        # The appeals one helps with as a list of keys, not a join (an appeal with several
        # helpers must come back once) nor a subquery (which no index can answer): each branch
        # of the OR is then an index scan, and a queue of open appeals never walks the closed.
        helping = list(Helper.objects.filter(user_id=user_id).values_list("appeal_id", flat=True))
        condition |= Q(submitter_id=user_id) | Q(handler_id=user_id) | Q(pk__in=helping)
    return condition


class Appeal(models.Model):
    number = models.CharField(_("编号"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=AppealKind.choices, default=AppealKind.APPEAL)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="appeals"
    )
    text = models.TextField(_("诉求内容"))
    keywords = models.CharField(max_length=200, blank=True, default="", editable=False)
    # Hidden from the public (Open311, published lists) when true; staff always see who it is.
    anonymous = models.BooleanField(_("对外匿名"), default=False)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    reporter_name = models.CharField(_("诉求人"), max_length=50, blank=True)
    reporter_phone = EncryptedCharField(_("联系电话"), blank=True, default="")
    reporter_phone_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    reporter_phone_mask = models.CharField(max_length=20, blank=True, default="", editable=False)
    household = models.ForeignKey(
        Household,
        verbose_name=_("户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    address = models.CharField(_("地点"), max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    area_code = models.CharField(max_length=15, editable=False)  # indexed with others below
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    # Optimistic concurrency: every change names the version it saw (see services.py).
    version = models.PositiveIntegerField(default=1)
    handler_type = models.CharField(_("处置类型"), max_length=30, choices=HandlerType.choices, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_appeals",
    )
    handler_unit = models.ForeignKey(
        "units.SinkingUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    handler_department = models.CharField(_("街道职能部门"), max_length=100, blank=True)
    liaison_member = models.ForeignKey(
        "party.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="informed_appeals"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    result = models.TextField(_("办理结果"), blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    response_due = models.DateTimeField(null=True, blank=True, db_index=True)
    resolution_due = models.DateTimeField(null=True, blank=True, db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    warned_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(default=0)
    flagged = models.BooleanField(_("书记关注"), default=False)
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.APPEALS_VIEW
    scope_extra_q = staticmethod(_appeal_q)

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["area_code", "status"], name="appeal_area_status"),
            # The handlers' queue: open appeals of an area, oldest first (a small index: most
            # appeals are closed).
            models.Index(
                fields=["area_code", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="appeal_open_area",
            ),
            # The measures and hot issues of an area in a month (measures.py).
            models.Index(fields=["area_code", "created_at"], name="appeal_area_created"),
            models.Index(fields=["area_code", "dispatched_at"], name="appeal_area_dispatched"),
            models.Index(
                fields=["area_code", "rated_at"],
                condition=Q(rated_at__isnull=False),
                name="appeal_area_rated",
            ),
            models.Index(
                fields=["area_code", "closed_at"],
                condition=Q(closed_at__isnull=False),
                name="appeal_area_closed",
            ),
            models.Index(fields=["handler", "status"], name="appeal_handler_status"),
            models.Index(fields=["building", "category", "status"], name="appeal_building_category"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_user_ids(self) -> tuple[int, ...]:
        """The people it names: who raised it, who handles it and who helps."""
        ids = [self.submitter_id, self.handler_id, *self.helpers.values_list("user_id", flat=True)]
        return tuple(i for i in ids if i)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Helper(models.Model):
    """协办: someone else who joins the handling."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="helpers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "units.SinkingUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.appeal_id}+{self.user_id or self.unit_id}"


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("提交")
    ANSWERED = "answered", _("咨询答复")
    ACCEPTED = "accepted", _("受理")
    REJECTED = "rejected", _("不予受理")
    MERGED = "merged", _("合并")
    DISPATCHED = "dispatched", _("派单")
    RETURNED = "returned", _("退单")
    JOINED = "joined", _("协办")
    STARTED = "started", _("开始办理")
    NOTE = "note", _("办理记录")
    HANDLED = "handled", _("办理完毕")
    VERIFIED = "verified", _("核查")
    CLOSED = "closed", _("办结")
    RATED = "rated", _("评价")
    REOPENED = "reopened", _("重新办理")
    PAUSED = "paused", _("暂停计时")
    RESUMED = "resumed", _("恢复计时")
    WARNED = "warned", _("临期预警")
    ESCALATED = "escalated", _("超期上报")


class AppealEvent(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    # A default, not auto_now_add: intake's event is dated when the appeal was submitted.
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["appeal_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"


def _photo_path(photo: "AppealPhoto", filename: str) -> str:
    return f"appeals/{photo.appeal_id}/{filename}"


class AppealPhoto(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        AppealEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    image = models.ImageField(upload_to=_photo_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.image.name or ""


class PendingIntake(models.Model):
    """An appeal taken in whose timeline, audit record and notifications the worker still owes
    (intake.py): the request stores the appeal and this row, the worker completes them in
    batches. The table holds only what is in flight."""

    appeal = models.OneToOneField(Appeal, on_delete=models.CASCADE, primary_key=True, related_name="+")
    address = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return str(self.appeal_id)
