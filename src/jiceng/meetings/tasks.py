"""Meetings' daily job, run by `jiceng worker`."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jiceng.meetings.warnings import send_overdue_warnings


@db_periodic_task(crontab(hour="7", minute="40"))
def overdue_warnings() -> None:
    send_overdue_warnings()
