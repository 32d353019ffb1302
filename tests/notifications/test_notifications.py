"""Notifications: one's own messages on a page and through the API, and the election reminders
that fill them."""

import datetime
import json
from typing import Any

from django.test import Client
from django.urls import reverse

from jiceng.accounts.models import ApiToken, User
from jiceng.notifications.models import Notification
from jiceng.notifications.services import notify
from jiceng.party import services as party
from jiceng.party.models import Position
from jiceng.party.reminders import send_election_reminders
from tests.conftest import World
from tests.party.factories import party_world


def _send(user: User, n: int, title: str = "通知") -> list[Notification]:
    for i in range(n):
        notify([user], f"{title}{i}", body="正文", link=f"/people/households/?n={i}")
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def _bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'test')[1]}"}


# ---- the page ------------------------------------------------------------------------------


def test_the_list_shows_own_messages_unread_first(world: World):
    me = world.users["grid01"]
    old, _new = _send(me, 2)
    Notification.objects.filter(pk=old.pk).update(read_at="2026-01-01T00:00:00Z")
    notify([world.users["grid02"]], "李四家走访提醒")
    content = world.client("grid01").get(reverse("notifications:list")).content.decode()
    unread, read = content.split('data-testid="read-list"')
    assert "通知1" in unread and 'data-unread="1"' in unread and "通知0" not in unread
    assert "通知0" in read and 'data-unread="1"' not in read
    assert "李四家走访提醒" not in content  # grid 2's worker's message
    assert 'data-testid="unread-count">1<' in content


def test_opening_a_message_marks_it_read_and_follows_its_link(world: World):
    (message,) = _send(world.users["grid01"], 1)
    client = world.client("grid01")
    response = client.get(reverse("notifications:open", kwargs={"pk": message.pk}))
    assert response.status_code == 302 and response["Location"] == message.link
    message.refresh_from_db()
    assert message.read_at is not None


def test_only_the_recipient_may_open_a_message(world: World):
    (message,) = _send(world.users["grid02"], 1)
    for persona in ("grid01", "secretary", "district"):
        response = world.client(persona).get(reverse("notifications:open", kwargs={"pk": message.pk}))
        assert response.status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_a_link_to_another_site_is_not_followed(world: World):
    notify([world.users["grid01"]], "钓鱼", link="https://evil.example/login")
    message = Notification.objects.get(title="钓鱼")
    response = world.client("grid01").get(reverse("notifications:open", kwargs={"pk": message.pk}))
    assert response["Location"] == reverse("notifications:list")


def test_read_all_marks_only_ones_own_messages(world: World):
    _send(world.users["grid01"], 3)
    _send(world.users["grid02"], 2)
    client = world.client("grid01")
    assert client.get(reverse("notifications:read_all")).status_code == 302  # a GET changes nothing
    assert Notification.objects.filter(read_at__isnull=True).count() == 5
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "已将3条通知标为已读" in response.content.decode()
    assert Notification.objects.filter(recipient=world.users["grid01"], read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=world.users["grid02"], read_at__isnull=True).count() == 2


def test_read_messages_page_by_keyset_and_htmx(world: World):
    me = world.users["grid01"]
    _send(me, 60)
    Notification.objects.update(read_at="2026-01-01T00:00:00Z")
    client = world.client("grid01")
    content = client.get(reverse("notifications:list")).content.decode()
    assert (
        content.count('data-testid="notification"') == 50 and "通知59" in content and "通知9<" not in content
    )
    cursor = Notification.objects.filter(title="通知10").values_list("pk", flat=True).get()
    fragment = client.get(reverse("notifications:list"), {"before": cursor}, HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert "<html" not in text and text.count('data-testid="notification"') == 10
    assert "通知9" in text and "通知10" not in text and "加载更多" not in text


def test_the_list_query_count_does_not_grow_with_messages(world: World, django_assert_max_num_queries: Any):
    me = world.users["grid01"]
    client = world.client("grid01")
    _send(me, 2)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("notifications:list"))
    _send(me, 40, title="更多")
    Notification.objects.filter(title__startswith="更多1").update(read_at="2026-01-01T00:00:00Z")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications:list"))


# ---- the API -------------------------------------------------------------------------------


def test_the_api_lists_own_messages_with_the_unread_count(world: World):
    me = world.users["grid01"]
    first, *_rest = _send(me, 5)
    Notification.objects.filter(pk=first.pk).update(read_at="2026-01-01T00:00:00Z")
    notify([world.users["grid02"]], "李四家走访提醒")
    client = Client()
    page = client.get("/api/v1/notifications/", {"size": 3}, **_bearer(me)).json()
    assert [n["title"] for n in page["items"]] == ["通知4", "通知3", "通知2"]
    assert page["unread"] == 4
    rest = client.get("/api/v1/notifications/", {"after": page["next_cursor"]}, **_bearer(me)).json()
    assert [n["title"] for n in rest["items"]] == ["通知1", "通知0"] and rest["next_cursor"] is None
    unread = client.get("/api/v1/notifications/", {"unread_only": True}, **_bearer(me)).json()
    assert "通知0" not in [n["title"] for n in unread["items"]] and len(unread["items"]) == 4


def test_the_api_marks_messages_read(world: World):
    me = world.users["grid01"]
    mine = _send(me, 3)
    (theirs,) = _send(world.users["grid02"], 1)
    client = Client()

    def read(body: dict[str, Any]) -> Any:
        return client.post(
            "/api/v1/notifications/read", json.dumps(body), content_type="application/json", **_bearer(me)
        )

    assert read({"ids": [mine[0].pk, theirs.pk]}).status_code == 404  # not all of them are mine
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    assert read({"ids": [mine[0].pk]}).json() == {"marked": 1, "unread": 2}
    response = read({})
    assert response.status_code == 422 and "ids" in response.json()["errors"]
    assert read({"all": True}).json() == {"marked": 2, "unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


# ---- election reminders --------------------------------------------------------------------

TODAY = datetime.date(2026, 1, 1)


def test_a_term_ending_in_80_days_reminds_the_community_secretary_once_per_window(world: World):
    p = party_world(world)  # grid 1's branch term ends in 2027: outside every window
    # 王五 (no account) is elected secretary of grid 2's branch; the 3-year term ends in 80 days.
    ends_on = TODAY + datetime.timedelta(days=80)
    term = party.elect_committee(
        actor=world.users["secretary"],
        organisation=p.branch2,
        elected_on=ends_on.replace(year=ends_on.year - 3),
        seats=[(p.member2, Position.SECRETARY)],
    )
    assert term.ends_on == ends_on
    assert send_election_reminders(TODAY) == 1
    message = Notification.objects.get()
    assert message.recipient == world.users["secretary"]
    assert message.topic == f"election:{term.pk}:90"
    assert "第二网格党支部" in message.title and str(ends_on) in message.title
    assert message.link == reverse("party:organisation", kwargs={"pk": p.branch2.pk})
    # The next day, and later in the same 90-day window: nothing new.
    assert send_election_reminders(TODAY) == 0
    assert send_election_reminders(TODAY + datetime.timedelta(days=40)) == 0
    # Entering the 30-day window: one more.
    assert send_election_reminders(ends_on - datetime.timedelta(days=30)) == 1
    assert Notification.objects.count() == 2


def test_an_overdue_term_sends_an_overdue_reminder_to_the_secretaries(world: World):
    p = party_world(world)
    # The community committee's 5-year term, with 张三 (the `member` persona) as its secretary,
    # ended a year ago.
    term = party.elect_committee(
        actor=world.users["secretary"],
        organisation=p.committee,
        elected_on=datetime.date(2020, 1, 1),
        seats=[(p.member1, Position.SECRETARY)],
    )
    assert term.ends_on == datetime.date(2025, 1, 1)
    assert send_election_reminders(TODAY) == 2
    messages = Notification.objects.filter(topic=f"election:{term.pk}:overdue")
    assert {m.recipient.username for m in messages} == {"secretary", "member01"}
    assert all("已于2025-01-01届满" in m.title for m in messages)
    assert send_election_reminders(TODAY + datetime.timedelta(days=1)) == 0
    # and it shows on the secretary's page
    content = world.client("secretary").get(reverse("notifications:list")).content.decode()
    assert "世纪花园社区党委任期已于2025-01-01届满" in content
