"""The appeal clock, run by `jiceng worker`: warnings at 80 % of the time, overdue escalation."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jiceng.appeals.services import warn_and_escalate


@db_periodic_task(crontab(minute="*/5"))
def appeal_deadlines() -> None:
    warn_and_escalate()
