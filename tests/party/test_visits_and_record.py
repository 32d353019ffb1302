"""Liaison visits (联系户走访) and each member's yearly record (党员年度纪实)."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from jiceng.audit.models import AuditEvent
from jiceng.party import services
from jiceng.party.models import LiaisonVisit, VisitWay
from jiceng.party.record import year_record
from tests.conftest import World
from tests.party.factories import party_world

TODAY = timezone.localdate()


def _visit(w: World, persona: str = "member", **overrides: object) -> LiaisonVisit:
    pw = party_world(w)
    fields = {"visited_on": TODAY, "way": VisitWay.IN_PERSON, "summary": "老人身体良好，家中无困难"}
    fields.update(overrides)
    return services.record_visit(actor=w.users[persona], link=pw.link1, **fields)  # type: ignore[arg-type]


def test_a_member_records_a_visit_to_their_household_and_it_is_audited(world: World):
    visit = _visit(world, needs="楼道灯不亮")
    assert visit.member == party_world(world).member1
    assert visit.household == party_world(world).household4
    assert visit.area_code == world.grid1.code
    event = AuditEvent.objects.filter(object_type="party.liaisonvisit", object_id=str(visit.pk)).get()
    assert event.actor_name == world.users["member"].username and "summary" in event.fields


def test_a_community_worker_records_a_visit_for_the_member(world: World):
    assert _visit(world, persona="staff").recorded_by == world.users["staff"]


def test_nobody_else_records_visits(world: World):
    pw = party_world(world)
    # 张三 (member persona) may not record for 王五's household; a resident never.
    for persona, link in [("member", pw.link2), ("resident", pw.link2), ("grid01", pw.link1)]:
        with pytest.raises(PermissionDenied):
            services.record_visit(
                actor=world.users[persona], link=link, visited_on=TODAY, way="phone", summary="电话问候"
            )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"visited_on": TODAY + datetime.timedelta(days=1)}, "visited_on", "不能晚于今天"),
        ({"visited_on": datetime.date(2000, 1, 1)}, "visited_on", "早于联系关系开始"),
        ({"summary": " "}, "summary", "走访情况"),
        ({"way": "pigeon"}, "way", "走访方式"),
    ],
)
def test_a_visit_with_bad_details_is_refused_with_the_reason(world: World, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        _visit(world, **overrides)
    assert message in " ".join(caught.value.message_dict[field])
    assert not LiaisonVisit.objects.exists()


def test_no_visit_after_the_link_ended(world: World):
    pw = party_world(world)
    services.end_link(actor=world.users["staff"], link=pw.link1, on=TODAY)
    pw.link1.refresh_from_db()
    pw.link1.ended_on = TODAY - datetime.timedelta(days=1)  # ended yesterday
    pw.link1.started_on = TODAY - datetime.timedelta(days=30)
    with pytest.raises(ValidationError, match="已于"):
        services.record_visit(
            actor=world.users["staff"], link=pw.link1, visited_on=TODAY, way="phone", summary="电话问候"
        )


def test_the_yearly_record_counts_this_years_visits_only(world: World):
    _visit(world)
    _visit(world, way=VisitWay.PHONE, summary="电话问候")
    record = year_record(party_world(world).member1, TODAY.year)
    liaison = next(s for s in record.sections if s.key == "liaison")
    rows = dict(liaison.rows)
    assert rows["走访次数"] == 2 and rows["联系户数"] == 1 and rows["走访到的户数"] == "1 / 1"
    assert len(liaison.items) == 2
    last_year = next(
        s for s in year_record(party_world(world).member1, TODAY.year - 1).sections if s.key == "liaison"
    )
    assert dict(last_year.rows)["走访次数"] == 0


def test_the_member_opens_their_own_record_and_records_a_visit_on_a_phone_page(world: World):
    pw = party_world(world)
    client = world.client("member")
    page = client.get(reverse("party:member_record", args=[pw.member1.pk]))
    assert page.status_code == 200 and "年度纪实" in page.content.decode()
    form = client.get(reverse("party:visit_new", args=[pw.member1.pk]))
    assert "1单元102" in form.content.decode() or "102" in form.content.decode()
    response = client.post(
        reverse("party:visit_new", args=[pw.member1.pk]),
        {"link": pw.link1.pk, "visited_on": TODAY.isoformat(), "way": "in_person", "summary": "送去社区通知"},
    )
    assert response.status_code == 302
    assert LiaisonVisit.objects.get().summary == "送去社区通知"
    # Another member's record is not theirs to see.
    assert client.get(reverse("party:member_record", args=[pw.member2.pk])).status_code == 404


def test_a_bad_visit_form_shows_the_error_and_saves_nothing(world: World):
    pw = party_world(world)
    response = world.client("member").post(
        reverse("party:visit_new", args=[pw.member1.pk]),
        {
            "link": pw.link1.pk,
            "visited_on": (TODAY + datetime.timedelta(days=3)).isoformat(),
            "way": "phone",
            "summary": "x y",
        },
    )
    assert response.status_code == 200 and "不能晚于今天" in response.content.decode()
    assert not LiaisonVisit.objects.exists()


def test_the_api_records_and_lists_visits_and_gives_the_record(world: World):
    pw = party_world(world)
    client = world.client("member")
    base = f"/api/v1/party/members/{pw.member1.pk}"
    created = client.post(
        f"{base}/visits",
        json.dumps(
            {"link_id": pw.link1.pk, "visited_on": TODAY.isoformat(), "way": "phone", "summary": "电话问候"}
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert [v["summary"] for v in client.get(f"{base}/visits").json()] == ["电话问候"]
    record = client.get(f"{base}/record", {"year": TODAY.year}).json()
    liaison = next(s for s in record["sections"] if s["key"] == "liaison")
    assert {"label": "走访次数", "value": 1} in liaison["rows"]
    # 王五's link is not 张三's to record on, even naming it under their own member.
    wrong = client.post(
        f"{base}/visits",
        json.dumps({"link_id": pw.link2.pk, "visited_on": TODAY.isoformat(), "summary": "电话问候"}),
        content_type="application/json",
    )
    assert wrong.status_code == 404


def test_a_grid_worker_of_another_grid_cannot_see_the_record(world: World):
    pw = party_world(world)
    assert world.client("grid02").get(reverse("party:member_record", args=[pw.member1.pk])).status_code == 404
    assert (
        world.client("secretary").get(reverse("party:member_record", args=[pw.member1.pk])).status_code == 200
    )


def test_the_record_gathers_organisational_life_for_those_who_may_see_it(world: World):
    from decimal import Decimal

    from jiceng.dues import services as dues
    from jiceng.meetings import services as meetings

    pw = party_world(world)
    meeting = meetings.schedule_meeting(
        actor=world.users["secretary"],
        organisation=pw.branch1,
        meeting_type="general",
        title="支部党员大会",
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    meetings.sign_in(user=world.users["member"], meeting=meeting)
    meetings.record_held(
        actor=world.users["secretary"], meeting=meeting, minutes="传达学习上级精神，讨论工作。"
    )
    dues.assess(
        actor=world.users["secretary"],
        member=pw.member1,
        category="employed",
        base=Decimal(4000),
        effective_from=TODAY.replace(month=1, day=1),
        reason="年度核定",
    )
    dues.record_payment(
        actor=world.users["secretary"], member=pw.member1, month=TODAY.replace(day=1), method="cash"
    )
    sections = {
        s.key: dict(s.rows) for s in year_record(pw.member1, TODAY.year, world.users["secretary"]).sections
    }
    assert sections["meetings"]["出席"] == 1 and sections["meetings"]["应参加会议"] == 1
    assert sections["dues"]["已交党费（元）"] == Decimal("40.00")
    assert sections["training"]["学时"] == "0 / 32"
    # A grid worker sees members of their grid on the chain but not their organisational life.
    page = world.client("grid01").get(reverse("party:member_record", args=[pw.member1.pk])).content.decode()
    assert 'data-testid="section-liaison"' in page and 'data-testid="section-dues"' not in page
    secretary_page = (
        world.client("secretary").get(reverse("party:member_record", args=[pw.member1.pk])).content.decode()
    )
    assert 'data-testid="section-dues"' in secretary_page
