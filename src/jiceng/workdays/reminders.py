"""Telling the administrators that a year's holiday schedule is missing."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from jiceng.accounts.models import User
from jiceng.accounts.roles import Role
from jiceng.notifications.services import notify
from jiceng.workdays.calendar import missing_years


def years_to_check(today: datetime.date) -> list[int]:
    """This year, and from November (when the State Council usually publishes it) the next."""
    return [today.year, today.year + 1] if today.month >= 11 else [today.year]


def warn_missing_years(today: datetime.date | None = None) -> int:
    today = today or datetime.date.today()
    admins = User.objects.filter(is_active=True, role_bindings__role=Role.SYSTEM_ADMIN).distinct()
    sent = 0
    for year in missing_years(years_to_check(today)):
        sent += notify(
            admins,
            _("%(year)d年节假日安排尚未录入") % {"year": year},
            body=_("在录入之前，该年的办理期限只按周末计算，不含法定节假日和调休。"),
            link=reverse("workdays:year", kwargs={"year": year}),
            topic=f"workdays:missing:{year}",
        )
    return sent
