from django.urls import include, path
from django.views.i18n import set_language

from jiceng.api import api

urlpatterns = [
    path("", include("jiceng.dashboard.urls")),
    path("accounts/", include("jiceng.accounts.urls")),
    path("territory/", include("jiceng.territory.urls")),
    path("people/", include("jiceng.people.urls")),
    path("party/", include("jiceng.party.urls")),
    path("units/", include("jiceng.units.urls")),
    path("meetings/", include("jiceng.meetings.urls")),
    path("training/", include("jiceng.training.urls")),
    path("development/", include("jiceng.development.urls")),
    path("dues/", include("jiceng.dues.urls")),
    path("transfers/", include("jiceng.transfers.urls")),
    path("birthdays/", include("jiceng.birthdays.urls")),
    path("appeals/measures/", include("jiceng.appeals.measure_urls")),
    path("appeals/", include("jiceng.appeals.urls")),
    path("notifications/", include("jiceng.notifications.urls")),
    path("rosters/", include("jiceng.rosters.urls")),
    path("settings/workdays/", include("jiceng.workdays.urls")),
    path("settings/appeal-categories/", include("jiceng.appeals.category_urls")),
    path("audit/", include("jiceng.audit.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("open311/v2/", include("jiceng.open311.urls")),
]
