"""Every change to meetings. Each service checks permission, runs in one transaction, writes the
audit record and sends the notices; the frequencies and the quorum are in rules.py."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.accounts.models import User
from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.meetings import compliance, rules
from jiceng.meetings.models import Attachment, Attendance, Meeting, Presence, SignedBy, Status, Talk
from jiceng.meetings.rules import MeetingType, Period
from jiceng.notifications.services import notify
from jiceng.party.models import CommitteeSeat, Member, MemberStatus, Organisation, OrgKind

# When the annual plan puts each kind of period's meeting (the secretary moves it when scheduling).
PLAN_TIME = datetime.time(14, 30)


def has_committee(organisation: Organisation) -> bool:
    """An elected committee of at least three, not a secretary alone (支部工作条例 第十五条)."""
    seats = CommitteeSeat.objects.filter(term__organisation=organisation, term__ended_on__isnull=True)
    return seats.count() >= rules.COMMITTEE_MIN_SEATS


def allowed_types(organisation: Organisation) -> list[str]:
    """Types an organisation may hold: those it must, plus committee meetings for a branch that
    has a committee and any member meeting for a branch."""
    return rules.required_types(organisation.kind, has_committee(organisation))


def expected_members(organisation: Organisation, meeting_type: str) -> QuerySet[Member]:
    """Who is expected: the committee for a committee meeting, else every active member of the
    organisation and of the groups below it."""
    if meeting_type == MeetingType.COMMITTEE:
        return Member.objects.filter(
            active=True,
            committee_seats__term__organisation=organisation,
            committee_seats__term__ended_on__isnull=True,
        ).distinct()
    return Member.objects.filter(active=True, organisation__path__startswith=organisation.path)


def _users_of(members: Iterable[Member]) -> list[User]:
    residents = [m.resident_id for m in members if m.resident_id]
    return list(User.objects.filter(resident_id__in=residents, is_active=True))


def _plan_day(period: str, span: rules.Span, meeting_type: str) -> datetime.date:
    if period == Period.MONTH:
        return span.first.replace(day=10 if meeting_type == MeetingType.COMMITTEE else 15)
    if period == Period.QUARTER:
        return span.first.replace(month=span.first.month + 1, day=20)
    return datetime.date(span.first.year, 12, 10 if meeting_type == MeetingType.ORG_LIFE else 20)


def _span_label(period: str, span: rules.Span) -> str:
    if period == Period.MONTH:
        return _("%(month)d月") % {"month": span.first.month}
    if period == Period.QUARTER:
        return _("第%(q)d季度") % {"q": (span.first.month - 1) // 3 + 1}
    return ""


@transaction.atomic
def plan_year(*, actor: Any, organisation: Organisation, year: int) -> list[Meeting]:
    """The annual plan: one planned meeting for each required type in each period of `year` that
    has none yet. Running it again adds nothing; the secretary then schedules each meeting."""
    require(actor, Perm.ORGLIFE_MANAGE, organisation)
    existing = set(
        Meeting.objects.filter(organisation=organisation, starts_at__year=year)
        .exclude(status=Status.CANCELLED)
        .values_list("meeting_type", "starts_at")
    )
    taken: dict[str, list[datetime.date]] = {}
    for meeting_type, starts_at in existing:
        taken.setdefault(meeting_type, []).append(timezone.localtime(starts_at).date())
    created = []
    tz = timezone.get_current_timezone()
    for meeting_type in allowed_types(organisation):
        period = rules.FREQUENCY[meeting_type]
        for span in rules.spans_of_year(period, year):
            if any(span.first <= day <= span.last for day in taken.get(meeting_type, [])):
                continue
            day = _plan_day(period, span, meeting_type)
            label = MeetingType(meeting_type).label
            created.append(
                Meeting(
                    organisation=organisation,
                    area_code=organisation.area_code,
                    org_path=organisation.path,
                    meeting_type=meeting_type,
                    title=_("%(year)d年%(span)s%(type)s")
                    % {"year": year, "span": _span_label(period, span), "type": label},
                    starts_at=datetime.datetime.combine(day, PLAN_TIME, tzinfo=tz),
                    status=Status.PLANNED,
                    created_by=actor,
                )
            )
    # The branch secretary's own lecture of the year: the first lecture of the plan, unless one
    # of this year's lectures is already theirs.
    lectures = [m for m in created if m.meeting_type == MeetingType.LECTURE]
    has_own = Meeting.objects.filter(
        organisation=organisation, starts_at__year=year, meeting_type=MeetingType.LECTURE, by_secretary=True
    ).exists()
    if lectures and organisation.kind == OrgKind.BRANCH and not has_own:
        lectures[0].by_secretary = True
        lectures[0].title = _("%(year)d年书记讲党课") % {"year": year}
    for meeting in created:
        meeting.save()
    audit.record(
        actor,
        Action.CREATE,
        organisation,
        object_type="meetings.plan",
        object_repr=_("%(org)s %(year)d年会议计划：新增%(n)d次")
        % {"org": organisation.name, "year": year, "n": len(created)},
    )
    return created


def check_type(organisation: Organisation, meeting_type: str) -> None:
    if meeting_type not in MeetingType.values:
        raise ValidationError({"meeting_type": _("请选择会议类型")})
    if meeting_type not in allowed_types(organisation):
        if meeting_type == MeetingType.COMMITTEE and organisation.kind == OrgKind.BRANCH:
            message = _("%(org)s未设支部委员会（不足3名委员），不召开支部委员会会议") % {
                "org": organisation.name
            }
        else:
            message = _("%(org)s不召开%(type)s") % {
                "org": organisation.name,
                "type": MeetingType(meeting_type).label,
            }
        raise ValidationError({"meeting_type": message})


@transaction.atomic
def schedule_meeting(
    *,
    actor: Any,
    organisation: Organisation,
    meeting_type: str,
    title: str,
    starts_at: datetime.datetime,
    place: str = "",
    host: str = "",
    speaker: str = "",
    by_secretary: bool = False,
    agenda: str = "",
    meeting: Meeting | None = None,
) -> Meeting:
    """Fix a meeting's time and place (a planned one, or a new one) and send the notice to every
    expected attendee who has an account; a meeting already held or cancelled cannot be moved."""
    require(actor, Perm.ORGLIFE_MANAGE, organisation)
    check_type(organisation, meeting_type)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("请填写会议主题")})
    if meeting is not None and meeting.status in (Status.HELD, Status.CANCELLED):
        raise ValidationError(
            _("会议已%(status)s，不能再修改时间") % {"status": meeting.get_status_display()}
        )
    if meeting_type == MeetingType.LECTURE and not speaker.strip():
        raise ValidationError({"speaker": _("党课须填写讲课人")})
    meeting = meeting or Meeting(organisation=organisation, created_by=actor)
    meeting.area_code = organisation.area_code
    meeting.org_path = organisation.path
    meeting.meeting_type = meeting_type
    meeting.title = title
    meeting.starts_at = starts_at
    meeting.place = place.strip()
    meeting.host = host.strip()
    meeting.speaker = speaker.strip()
    meeting.by_secretary = by_secretary and meeting_type == MeetingType.LECTURE
    meeting.agenda = agenda.strip()
    meeting.status = Status.SCHEDULED
    meeting.notified_at = timezone.now()
    meeting.save()
    members = list(expected_members(organisation, meeting_type))
    known = set(meeting.attendances.values_list("member_id", flat=True))
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, member=m, voting=m.status == MemberStatus.FULL)
            for m in members
            if m.pk not in known
        ]
    )
    audit.record(actor, Action.UPDATE, meeting, fields=["starts_at", "place", "status"])
    when = timezone.localtime(starts_at)
    if when > timezone.localtime():
        notify(
            _users_of(members),
            _("会议通知：%(title)s") % {"title": title},
            body=_("%(org)s定于%(when)s在%(place)s召开%(type)s，请准时参加；不能参加的请在会前请假。")
            % {
                "org": organisation.name,
                "when": when.strftime("%Y-%m-%d %H:%M"),
                "place": meeting.place or _("（地点另行通知）"),
                "type": meeting.get_meeting_type_display(),
            },
            link=reverse("meetings:meeting", kwargs={"pk": meeting.pk}),
            topic=f"meeting:{meeting.pk}:{when:%Y%m%d%H%M}",
        )
    return meeting


def _own_attendance(user: Any, meeting: Meeting) -> Attendance:
    resident = getattr(user, "resident_id", None)
    row = (
        meeting.attendances.filter(member__resident_id=resident).select_related("member").first()
        if resident
        else None
    )
    if row is None:
        raise PermissionDenied(_("您不是本次会议的应到人员，无需签到"))
    return row


@transaction.atomic
def sign_in(*, user: Any, meeting: Meeting, now: datetime.datetime | None = None) -> Attendance:
    """A member signs in on their phone by the meeting's QR code; signing in twice is harmless."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    row = _own_attendance(user, meeting)
    if meeting.status == Status.CANCELLED:
        raise ValidationError(_("会议已取消"))
    if row.presence == Presence.PRESENT:
        return row
    now = now or timezone.now()
    if meeting.status == Status.HELD or now > meeting.starts_at + rules.SIGN_IN_CLOSES:
        raise ValidationError(_("会议签到已结束，请联系支部书记登记出勤"))
    if now < meeting.starts_at - rules.SIGN_IN_OPENS:
        opens = timezone.localtime(meeting.starts_at - rules.SIGN_IN_OPENS)
        raise ValidationError(_("签到将于%(at)s开始") % {"at": opens.strftime("%m-%d %H:%M")})
    row.presence = Presence.PRESENT
    row.signed_in_at = now
    row.signed_by = SignedBy.QR
    row.leave_reason = ""
    row.save(update_fields=["presence", "signed_in_at", "signed_by", "leave_reason"])
    audit.record(
        user, Action.UPDATE, row, fields=["presence"], object_repr=f"{meeting.title} {row.member.name}"
    )
    return row


@transaction.atomic
def request_leave(*, user: Any, meeting: Meeting, reason: str) -> Attendance:
    """A member asks for leave before the meeting starts (请假)."""
    row = _own_attendance(user, meeting)
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("请填写请假事由")})
    if meeting.status in (Status.HELD, Status.CANCELLED) or timezone.now() >= meeting.starts_at:
        raise ValidationError(_("会议已开始，不能再请假，请联系支部书记"))
    row.presence = Presence.LEAVE
    row.leave_reason = reason[:200]
    row.save(update_fields=["presence", "leave_reason"])
    audit.record(user, Action.UPDATE, row, fields=["presence", "leave_reason"])
    return row


@transaction.atomic
def mark_attendance(
    *, actor: Any, meeting: Meeting, present: Iterable[int], leave: dict[int, str] | None = None
) -> int:
    """The secretary records who came (by member id) and who was on leave; the others stay as
    they were. Returns the number of rows changed."""
    require(actor, Perm.ORGLIFE_MANAGE, meeting)
    if meeting.status == Status.CANCELLED:
        raise ValidationError(_("会议已取消"))
    leave = leave or {}
    present = set(present)
    rows = {a.member_id: a for a in meeting.attendances.all()}
    unknown = (present | set(leave)) - set(rows)
    if unknown:
        raise ValidationError(_("所选党员不是本次会议的应到人员"))
    changed = []
    now = timezone.now()
    for member_id, row in rows.items():
        if member_id in present and row.presence != Presence.PRESENT:
            row.presence, row.signed_by, row.signed_in_at = Presence.PRESENT, SignedBy.SECRETARY, now
            changed.append(row)
        elif member_id in leave and row.presence != Presence.LEAVE:
            row.presence, row.leave_reason = Presence.LEAVE, leave[member_id][:200]
            changed.append(row)
    Attendance.objects.bulk_update(changed, ["presence", "signed_by", "signed_in_at", "leave_reason"])
    if changed:
        audit.record(actor, Action.UPDATE, meeting, fields=["attendance"])
    return len(changed)


@transaction.atomic
def record_held(*, actor: Any, meeting: Meeting, minutes: str, resolutions: str = "") -> Meeting:
    """Close the meeting's record: whoever did not sign in and was not on leave was absent; a
    general meeting without more than half of its voting members present makes no resolution."""
    require(actor, Perm.ORGLIFE_MANAGE, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status in (Status.HELD, Status.CANCELLED):
        raise ValidationError(_("会议已%(status)s") % {"status": meeting.get_status_display()})
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("会议尚未开始，不能登记为已召开"))
    minutes, resolutions = minutes.strip(), resolutions.strip()
    if len(minutes) < 10:
        raise ValidationError({"minutes": _("请填写会议记录（至少10个字）")})
    rows = list(meeting.attendances.all())
    voting = sum(1 for a in rows if a.voting)
    present_voting = sum(1 for a in rows if a.voting and a.presence == Presence.PRESENT)
    quorum = meeting.meeting_type != MeetingType.GENERAL or rules.quorum_reached(present_voting, voting)
    if not quorum and resolutions:
        raise ValidationError(
            {
                "resolutions": _(
                    "到会有表决权的党员%(present)d人，未超过应到%(voting)d人的半数，不能作出决议（支部工作条例第十九条）"
                )
                % {"present": present_voting, "voting": voting}
            }
        )
    meeting.attendances.filter(presence=Presence.EXPECTED).update(presence=Presence.ABSENT)
    meeting.status = Status.HELD
    meeting.minutes, meeting.resolutions = minutes, resolutions
    meeting.voting_members, meeting.present_voting, meeting.quorum_reached = voting, present_voting, quorum
    meeting.save()
    audit.record(actor, Action.UPDATE, meeting, fields=["status", "minutes", "resolutions"])
    compliance.invalidate_boards()
    return meeting


@transaction.atomic
def cancel_meeting(*, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    require(actor, Perm.ORGLIFE_MANAGE, meeting)
    if meeting.status == Status.HELD:
        raise ValidationError(_("会议已召开，不能取消"))
    if len(reason.strip()) < 2:
        raise ValidationError({"reason": _("请填写取消原因")})
    meeting.status, meeting.cancel_reason = Status.CANCELLED, reason.strip()[:200]
    meeting.save(update_fields=["status", "cancel_reason", "updated_at"])
    compliance.invalidate_boards()
    audit.record(actor, Action.UPDATE, meeting, fields=["status"], reason=meeting.cancel_reason)
    if meeting.notified_at:
        notify(
            _users_of(Member.objects.filter(attendances__meeting=meeting)),
            _("会议取消：%(title)s") % {"title": meeting.title},
            body=meeting.cancel_reason,
            link=reverse("meetings:meeting", kwargs={"pk": meeting.pk}),
        )
    return meeting


MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".webp", ".heic")
ATTACHMENT_TYPES = (*PHOTO_TYPES, ".pdf", ".doc", ".docx", ".xls", ".xlsx")


@transaction.atomic
def add_attachment(*, actor: Any, meeting: Meeting, file: Any) -> Attachment:
    """Attach minutes as signed on paper, a photo or a material (PDF, Word, Excel, images)."""
    require(actor, Perm.ORGLIFE_MANAGE, meeting)
    name = (getattr(file, "name", "") or "").lower()
    if not name.endswith(ATTACHMENT_TYPES):
        raise ValidationError({"file": _("只能上传图片、PDF、Word或Excel文件")})
    if file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("文件不能超过20MB")})
    attachment = Attachment.objects.create(
        meeting=meeting, file=file, is_photo=name.endswith(PHOTO_TYPES), uploaded_by=actor
    )
    audit.record(actor, Action.CREATE, attachment, object_repr=name[:200])
    return attachment


@transaction.atomic
def record_talk(
    *, actor: Any, member: Member, talked_on: datetime.date, talker: str, notes: str = ""
) -> Talk:
    """Record a heart-to-heart talk (谈心谈话) with a member, which each member is owed at least
    once a year (DOMAIN.md); the board counts the members talked with this year."""
    require(actor, Perm.ORGLIFE_MANAGE, member)
    if not member.active:
        raise ValidationError(_("%(name)s已不在册") % {"name": member.name})
    if talked_on > timezone.localdate():
        raise ValidationError({"talked_on": _("谈话日期不能晚于今天")})
    talker = talker.strip()
    if not talker:
        raise ValidationError({"talker": _("请填写谈话人")})
    organisation = member.organisation
    talk = Talk.objects.create(
        member=member,
        organisation=organisation,
        area_code=organisation.area_code,
        org_path=organisation.path,
        talked_on=talked_on,
        talker=talker[:50],
        notes=notes.strip(),
        created_by=actor,
    )
    audit.record(actor, Action.CREATE, talk, object_repr=f"{member.name} {talked_on}")
    compliance.invalidate_boards()
    return talk
