"""Pages of 三会一课: meetings, sign-in by QR code, the compliance board and the register."""

import datetime
import io
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require
from jiceng.common.forms import add_errors
from jiceng.common.pagination import keyset_page
from jiceng.common.scoping import get_visible_or_404
from jiceng.meetings import compliance, documents, queries, services
from jiceng.meetings.forms import AttachmentForm, PeriodForm, ReasonForm, RecordForm, ScheduleForm, TalkForm
from jiceng.meetings.models import Attachment, Meeting, Presence, Status
from jiceng.meetings.rules import MeetingType
from jiceng.party.models import Organisation

# Above this many organisations (more than a community has) the board shows one row per area
# below the chosen one, each leading to its own board.
BOARD_ORG_ROWS = 100


def _meetings(user: Any) -> Any:
    return Meeting.objects.visible_to(user).select_related("organisation")


def _organisation(user: Any, pk: int, permission: str = Perm.ORGLIFE_VIEW) -> Organisation:
    """An organisation whose meetings the user may see (a member's own is not enough)."""
    try:
        return Organisation.objects.visible_to(user, permission).filter(active=True).get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None


def _manageable(user: Any) -> Any:
    return Organisation.objects.visible_to(user, Perm.ORGLIFE_MANAGE).filter(active=True).order_by("path")


def _error(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Meetings the user may see: upcoming ones first, then the latest held."""
    require(request.user, Perm.ORGLIFE_VIEW)
    qs = _meetings(request.user)
    kind = request.GET.get("type", "")
    if kind in MeetingType.values:
        qs = qs.filter(meeting_type=kind)
    now = timezone.now()
    upcoming = list(
        qs.filter(
            status__in=[Status.SCHEDULED, Status.PLANNED], starts_at__gte=now - datetime.timedelta(hours=4)
        ).order_by("starts_at")[:30]
    )
    page = keyset_page(qs.exclude(pk__in=[m.pk for m in upcoming]), request.GET.get("after"))
    mine = {}
    resident = getattr(request.user, "resident_id", None)
    if resident:
        ids = [m.pk for m in upcoming] + [m.pk for m in page.items]
        from jiceng.meetings.models import Attendance

        mine = dict(
            Attendance.objects.filter(meeting_id__in=ids, member__resident_id=resident).values_list(
                "meeting_id", "presence"
            )
        )
    context = {
        "upcoming": upcoming,
        "page": page,
        "earlier": sorted(page.items, key=lambda m: m.starts_at, reverse=True),
        "mine": mine,
        "presence": dict(Presence.choices),
        "types": MeetingType.choices,
        "kind": kind,
        "can_manage": _manageable(request.user).exists(),
    }
    return render(request, "meetings/index.html", context)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """Required against held, this month, quarter and year, for every organisation in scope."""
    require(request.user, Perm.ORGLIFE_VIEW)
    today = timezone.localdate()
    area = request.GET.get("area", "").strip()

    def shape(rows: list[compliance.OrgCompliance]) -> dict[str, Any]:
        grouped = len(rows) > BOARD_ORG_ROWS
        return {
            "rows": [] if grouped else rows,
            "groups": compliance.by_area(rows, area) if grouped else None,
            "overdue_total": sum(r.overdue for r in rows),
            "organisations": len(rows),
        }

    context = {
        **compliance.cached_board(request.user, today, area, shape, "page"),
        "area": area,
        "today": today,
    }
    return render(request, "meetings/board.html", context)


@login_required
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    """One organisation's year: its compliance by type and its meetings."""
    org = _organisation(request.user, pk)
    today = timezone.localdate()
    year = today.year
    meetings = list(Meeting.objects.filter(organisation=org, starts_at__year=year).order_by("starts_at"))
    can_manage = has_perm(request.user, Perm.ORGLIFE_MANAGE, org)
    talks = queries.talk_roll(org, year)
    context = {
        "organisation": org,
        "compliance": compliance.organisation_compliance(org, today, request.user),
        "meetings": meetings,
        "year": year,
        "can_manage": can_manage,
        "talks": talks,
        "talk_form": TalkForm(
            members=queries.talk_members(org).order_by("name"),
            initial={"talked_on": today, "member": next((r["id"] for r in talks if not r["talks"]), None)},
        )
        if can_manage and talks
        else None,
        "period_form": PeriodForm(initial={"first": datetime.date(year, 1, 1), "last": today}),
        "crumbs": [(_("三会一课"), reverse("meetings:index"))],
    }
    return render(request, "meetings/organisation.html", context)


@login_required
@require_POST
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    org = _organisation(request.user, pk)
    year = timezone.localdate().year
    try:
        year = int(request.POST.get("year") or year)
        created = services.plan_year(actor=request.user, organisation=org, year=year)
    except (ValueError, ValidationError):
        messages.error(request, _("年度无效"))
    else:
        messages.success(
            request, _("已生成%(year)d年会议计划，新增%(n)d次会议") % {"year": year, "n": len(created)}
        )
    return redirect("meetings:organisation", pk=org.pk)


@login_required
@require_POST
def talk(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a heart-to-heart talk with one of the organisation's members."""
    org = _organisation(request.user, pk)
    form = TalkForm(request.POST, members=queries.talk_members(org))
    if form.is_valid():
        try:
            services.record_talk(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(
                request, _("已登记与%(name)s的谈心谈话") % {"name": form.cleaned_data["member"].name}
            )
    else:
        for message in (str(e) for errors in form.errors.values() for e in errors):
            messages.error(request, message)
    return redirect("meetings:organisation", pk=org.pk)


def _schedule(request: HttpRequest, meeting: Meeting | None) -> HttpResponse:
    organisations = _manageable(request.user)
    initial: dict[str, Any] = {}
    if meeting is not None:
        initial = {
            "organisation": meeting.organisation_id,
            "meeting_type": meeting.meeting_type,
            "title": meeting.title,
            "starts_at": timezone.localtime(meeting.starts_at),
            "place": meeting.place,
            "host": meeting.host,
            "speaker": meeting.speaker,
            "by_secretary": meeting.by_secretary,
            "agenda": meeting.agenda,
        }
    elif request.GET.get("organisation"):
        initial = {"organisation": request.GET["organisation"], "meeting_type": request.GET.get("type", "")}
    form = ScheduleForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.schedule_meeting(actor=request.user, meeting=meeting, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("会议已安排，通知已发送给应到党员"))
            return redirect("meetings:meeting", pk=saved.pk)
    title = _("安排会议") if meeting is None else _("修改会议安排")
    return render(
        request,
        "meetings/form.html",
        {"form": form, "title": title, "crumbs": [(_("三会一课"), reverse("meetings:index"))]},
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.ORGLIFE_MANAGE)
    return _schedule(request, None)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(_meetings(request.user), request.user, pk=pk)
    require(request.user, Perm.ORGLIFE_MANAGE, meeting)
    return _schedule(request, meeting)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(_meetings(request.user), request.user, pk=pk)
    attendances = list(meeting.attendances.select_related("member").order_by("member__name"))
    resident = getattr(request.user, "resident_id", None)
    own = next((a for a in attendances if resident and a.member.resident_id == resident), None)
    can_manage = has_perm(request.user, Perm.ORGLIFE_MANAGE, meeting)
    counts = {p: sum(1 for a in attendances if a.presence == p) for p in Presence.values}
    context = {
        "meeting": meeting,
        "attendances": attendances,
        "own": own,
        "counts": counts,
        "can_manage": can_manage,
        "sign_url": request.build_absolute_uri(reverse("meetings:sign", args=[meeting.sign_in_token])),
        "record_form": RecordForm(initial={"minutes": meeting.minutes, "resolutions": meeting.resolutions}),
        "leave_form": ReasonForm(),
        "cancel_form": ReasonForm(),
        "attachment_form": AttachmentForm(),
        "attachments": list(meeting.attachments.all()),
        "started": meeting.starts_at <= timezone.now(),
        "crumbs": [
            (_("三会一课"), reverse("meetings:index")),
            (meeting.organisation.name, reverse("meetings:organisation", args=[meeting.organisation_id])),
        ],
    }
    return render(request, "meetings/meeting.html", context)


@login_required
def qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The sign-in QR code, shown on the screen at the meeting; only its managers see it."""
    meeting = get_visible_or_404(_meetings(request.user), request.user, pk=pk)
    require(request.user, Perm.ORGLIFE_MANAGE, meeting)
    url = request.build_absolute_uri(reverse("meetings:sign", args=[meeting.sign_in_token]))
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, dark="#1d273b")
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


def _by_token(request: HttpRequest, token: str) -> Meeting:
    """The meeting of a sign-in link: for its attendees, or anyone who may see it; else 404."""
    meeting = Meeting.objects.select_related("organisation").filter(sign_in_token=token).first()
    if meeting is None:
        raise Http404
    resident: int | None = getattr(request.user, "resident_id", None)
    attendee = resident is not None and meeting.attendances.filter(member__resident_id=resident).exists()
    if not attendee and not _meetings(request.user).filter(pk=meeting.pk).exists():
        raise Http404
    return meeting


@login_required
def sign(request: HttpRequest, token: str) -> HttpResponse:
    """The page the QR code opens on a member's phone: one button to sign in."""
    meeting = _by_token(request, token)
    if request.method == "POST":
        try:
            services.sign_in(user=request.user, meeting=meeting)
        except ValidationError as exc:
            _error(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("签到成功"))
        return redirect("meetings:sign", token=token)
    resident: int | None = getattr(request.user, "resident_id", None)
    own = meeting.attendances.filter(member__resident_id=resident).first() if resident is not None else None
    return render(request, "meetings/sign.html", {"meeting": meeting, "own": own})


@login_required
@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(_meetings(request.user), request.user, pk=pk)
    try:
        services.request_leave(user=request.user, meeting=meeting, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已请假"))
    return redirect("meetings:meeting", pk=pk)


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(_meetings(request.user), request.user, pk=pk)
    try:
        present = [int(v) for v in request.POST.getlist("present")]
        leave_ids = [int(v) for v in request.POST.getlist("leave")]
        changed = services.mark_attendance(
            actor=request.user,
            meeting=meeting,
            present=present,
            leave={m: _("书记登记请假") for m in leave_ids},
        )
    except ValueError:
        messages.error(request, _("出勤数据无效"))
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已登记%(n)d人的出勤") % {"n": changed})
    return redirect("meetings:meeting", pk=pk)


@login_required
@require_POST
def record(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(_meetings(request.user), request.user, pk=pk)
    form = RecordForm(request.POST)
    if form.is_valid():
        try:
            services.record_held(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("会议已登记为已召开"))
    else:
        messages.error(request, _("请填写会议记录"))
    return redirect("meetings:meeting", pk=pk)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(_meetings(request.user), request.user, pk=pk)
    try:
        services.cancel_meeting(actor=request.user, meeting=meeting, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("会议已取消"))
    return redirect("meetings:meeting", pk=pk)


@login_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(_meetings(request.user), request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(actor=request.user, meeting=meeting, file=form.cleaned_data["file"])
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("附件已上传"))
    else:
        messages.error(request, _("请选择文件"))
    return redirect("meetings:meeting", pk=pk)


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    row = Attachment.objects.select_related("meeting").filter(pk=pk).first()
    if row is None or not _meetings(request.user).filter(pk=row.meeting_id).exists():
        raise Http404
    return FileResponse(
        row.file.open("rb"), as_attachment=not row.is_photo, filename=(row.file.name or "").rsplit("/", 1)[-1]
    )


@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """The register (三会一课记录本) of an organisation for a period, as PDF or Word."""
    org = _organisation(request.user, pk)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("meetings:organisation", pk=org.pk)
    first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    name = f"{org.name}三会一课记录本{first:%Y%m%d}-{last:%Y%m%d}"
    if request.GET.get("format") == "docx":
        body = documents.register_docx(org, first, last)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        name += ".docx"
    else:
        body = documents.register_pdf(org, first, last)
        content_type = "application/pdf"
        name += ".pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
