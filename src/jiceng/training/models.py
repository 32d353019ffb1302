"""The community party school (社区党校): courses in the "2+X" shape — two fixed modules every
member takes plus chosen electives — their sessions, who is enrolled, who attended, and the
yearly class-hour requirement.

Courses belong to a party organisation (usually the community's committee, whose school serves
every branch below it) and are seen like it; a member sees the courses they are enrolled in.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.roles import Perm
from jiceng.common.scoping import ScopedQuerySet
from jiceng.party.models import Member, Organisation


class Module(models.TextChoices):
    # The two fixed modules of "2+X" and the electives.
    THEORY = "theory", _("党的理论教育（必修）")
    PARTY_SPIRIT = "party_spirit", _("党性教育（必修）")
    ELECTIVE = "elective", _("选修（X）")


FIXED_MODULES = (Module.THEORY, Module.PARTY_SPIRIT)


def _chain_or_enrolled(scope: Any) -> Q:
    found = Q(pk__in=[])
    for path in scope.org_paths:
        found |= Q(org_path__startswith=path)
    if scope.resident_id:
        found |= Q(pk__in=Enrolment.objects.filter(member__resident_id=scope.resident_id).values("course_id"))
    return found


class Course(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("举办党组织"), on_delete=models.PROTECT, related_name="courses"
    )
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("课程"), max_length=100)
    module = models.CharField(_("模块"), max_length=20, choices=Module.choices)
    description = models.TextField(_("简介"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.ORGLIFE_VIEW
    scope_extra_q = staticmethod(_chain_or_enrolled)

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["-year", "module", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_org_path(self) -> str:
        return self.org_path


class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("时间"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    teacher = models.CharField(_("授课人"), max_length=50)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    topic = models.CharField(_("内容"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.course_id} {self.starts_at:%Y-%m-%d}"


class Enrolment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="enrolments")
    batch = models.CharField(_("批次"), max_length=100, blank=True)
    enrolled_on = models.DateField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "member"], name="enrolled_once")]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.member_id}"


class Attendance(models.Model):
    """A member present at a session: its hours count for them."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="training_attendances")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="training_present_once")]
        indexes = [models.Index(fields=["member", "session"], name="training_member_session")]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.member_id}"


class Requirement(models.Model):
    """The yearly class hours an organisation asks of its members; the nearest organisation
    above a member that sets one applies, otherwise DEFAULT_HOURS."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    hours = models.DecimalField(_("每年学时要求"), max_digits=5, decimal_places=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="requirement_once")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}: {self.hours}"
