"""The JSON API of 三会一课 under /api/v1/meetings/: meetings, sign-in, leave, attendance, the
record of a held meeting, the annual plan, heart-to-heart talks and the compliance board. The same services as the
pages; an object outside the caller's reach is 404."""

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from jiceng.accounts.roles import Perm
from jiceng.common.pagination import keyset_rows
from jiceng.common.scoping import get_visible_or_404
from jiceng.meetings import compliance, queries, services
from jiceng.meetings.models import Meeting
from jiceng.party.models import Organisation

router = Router(tags=["meetings"])


class MeetingOut(Schema):
    id: int
    organisation_id: int
    meeting_type: str
    title: str
    starts_at: datetime.datetime
    place: str
    host: str
    speaker: str
    status: str
    quorum_reached: bool


class AttendanceOut(Schema):
    member_id: int
    name: str
    presence: str
    voting: bool
    signed_by: str


class MeetingDetail(MeetingOut):
    agenda: str
    minutes: str
    resolutions: str
    attendances: list[AttendanceOut]


class ScheduleIn(Schema):
    organisation_id: int
    meeting_type: str
    title: str
    starts_at: datetime.datetime
    place: str = ""
    host: str = ""
    speaker: str = ""
    by_secretary: bool = False
    agenda: str = ""


class LeaveIn(Schema):
    reason: str


class AttendanceIn(Schema):
    present: list[int] = []
    leave: dict[int, str] = {}


class RecordIn(Schema):
    minutes: str
    resolutions: str = ""


class PlanIn(Schema):
    year: int


def _meeting_rows(qs: Any) -> Any:
    yield from qs.values(*MeetingOut.model_fields)


def _organisation(request: HttpRequest, pk: int, permission: str = Perm.ORGLIFE_VIEW) -> Organisation:
    try:
        return Organisation.objects.visible_to(request.user, permission).filter(active=True).get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None


def _detail(meeting: Meeting) -> dict[str, Any]:
    data = {f: getattr(meeting, f) for f in MeetingDetail.model_fields if f != "attendances"}
    data["attendances"] = [
        {
            "member_id": a.member_id,
            "name": a.member.name,
            "presence": a.presence,
            "voting": a.voting,
            "signed_by": a.signed_by,
        }
        for a in meeting.attendances.select_related("member").order_by("id")
    ]
    return data


@router.get("/meetings")
def list_meetings(
    request: HttpRequest,
    organisation: int | None = None,
    type: str = "",
    status: str = "",
    after: int | None = None,
    size: int = 50,
) -> Any:
    """Meetings in scope (a member: those they are expected at; nobody else: none), in id order."""
    qs = Meeting.objects.visible_to(request.user)
    if organisation is not None:
        qs = qs.filter(organisation_id=organisation)
    if type:
        qs = qs.filter(meeting_type=type)
    if status:
        qs = qs.filter(status=status)
    return keyset_rows(qs, _meeting_rows, after, size)


@router.get("/meetings/{pk}", response=MeetingDetail)
def get_meeting(request: HttpRequest, pk: int) -> Any:
    return _detail(get_visible_or_404(Meeting, request.user, pk=pk))


@router.post("/meetings", response={201: MeetingDetail})
def schedule(request: HttpRequest, data: ScheduleIn) -> Any:
    """Schedule a meeting and notify every expected attendee."""
    org = _organisation(request, data.organisation_id)
    meeting = services.schedule_meeting(
        actor=request.user, organisation=org, **data.dict(exclude={"organisation_id"})
    )
    return Status(201, _detail(meeting))


@router.put("/meetings/{pk}", response=MeetingDetail)
def reschedule(request: HttpRequest, pk: int, data: ScheduleIn) -> Any:
    meeting = get_visible_or_404(Meeting, request.user, pk=pk)
    org = _organisation(request, data.organisation_id)
    if org.pk != meeting.organisation_id:
        raise Http404
    fields = data.dict(exclude={"organisation_id"})
    return _detail(services.schedule_meeting(actor=request.user, organisation=org, meeting=meeting, **fields))


@router.post("/meetings/{pk}/sign-in", response=AttendanceOut)
def sign_in(request: HttpRequest, pk: int) -> Any:
    """The caller signs in (the QR code's action); only an expected attendee may."""
    meeting = get_visible_or_404(Meeting, request.user, pk=pk)
    row = services.sign_in(user=request.user, meeting=meeting)
    return {
        "member_id": row.member_id,
        "name": row.member.name,
        "presence": row.presence,
        "voting": row.voting,
        "signed_by": row.signed_by,
    }


@router.post("/meetings/{pk}/leave", response=AttendanceOut)
def leave(request: HttpRequest, pk: int, data: LeaveIn) -> Any:
    meeting = get_visible_or_404(Meeting, request.user, pk=pk)
    row = services.request_leave(user=request.user, meeting=meeting, reason=data.reason)
    return {
        "member_id": row.member_id,
        "name": row.member.name,
        "presence": row.presence,
        "voting": row.voting,
        "signed_by": row.signed_by,
    }


@router.post("/meetings/{pk}/attendance", response=MeetingDetail)
def attendance(request: HttpRequest, pk: int, data: AttendanceIn) -> Any:
    meeting = get_visible_or_404(Meeting, request.user, pk=pk)
    services.mark_attendance(actor=request.user, meeting=meeting, present=data.present, leave=data.leave)
    return _detail(meeting)


@router.post("/meetings/{pk}/held", response=MeetingDetail)
def held(request: HttpRequest, pk: int, data: RecordIn) -> Any:
    """Record the meeting as held with its minutes and resolutions (quorum checked)."""
    meeting = get_visible_or_404(Meeting, request.user, pk=pk)
    return _detail(services.record_held(actor=request.user, meeting=meeting, **data.dict()))


@router.post("/meetings/{pk}/cancel", response=MeetingDetail)
def cancel(request: HttpRequest, pk: int, data: LeaveIn) -> Any:
    meeting = get_visible_or_404(Meeting, request.user, pk=pk)
    return _detail(services.cancel_meeting(actor=request.user, meeting=meeting, reason=data.reason))


@router.post("/organisations/{pk}/plan", response={201: list[MeetingOut]})
def plan(request: HttpRequest, pk: int, data: PlanIn) -> Any:
    """Generate the organisation's annual plan from the required frequencies (idempotent)."""
    org = _organisation(request, pk)
    return Status(201, services.plan_year(actor=request.user, organisation=org, year=data.year))


class TalkIn(Schema):
    member_id: int
    talked_on: datetime.date
    talker: str
    notes: str = ""


class TalkOut(Schema):
    id: int
    member_id: int
    talked_on: datetime.date
    talker: str


class TalkRollRow(Schema):
    id: int
    name: str
    talks: int
    last_talk: datetime.date | None


@router.get("/organisations/{pk}/talks", response=list[TalkRollRow])
def talks(request: HttpRequest, pk: int, year: int | None = None) -> Any:
    """The members the organisation owes a yearly heart-to-heart talk, with this year's talks
    (those not talked with first)."""
    org = _organisation(request, pk)
    return queries.talk_roll(org, year or timezone.localdate().year)


@router.post("/organisations/{pk}/talks", response={201: TalkOut})
def record_talk(request: HttpRequest, pk: int, data: TalkIn) -> Any:
    """Record a heart-to-heart talk with one of the organisation's members."""
    org = _organisation(request, pk)
    member = queries.talk_members(org).filter(pk=data.member_id).first()
    if member is None:
        raise Http404
    talk = services.record_talk(
        actor=request.user, member=member, talked_on=data.talked_on, talker=data.talker, notes=data.notes
    )
    return Status(201, talk)


# The board's organisations come in pages of at most this many (a district has thousands).
BOARD_PAGE_MAX = 1000


@router.get("/board")
def board(request: HttpRequest, area: str = "", offset: int = 0, size: int = 500) -> Any:
    """Required against held this month, quarter and year, and overdue periods, per organisation
    in scope (none for a user without organisational-life permission), in chain order, a page of
    `size` from `offset` (`next_offset` is null on the last page); `areas` sums them per area one
    level below `area` (per street for a district, per community for a street)."""
    today = timezone.localdate()
    offset, size = max(offset, 0), min(max(size, 1), BOARD_PAGE_MAX)

    def shape(rows: list[compliance.OrgCompliance]) -> dict[str, Any]:
        page = rows[offset : offset + size]
        return {
            "count": len(rows),
            "next_offset": offset + size if offset + size < len(rows) else None,
            "areas": [
                {
                    "code": a.code,
                    "name": a.name,
                    "organisations": a.organisations,
                    "month": list(a.month),
                    "quarter": list(a.quarter),
                    "year": list(a.year),
                    "overdue": a.overdue,
                    "behind": a.behind,
                }
                for a in compliance.by_area(rows, area)
            ]
            if rows
            else [],
            "organisations": [
                {
                    "id": r.organisation_id,
                    "name": r.name,
                    "area_code": r.area_code,
                    "month": list(r.month),
                    "quarter": list(r.quarter),
                    "year": list(r.year),
                    "overdue": {t.meeting_type: t.overdue_count for t in r.types if t.overdue_count},
                    "talks": next((list(t.progress) for t in r.types if t.progress), None),
                }
                for r in page
            ],
        }

    # Each page is cached on its own, so a request reads only the page it answers.
    name = f"api:{offset}:{size}"
    return {"date": today, "area": area, **compliance.cached_board(request.user, today, area, shape, name)}
