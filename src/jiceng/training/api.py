"""The JSON API of the party school under /api/v1/training/."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from jiceng.accounts.roles import Perm
from jiceng.common.scoping import get_visible_or_404
from jiceng.party.models import Member, Organisation
from jiceng.training import queries, services
from jiceng.training.models import Course, Session

router = Router(tags=["training"])


class CourseIn(Schema):
    organisation_id: int
    year: int
    name: str
    module: str
    description: str = ""


class SessionIn(Schema):
    starts_at: datetime.datetime
    hours: Decimal
    teacher: str
    place: str = ""
    topic: str = ""


class EnrolIn(Schema):
    organisation_id: int | None = None
    category: str = ""
    member_ids: list[int] = []
    batch: str = ""


class AttendanceIn(Schema):
    present: list[int]


def _organisation(request: HttpRequest, pk: int) -> Organisation:
    try:
        return Organisation.objects.visible_to(request.user, Perm.ORGLIFE_VIEW).filter(active=True).get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None


def _course(c: Course) -> dict[str, Any]:
    return {
        "id": c.pk,
        "organisation_id": c.organisation_id,
        "year": c.year,
        "name": c.name,
        "module": c.module,
        "sessions": [
            {"id": s.pk, "starts_at": s.starts_at, "hours": s.hours, "teacher": s.teacher, "topic": s.topic}
            for s in c.sessions.all()
        ],
        "enrolled": c.enrolments.count(),
    }


@router.get("/courses")
def list_courses(request: HttpRequest, year: int | None = None) -> Any:
    """Courses in scope (a member: those they are enrolled in) of a year (this year by default)."""
    qs = Course.objects.visible_to(request.user).filter(year=year or timezone.localdate().year)
    return {"items": [_course(c) for c in qs.prefetch_related("sessions")]}


@router.get("/courses/{pk}")
def get_course(request: HttpRequest, pk: int) -> Any:
    return _course(get_visible_or_404(Course, request.user, pk=pk))


@router.post("/courses", response={201: dict})
def create_course(request: HttpRequest, data: CourseIn) -> Any:
    org = _organisation(request, data.organisation_id)
    course = services.create_course(
        actor=request.user, organisation=org, **data.dict(exclude={"organisation_id"})
    )
    return Status(201, _course(course))


@router.post("/courses/{pk}/sessions", response={201: dict})
def add_session(request: HttpRequest, pk: int, data: SessionIn) -> Any:
    course = get_visible_or_404(Course, request.user, pk=pk)
    session = services.add_session(actor=request.user, course=course, **data.dict())
    return Status(201, {"id": session.pk, "course_id": course.pk})


@router.post("/courses/{pk}/enrol")
def enrol(request: HttpRequest, pk: int, data: EnrolIn) -> Any:
    """Enrol every member of an organisation (optionally of one category) and/or picked members."""
    course = get_visible_or_404(Course, request.user, pk=pk)
    org = _organisation(request, data.organisation_id) if data.organisation_id is not None else None
    members = list(
        Member.objects.visible_to(request.user, Perm.ORGLIFE_VIEW)
        .filter(pk__in=data.member_ids)
        .select_related("organisation")
    )
    if len(members) != len(set(data.member_ids)):
        raise Http404
    n = services.enrol(
        actor=request.user,
        course=course,
        organisation=org,
        category=data.category,
        members=members,
        batch=data.batch,
    )
    return {"enrolled": n}


@router.post("/sessions/{pk}/attendance")
def attendance(request: HttpRequest, pk: int, data: AttendanceIn) -> Any:
    session = Session.objects.select_related("course").filter(pk=pk).first()
    if session is None or not Course.objects.visible_to(request.user).filter(pk=session.course_id).exists():
        raise Http404
    return {"present": services.record_attendance(actor=request.user, session=session, present=data.present)}


@router.get("/members/{pk}/progress")
def progress(request: HttpRequest, pk: int, year: int | None = None) -> Any:
    """A member's class hours of the year by module against the requirement."""
    try:
        member = (
            Member.objects.visible_to(request.user, Perm.ORGLIFE_VIEW)
            .select_related("organisation")
            .get(pk=pk, active=True)
        )
    except Member.DoesNotExist:
        raise Http404 from None
    return queries.member_year_summary(member, year or timezone.localdate().year)
