"""The appeal worker's jobs (`jiceng worker`): completing intakes, the clock's warnings at 80 %
of the time and overdue escalation."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jiceng.appeals import intake
from jiceng.appeals.services import warn_and_escalate


@db_task()
def complete_intakes() -> None:
    """Enqueued by the first intake after the worker last caught up (intake.queue). Returns
    nothing, so huey stores no result for each job."""
    intake.complete_pending()


@db_periodic_task(crontab(minute="*"))
def complete_stranded_intakes() -> None:
    """Intakes whose signal was lost (the queue's store restarted): at most a minute late."""
    intake.complete_pending()


@db_periodic_task(crontab(minute="*/5"))
def appeal_deadlines() -> None:
    warn_and_escalate()
