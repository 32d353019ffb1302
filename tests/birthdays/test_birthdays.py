"""Political birthdays: this week's list, the greeting once a year, the oath, the card."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jiceng.birthdays import queries, services
from jiceng.notifications.models import Notification
from jiceng.party.models import Member
from tests.conftest import World
from tests.party.factories import party_world

D = datetime.date


def test_anniversaries_fall_in_the_week_and_29_february_on_the_28th():
    assert queries.anniversary(D(2004, 2, 29), 2026) == D(2026, 2, 28)
    assert queries.anniversary(D(2004, 2, 29), 2028) == D(2028, 2, 29)
    assert queries.week_of(D(2026, 11, 22)) == (D(2026, 11, 16), D(2026, 11, 22))  # a Sunday


def test_the_weeks_birthdays_are_listed_and_members_greeted_once(world: World):
    pw = party_world(world)  # 张三 joined 2005-07-01, 王五 1990-07-01
    day = D(2026, 7, 1)  # a Wednesday
    rows = queries.birthdays(Member.objects.all(), *queries.week_of(day))
    assert [(b.member.name, b.years) for b in sorted(rows, key=lambda b: b.member.name)] == [
        ("张三", 21),
        ("王五", 36),
    ]
    assert services.send_greetings(day) >= 1
    greeting = Notification.objects.get(recipient=world.users["member"], title="政治生日快乐！")
    assert "21周年" in greeting.body
    lists = Notification.objects.filter(recipient=world.users["secretary"], title__contains="本周政治生日")
    assert lists.count() == 2  # one per branch
    assert services.send_greetings(day + datetime.timedelta(days=1)) == 0
    assert not queries.birthdays(Member.objects.all(), *queries.week_of(D(2026, 7, 8)))
    assert pw.member1.pk in {b.member.pk for b in rows}


def test_a_member_who_joined_this_year_has_no_birthday_yet(world: World):
    pw = party_world(world)
    Member.objects.filter(pk=pw.member1.pk).update(
        joined_on=D(2026, 7, 1), full_on=None, status="probationary"
    )
    rows = queries.birthdays(Member.objects.filter(pk=pw.member1.pk), D(2026, 6, 29), D(2026, 7, 5))
    assert rows == []


def test_the_oath_is_recorded_with_members_of_the_organisation_only(world: World):
    pw = party_world(world)
    with pytest.raises(ValidationError, match="不属于"):
        services.record_oath(
            actor=world.users["secretary"],
            organisation=pw.branch1,
            held_on=D(2026, 7, 1),
            members=[pw.member2],
        )
    row = services.record_oath(
        actor=world.users["member"],
        organisation=pw.branch1,
        held_on=D(2026, 7, 1),
        members=[pw.member1],
        place="党群服务中心",
    )
    assert list(row.members.all()) == [pw.member1]
    assert queries.member_year_summary(pw.member1, 2026)["oath_activities"] == [D(2026, 7, 1)]


def test_pages_card_and_api(world: World):
    pw = party_world(world)
    client = world.client("secretary")
    month = client.get(reverse("birthdays:index"), {"period": "month"})
    assert month.status_code == 200
    card = client.get(reverse("birthdays:card", args=[pw.member1.pk]))
    assert card.content.startswith(b"%PDF")
    response = client.post(
        reverse("birthdays:activity_new") + f"?organisation={pw.branch2.pk}",
        {"organisation": pw.branch2.pk, "held_on": "2026-07-01", "members": [pw.member2.pk]},
    )
    assert response.status_code == 302
    api = world.client("member").post(
        "/api/v1/birthdays/activities",
        json.dumps(
            {"organisation_id": pw.branch1.pk, "held_on": "2026-07-01", "member_ids": [pw.member2.pk]}
        ),
        content_type="application/json",
    )
    assert api.status_code == 404  # 王五 is not of 张三's branch
    assert world.client("member").get(reverse("birthdays:card", args=[pw.member2.pk])).status_code == 404
