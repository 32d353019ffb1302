"""Transfers' daily job, run by `jiceng worker`."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jiceng.transfers.services import expire_letters


@db_periodic_task(crontab(hour="7", minute="50"))
def expired_letters() -> None:
    expire_letters()
