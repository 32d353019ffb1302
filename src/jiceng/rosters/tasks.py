"""Background work: large roster imports run in `jiceng worker` while the page shows progress."""

from huey.contrib.djhuey import db_task

from jiceng.rosters import services


@db_task()
def run_import_job(job_id: str) -> None:
    services.run_job(job_id)
