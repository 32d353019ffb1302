"""Political birthdays' daily job, run by `jiceng worker`."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jiceng.birthdays.services import send_greetings


@db_periodic_task(crontab(hour="8", minute="30"))
def greetings() -> None:
    send_greetings()
