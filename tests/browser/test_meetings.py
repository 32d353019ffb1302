"""The secretary schedules a branch general meeting; 张三 (member01) opens the meeting's QR link
on their phone and signs in; after the meeting is recorded, the compliance board counts it."""

import datetime
import re

import pytest
from django.utils import timezone

from jiceng.meetings.models import Meeting, Presence
from tests.browser.conftest import login
from tests.browser.test_mobile import PHONE, assert_fits_the_screen
from tests.conftest import World
from tests.party.factories import party_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_meeting_from_scheduling_to_qr_sign_in_to_the_board(world: World, new_page):
    pw = party_world(world)  # 张三 (member01) is on grid 1's branch, alone
    errors: list[str] = []

    desk = new_page()
    desk.on("pageerror", lambda exc: errors.append(str(exc)))
    login(desk, "secretary")
    desk.goto("/meetings/board/")
    row = desk.get_by_test_id(f"board-row-{pw.branch1.pk}")
    quarter_before = row.locator("td").nth(2).inner_text()
    assert quarter_before.startswith("0/")

    # The meeting starts in 20 minutes: sign-in is already open.
    starts = timezone.localtime(timezone.now() + datetime.timedelta(minutes=20))
    desk.goto("/meetings/new/")
    desk.select_option("#id_organisation", label=pw.branch1.name)
    desk.select_option("#id_meeting_type", value="general")
    desk.fill("#id_title", "第四季度支部党员大会")
    desk.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    desk.fill("#id_place", "社区党群服务中心")
    desk.get_by_test_id("schedule-form").locator("button").click()
    desk.wait_for_url(re.compile(r"/meetings/\d+/$"))
    meeting = Meeting.objects.get(title="第四季度支部党员大会")
    qr = desk.get_by_test_id("sign-qr")
    desk.wait_for_function("() => document.querySelector('[data-testid=sign-qr]').naturalWidth > 0")
    assert qr.is_visible()
    sign_url = desk.get_by_test_id("sign-url").inner_text()
    assert sign_url.endswith(f"/meetings/sign/{meeting.sign_in_token}/")

    # 张三 scans the code: the phone opens the link, logs in, and signs in.
    phone = new_page(**PHONE)
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    login(phone, "member01")
    phone.goto(sign_url)
    assert "第四季度支部党员大会" in phone.content()
    assert_fits_the_screen(phone, "meeting-sign")
    phone.get_by_test_id("sign-in").click()
    phone.get_by_test_id("signed-in").wait_for()
    assert meeting.attendances.get().presence == Presence.PRESENT

    # The secretary sees the sign-in and, after the meeting, records it as held.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=1))
    desk.reload()
    assert "出席1" in desk.get_by_test_id("attendance-counts").inner_text()
    desk.fill("#id_minutes", "传达学习上级会议精神，讨论第四季度工作安排，全体党员表决通过。")
    desk.get_by_test_id("record-form").locator("button").click()
    desk.wait_for_load_state()
    assert desk.get_by_test_id("meeting-status").inner_text().startswith("已召开")

    desk.goto("/meetings/board/")
    quarter_after = desk.get_by_test_id(f"board-row-{pw.branch1.pk}").locator("td").nth(2).inner_text()
    assert quarter_after.startswith("1/"), quarter_after
    assert not errors
