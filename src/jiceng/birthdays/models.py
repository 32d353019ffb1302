"""Re-taking the oath (重温入党誓词) as an organisation's activity, often on members' political
birthdays; the birthdays themselves are computed from each member's joining date."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.roles import Perm
from jiceng.common.scoping import ScopedQuerySet
from jiceng.party.models import Member, Organisation


def _chain_or_present(scope: Any) -> Q:
    found = Q(pk__in=[])
    for path in scope.org_paths:
        found |= Q(org_path__startswith=path)
    if scope.resident_id:
        found |= Q(
            pk__in=OathActivity.members.through.objects.filter(member__resident_id=scope.resident_id).values(
                "oathactivity_id"
            )
        )
    return found


class OathActivity(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+"
    )
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    note = models.CharField(_("内容"), max_length=500, blank=True)
    members = models.ManyToManyField(Member, verbose_name=_("参加党员"), related_name="oath_activities")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.ORGLIFE_VIEW
    scope_extra_q = staticmethod(_chain_or_present)

    class Meta:
        verbose_name = _("重温入党誓词")
        verbose_name_plural = _("重温入党誓词")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.held_on}"

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_org_path(self) -> str:
        return self.org_path
