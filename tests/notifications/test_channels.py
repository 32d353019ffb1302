"""Notifications also go out by e-mail and SMS, through the worker, after the change commits."""

from typing import Any

from django.core import mail

from jiceng.notifications.channels import MemorySmsBackend
from jiceng.notifications.services import notify
from tests.conftest import World


def test_a_notification_goes_by_email_and_sms_to_who_can_be_reached(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
):
    settings.SMS_BACKEND = "jiceng.notifications.channels.MemorySmsBackend"
    settings.NOTIFY_CHANNELS = ["email", "sms"]
    MemorySmsBackend.outbox.clear()
    secretary, member = world.users["secretary"], world.users["member"]  # member01 is 张三, with a phone
    secretary.email = "shuji@example.org"
    secretary.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notify([secretary, member], "第一网格党支部任期将满", body="请准备换届", link="/party/")
    assert [m.to for m in mail.outbox] == [["shuji@example.org"]]
    assert mail.outbox[0].subject == "第一网格党支部任期将满" and "/party/" in mail.outbox[0].body
    assert MemorySmsBackend.outbox == [("13812345678", "【基层治理】第一网格党支部任期将满 请准备换届")]


def test_nothing_leaves_when_the_change_is_rolled_back(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
):
    settings.SMS_BACKEND = "jiceng.notifications.channels.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([world.users["member"]], "不会发出")
    assert callbacks and MemorySmsBackend.outbox == []  # waiting for a commit that never comes


def test_a_reminder_topic_is_delivered_once(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
):
    settings.SMS_BACKEND = "jiceng.notifications.channels.MemorySmsBackend"
    settings.NOTIFY_CHANNELS = ["sms"]
    MemorySmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.users["member"]], "换届提醒", topic="election:1:90")
        notify([world.users["member"]], "换届提醒", topic="election:1:90")
    assert len(MemorySmsBackend.outbox) == 1
