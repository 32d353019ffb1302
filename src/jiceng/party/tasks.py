"""The party chain's daily jobs, run by `jiceng worker`."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jiceng.party.reminders import send_election_reminders


@db_periodic_task(crontab(hour="7", minute="30"))
def election_reminders() -> None:
    send_election_reminders()
