"""Sending notifications by e-mail and SMS happens in the worker, never in the request."""

from huey.contrib.djhuey import db_task

from jiceng.notifications.channels import deliver


@db_task()
def deliver_notifications(notification_ids: list[int]) -> int:
    return deliver(notification_ids)
