"""The party school: courses of "2+X", enrolment by batch, attendance and each member's hours."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jiceng.party.models import MemberCategory
from jiceng.training import queries, services
from tests.conftest import World
from tests.party.factories import party_world
from tests.training.factories import YEAR, course, session, their_course


def _zhang_takes(world: World, modules: list[str], hours: str = "8") -> None:
    pw = party_world(world)
    for n, module in enumerate(modules):
        c = course(world, pw.committee, module, f"课程{n}")
        services.enrol(actor=world.users["secretary"], course=c, members=[pw.member1])
        s = session(world, c, n + 1, hours)
        services.record_attendance(actor=world.users["secretary"], session=s, present=[pw.member1.pk])


def test_hours_count_by_module_and_two_plus_x_needs_both_fixed_modules_and_an_elective(world: World):
    _zhang_takes(world, ["theory", "party_spirit"])
    p = queries.progress_of([party_world(world).member1], YEAR)[0]
    assert p.hours == Decimal(16) and not p.two_plus_x and not p.complete
    _zhang_takes(world, ["elective", "elective"])
    p = queries.progress_of([party_world(world).member1], YEAR)[0]
    assert p.hours == Decimal(32) and p.two_plus_x and p.complete and p.required == Decimal(32)


def test_the_nearest_organisation_sets_the_requirement(world: World):
    pw = party_world(world)
    services.set_requirement(
        actor=world.users["secretary"], organisation=pw.committee, year=YEAR, hours=Decimal(40)
    )
    assert queries.requirement_for(pw.branch1, YEAR) == Decimal(40)
    services.set_requirement(
        actor=world.users["secretary"], organisation=pw.branch1, year=YEAR, hours=Decimal(24)
    )
    assert queries.requirement_for(pw.branch1, YEAR) == Decimal(24)
    assert queries.requirement_for(pw.branch2, YEAR) == Decimal(40)
    assert queries.requirement_for(pw.branch2, YEAR + 1) == queries.DEFAULT_HOURS


def test_enrolment_by_organisation_and_category_and_only_enrolled_attend(world: World):
    pw = party_world(world)
    c = course(world, pw.committee, "theory")
    assert (
        services.enrol(
            actor=world.users["secretary"],
            course=c,
            organisation=pw.committee,
            category=MemberCategory.RETIRED,
        )
        == 1
    )  # 王五
    assert (
        services.enrol(actor=world.users["secretary"], course=c, organisation=pw.committee) == 1
    )  # then 张三
    s = session(world, c, 2)
    with pytest.raises(ValidationError, match="已报名"):
        services.record_attendance(actor=world.users["secretary"], session=s, present=[999999])
    with pytest.raises(ValidationError, match="下属"):
        services.enrol(
            actor=world.users["secretary"],
            course=course(world, pw.branch1, "elective"),
            organisation=pw.branch2,
        )


def test_a_session_must_be_in_the_course_year_and_of_sensible_length(world: World):
    c = course(world, party_world(world).committee, "theory")
    with pytest.raises(ValidationError, match=r"0\.5至8学时"):
        session(world, c, 2, hours="9")


def test_the_branch_secretary_runs_courses_of_their_branch_only(world: World):
    pw = party_world(world)
    course(world, pw.branch1, "elective")
    with pytest.raises(PermissionDenied):
        services.create_course(
            actor=world.users["member"], organisation=pw.branch2, year=YEAR, name="x", module="elective"
        )
    services.create_course(
        actor=world.users["member"], organisation=pw.branch1, year=YEAR, name="支部学习", module="elective"
    )


def test_the_certificate_is_given_only_when_the_year_is_complete(world: World):
    pw = party_world(world)
    client = world.client("member")
    refused = client.get(reverse("training:certificate", args=[pw.member1.pk]))
    assert refused.status_code == 302
    _zhang_takes(world, ["theory", "party_spirit", "elective", "elective"])
    pdf = client.get(reverse("training:certificate", args=[pw.member1.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_pages_show_courses_progress_and_take_attendance(world: World):
    c, s = their_course(world)
    client = world.client("secretary")
    assert c.name in client.get(reverse("training:index")).content.decode()
    client.post(reverse("training:session", args=[s.pk]), {"present": [party_world(world).member2.pk]})
    page = client.get(reverse("training:progress", args=[party_world(world).branch2.pk])).content.decode()
    assert "王五" in page
    assert queries.progress_of([party_world(world).member2], YEAR)[0].hours == Decimal(8)
    assert world.client("member").get(reverse("training:course", args=[c.pk])).status_code == 404


def test_the_api_creates_courses_and_reports_progress(world: World):
    pw = party_world(world)
    client = world.client("secretary")
    created = client.post(
        "/api/v1/training/courses",
        json.dumps(
            {"organisation_id": pw.committee.pk, "year": YEAR, "name": "党史学习", "module": "theory"}
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert client.post(
        f"/api/v1/training/courses/{pk}/enrol",
        json.dumps({"organisation_id": pw.branch1.pk}),
        content_type="application/json",
    ).json() == {"enrolled": 1}
    progress = world.client("member").get(f"/api/v1/training/members/{pw.member1.pk}/progress").json()
    assert progress["hours"] == "0" and progress["required"] == "32"
    assert world.client("grid01").get(f"/api/v1/training/members/{pw.member1.pk}/progress").status_code == 404
