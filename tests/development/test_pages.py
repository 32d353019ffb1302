"""The development pages and API as the secretary, a branch secretary and the person use them."""

import json

from django.urls import reverse

from jiceng.development.models import Development, Stage
from tests.conftest import World
from tests.development.factories import D, applicant, at_activist, their_development
from tests.party.factories import party_world


def test_the_secretary_registers_an_application_from_the_search(world: World):
    resident = applicant(world)
    client = world.client("secretary")
    found = client.get(reverse("development:new"), {"q": "陈九"}).content.decode()
    assert f"?resident={resident.pk}" in found
    response = client.post(
        reverse("development:new") + f"?resident={resident.pk}",
        {"resident": resident.pk, "organisation": party_world(world).branch1.pk, "applied_on": "2026-10-08"},
    )
    dev = Development.objects.get(resident=resident)
    assert response.status_code == 302 and response["Location"] == reverse(
        "development:person", args=[dev.pk]
    )


def test_a_step_refused_by_the_rules_shows_the_reason_and_changes_nothing(world: World):
    dev = at_activist(world, activist_on=D(2026, 3, 1))
    client = world.client("secretary")
    member = party_world(world).member1
    response = client.post(
        reverse("development:step", args=[dev.pk, "candidate"]),
        {"candidate-on": "2026-11-01", "candidate-introducers": [member.pk]},
        follow=True,
    )
    assert "培养教育和考察不满一年" in response.content.decode()
    dev.refresh_from_db()
    assert dev.stage == Stage.ACTIVIST


def test_the_board_and_checklist_show_what_is_due(world: World):
    dev = at_activist(world, activist_on=D(2025, 3, 1))
    board = world.client("secretary").get(reverse("development:index")).content.decode()
    assert "陈九" in board and "缺思想汇报" in board
    page = world.client("secretary").get(reverse("development:person", args=[dev.pk])).content.decode()
    assert "入党申请书" in page and "谈话记录" in page and "政治审查材料及综合性政审报告" in page
    world.client("secretary").post(reverse("development:receive", args=[dev.pk]), {"kind": "recommendation"})
    assert dev.received.filter(kind="recommendation").exists()


def test_the_branch_secretary_manages_their_branch_and_others_only_see(world: World):
    theirs = their_development(world)  # grid 2's branch
    mine = at_activist(world)
    member = world.client("member")  # 张三, secretary of grid 1's branch
    assert member.get(reverse("development:person", args=[mine.pk])).status_code == 200
    assert member.get(reverse("development:person", args=[theirs.pk])).status_code == 404
    response = member.post(
        reverse("development:step", args=[mine.pk, "review"]),
        {"review-reviewed_on": "2023-09-01", "review-conclusion": "表现良好"},
    )
    assert response.status_code == 302 and mine.reviews.count() == 1
    # The street sees but may not change; residents (李四 applied) hold no organisational-life
    # permission: the branch tells them of each step.
    assert world.client("street").get(reverse("development:person", args=[theirs.pk])).status_code == 200
    assert (
        world.client("street")
        .post(
            reverse("development:step", args=[theirs.pk, "talk"]),
            {"talk-talk_on": "2026-03-05", "talk-talk_by": "x"},
        )
        .status_code
        == 403
    )
    assert world.client("resident").get(reverse("development:person", args=[theirs.pk])).status_code == 404


def test_the_api_takes_the_same_steps_with_the_same_errors(world: World):
    dev = their_development(world)
    client = world.client("secretary")
    bad = client.post(
        f"/api/v1/development/people/{dev.pk}/steps/talk",
        json.dumps({"talk_on": "2026-04-20", "talk_by": "王五"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "一个月内" in bad.json()["errors"]["talk_on"][0]
    good = client.post(
        f"/api/v1/development/people/{dev.pk}/steps/talk",
        json.dumps({"talk_on": "2026-03-20", "talk_by": "王五"}),
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json()["dues"][0]["text"] == "可确定为入党积极分子"
    listed = world.client("street").get("/api/v1/development/people").json()["items"]
    assert [p["name"] for p in listed] == ["李四"]
    assert world.client("grid01").get("/api/v1/development/people").json()["items"] == []
