"""The meeting pages and API as the secretary, a branch secretary and a member use them."""

import datetime
import io
import json

from django.urls import reverse
from django.utils import timezone
from docx import Document

from jiceng.meetings import services
from jiceng.meetings.models import Meeting, Presence, Status
from tests.conftest import World
from tests.meetings.factories import schedule, soon, their_meeting
from tests.party.factories import party_world


def test_the_secretary_schedules_a_meeting_from_the_form(world: World):
    pw = party_world(world)
    when = timezone.localtime(soon(26)).strftime("%Y-%m-%dT%H:%M")
    response = world.client("secretary").post(
        reverse("meetings:new"),
        {
            "organisation": pw.branch1.pk,
            "meeting_type": "general",
            "title": "第四季度党员大会",
            "starts_at": when,
            "place": "党群服务中心",
        },
    )
    meeting = Meeting.objects.get(title="第四季度党员大会")
    assert response.status_code == 302 and response["Location"] == reverse(
        "meetings:meeting", args=[meeting.pk]
    )
    assert meeting.status == Status.SCHEDULED and meeting.attendances.count() == 1


def test_a_bad_schedule_shows_the_reason(world: World):
    pw = party_world(world)
    response = world.client("secretary").post(
        reverse("meetings:new"),
        {
            "organisation": pw.branch1.pk,
            "meeting_type": "lecture",
            "title": "党课",
            "starts_at": "2026-12-01T14:30",
        },
    )
    assert response.status_code == 200 and "党课须填写讲课人" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_member_sees_their_meeting_and_signs_in_by_its_link(world: World):
    meeting = schedule(world, party_world(world).branch1)
    client = world.client("member")
    assert meeting.title in client.get(reverse("meetings:index")).content.decode()
    sign_url = reverse("meetings:sign", args=[meeting.sign_in_token])
    assert "签到" in client.get(sign_url).content.decode()
    client.post(sign_url)
    assert meeting.attendances.get().presence == Presence.PRESENT
    assert "已签到" in client.get(sign_url).content.decode()


def test_others_cannot_open_a_meeting_or_its_sign_in_link(world: World):
    meeting = their_meeting(world)
    for persona in ("grid01", "member", "resident"):
        client = world.client(persona)
        assert client.get(reverse("meetings:meeting", args=[meeting.pk])).status_code == 404
        assert client.get(reverse("meetings:sign", args=[meeting.sign_in_token])).status_code == 404
    assert world.client("street").get(reverse("meetings:meeting", args=[meeting.pk])).status_code == 200


def test_only_managers_see_the_qr_code(world: World):
    meeting = schedule(world, party_world(world).branch1)
    qr = world.client("secretary").get(reverse("meetings:qr", args=[meeting.pk]))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert world.client("street").get(reverse("meetings:qr", args=[meeting.pk])).status_code == 403


def test_the_register_comes_as_pdf_and_word(world: World):
    pw = party_world(world)
    meeting = schedule(world, pw.branch1, at=timezone.now() - datetime.timedelta(minutes=10))
    services.sign_in(user=world.users["member"], meeting=meeting)
    services.record_held(
        actor=world.users["secretary"],
        meeting=meeting,
        minutes="传达学习上级精神并讨论工作安排。",
        resolutions="同意",
    )
    today = timezone.localdate()
    params = {"first": today.replace(day=1).isoformat(), "last": today.isoformat()}
    url = reverse("meetings:register", args=[pw.branch1.pk])
    pdf = world.client("member").get(url, {**params, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    word = world.client("secretary").get(url, {**params, "format": "docx"})
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert "三会一课记录本" in text and meeting.title in text
    cells = [c.text for t in Document(io.BytesIO(word.content)).tables for row in t.rows for c in row.cells]
    assert any("张三" in c for c in cells) and any("超过半数" in c for c in cells)


def test_the_board_page_lists_the_organisations(world: World):
    pw = party_world(world)
    page = world.client("secretary").get(reverse("meetings:board")).content.decode()
    assert pw.branch1.name in page and pw.branch2.name in page
    street_page = world.client("street").get(reverse("meetings:board")).content.decode()
    assert pw.branch2.name in street_page


def test_the_api_schedules_signs_in_and_reports_the_board(world: World):
    pw = party_world(world)
    secretary = world.client("secretary")
    created = secretary.post(
        "/api/v1/meetings/meetings",
        json.dumps(
            {
                "organisation_id": pw.branch1.pk,
                "meeting_type": "theme_day",
                "title": "主题党日：清洁家园",
                "starts_at": soon().isoformat(),
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    signed = world.client("member").post(
        f"/api/v1/meetings/meetings/{pk}/sign-in", "{}", content_type="application/json"
    )
    assert signed.status_code == 200 and signed.json()["presence"] == "present"
    refused = world.client("resident").post(
        f"/api/v1/meetings/meetings/{pk}/sign-in", "{}", content_type="application/json"
    )
    assert refused.status_code == 404
    board = secretary.get("/api/v1/meetings/board").json()
    assert {o["id"] for o in board["organisations"]} == {pw.committee.pk, pw.branch1.pk, pw.branch2.pk}
    mine = world.client("member").get("/api/v1/meetings/meetings").json()
    assert [m["id"] for m in mine["items"]] == [pk]


def test_the_board_page_is_cached_until_a_meeting_is_recorded(world: World):
    pw = party_world(world)
    client = world.client("secretary")
    row = f'data-testid="board-row-{pw.branch1.pk}"'

    def quarter_cell() -> str:
        page = client.get(reverse("meetings:board")).content.decode()
        return page.split(row, 1)[1].split("<td>")[3]

    assert ">0/" in quarter_cell()
    meeting = schedule(world, pw.branch1, at=timezone.now() - datetime.timedelta(minutes=5))
    services.sign_in(user=world.users["member"], meeting=meeting)
    assert ">0/" in quarter_cell()  # scheduling and signing in change nothing on the board
    services.record_held(
        actor=world.users["secretary"], meeting=meeting, minutes="传达学习上级精神并讨论工作安排。"
    )
    assert ">1/" in quarter_cell()
