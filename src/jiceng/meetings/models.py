"""Meetings of a party organisation, their expected attendees and what each attendee did, and
the yearly heart-to-heart talks (谈心谈话) with each member.

A meeting belongs to an organisation and is seen like it: by place (`area_code`), by the
committee of an organisation above it (`org_path`), and by a member expected at it. A talk is
seen the same way, and by the member it was held with.
"""

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.roles import Perm
from jiceng.common.scoping import ScopedQuerySet
from jiceng.meetings.rules import MeetingType
from jiceng.party.models import Member, Organisation, chain_q


class Status(models.TextChoices):
    PLANNED = "planned", _("计划中")  # in the annual plan; no notice yet
    SCHEDULED = "scheduled", _("已通知")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


def _chain_or_attendee(scope: Any) -> Q:
    """Seen through the chain (committee members of an organisation above) and by attendees."""
    found = Q(pk__in=[])
    for path in scope.org_paths:
        found |= Q(org_path__startswith=path)
    if scope.resident_id:
        found |= Q(
            pk__in=Attendance.objects.filter(member__resident_id=scope.resident_id).values("meeting_id")
        )
    return found


def _token() -> str:
    return secrets.token_urlsafe(18)


class Meeting(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="meetings"
    )
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    meeting_type = models.CharField(_("会议类型"), max_length=20, choices=MeetingType.choices)
    title = models.CharField(_("主题"), max_length=200)
    starts_at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    host = models.CharField(_("主持人"), max_length=50, blank=True)
    speaker = models.CharField(_("讲课人"), max_length=50, blank=True)
    # A lecture given by the organisation's secretary: each secretary gives one a year.
    by_secretary = models.BooleanField(_("书记讲党课"), default=False)
    agenda = models.TextField(_("议程"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    minutes = models.TextField(_("会议记录"), blank=True)
    resolutions = models.TextField(_("决议事项"), blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    # Counted when the meeting is recorded as held; a general meeting needs a quorum.
    voting_members = models.PositiveIntegerField(default=0, editable=False)
    present_voting = models.PositiveIntegerField(default=0, editable=False)
    quorum_reached = models.BooleanField(default=True, editable=False)
    sign_in_token = models.CharField(max_length=32, unique=True, default=_token, editable=False)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.ORGLIFE_VIEW
    scope_extra_q = staticmethod(_chain_or_attendee)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "starts_at"], name="meeting_org_start"),
            models.Index(fields=["area_code", "status", "starts_at"], name="meeting_area_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_meeting_type_display()} {self.title}"

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_org_path(self) -> str:
        return self.org_path


class Presence(models.TextChoices):
    EXPECTED = "expected", _("未签到")
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class SignedBy(models.TextChoices):
    QR = "qr", _("扫码签到")
    SECRETARY = "secretary", _("书记登记")


class Attendance(models.Model):
    """A member expected at a meeting and what became of it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendances")
    # Whether the member had a vote at the time (full members; 支部工作条例 第十九条 quorum).
    voting = models.BooleanField(default=True)
    presence = models.CharField(_("出勤"), max_length=20, choices=Presence.choices, default=Presence.EXPECTED)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.CharField(max_length=20, choices=SignedBy.choices, blank=True)
    leave_reason = models.CharField(_("请假事由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        ordering = ["meeting_id", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]
        indexes = [models.Index(fields=["member", "presence"], name="attendance_member")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.member_id} {self.presence}"


def _attachment_path(attachment: "Attachment", filename: str) -> str:
    return f"meetings/{attachment.meeting_id}/{filename}"


class Attachment(models.Model):
    """Minutes as signed on paper, photos, materials of a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=_attachment_path)
    is_photo = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.file.name or ""


class Talk(models.Model):
    """A heart-to-heart talk (谈心谈话) with a member: held with each member at least once a year
    (关于新形势下党内政治生活的若干准则; DOMAIN.md), by the secretary or a committee member."""

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="talks")
    # The member's organisation when the talk was held: its place and chain scope the record.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="talks"
    )
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    talked_on = models.DateField(_("谈话日期"))
    talker = models.CharField(_("谈话人"), max_length=50)
    notes = models.TextField(_("谈话要点"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.ORGLIFE_VIEW
    # Seen through the chain (committee members above) and by the member it is about.
    scope_extra_q = staticmethod(chain_q("org_path", "member__resident_id"))

    class Meta:
        verbose_name = _("谈心谈话")
        verbose_name_plural = _("谈心谈话")
        ordering = ["-talked_on", "-id"]
        indexes = [models.Index(fields=["member", "talked_on"], name="talk_member_day")]

    def __str__(self) -> str:
        return f"{self.talked_on} {self.talker}"

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_org_path(self) -> str:
        return self.org_path

    @property
    def scope_resident_id(self) -> int | None:
        return self.member.resident_id
