"""Dues' monthly job, run by `jiceng worker`."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jiceng.dues.warnings import send_dues_warnings


@db_periodic_task(crontab(day="1", hour="8", minute="0"))
def dues_warnings() -> None:
    send_dues_warnings()
