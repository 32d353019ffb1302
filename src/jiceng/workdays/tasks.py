"""Warn the system administrators when a year has no holiday schedule yet."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jiceng.workdays.reminders import warn_missing_years


@db_periodic_task(crontab(hour="8", minute="0"))
def missing_schedule_warning() -> None:
    warn_missing_years()
