"""Keep the street and district dashboards' figures fresh in the cache."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jiceng.dashboard.queries import CACHED_CODE_LENGTH, refresh
from jiceng.territory.models import Area


def refresh_large_areas() -> int:
    codes = list(
        Area.objects.filter(code__regex=rf"^\d{{1,{CACHED_CODE_LENGTH}}}$").values_list("code", flat=True)
    )
    for code in codes:
        refresh(code)
    return len(codes)


@db_periodic_task(crontab(minute=f"*/{settings.DASHBOARD_REFRESH_MINUTES}"))
def refresh_dashboards() -> None:
    refresh_large_areas()
