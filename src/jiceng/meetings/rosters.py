"""The meeting rosters: held meetings (会议记录, typing up a paper register) and attendance (会议出勤).

A meeting row names its organisation, type, day and subject; importing it records a meeting
held on that day under the same rules as the page (the type is one the organisation holds, the
minutes are written, a lecture has its speaker). An attendance row names the meeting by
organisation, day and subject and the member by name and ID tail; importing it sets the member's
presence and recounts a general meeting's quorum."""

import datetime
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiceng.accounts.roles import Perm
from jiceng.audit.models import Action
from jiceng.audit.services import Entry
from jiceng.common import bulk
from jiceng.meetings import rules
from jiceng.meetings.compliance import invalidate_boards
from jiceng.meetings.models import Attendance, Meeting, Presence, SignedBy, Status
from jiceng.meetings.rules import MeetingType
from jiceng.meetings.services import check_type
from jiceng.party.models import Member, MemberStatus, Organisation
from jiceng.rosters.base import Column, Plan, Roster, Row, Sheet
from jiceng.rosters.member_refs import MemberLookup
from jiceng.rosters.models import RosterKind

DEFAULT_TIME = datetime.time(14, 30)


def _time(text: str | None) -> datetime.time | None:
    if not text:
        return DEFAULT_TIME
    try:
        return datetime.datetime.strptime(text.replace("：", ":"), "%H:%M").time()
    except ValueError:
        return None


def _organisations(user: Any, permission: str, names: set[str]) -> dict[str, list[Organisation]]:
    found: dict[str, list[Organisation]] = {}
    for org in Organisation.objects.visible_to(user, permission).filter(active=True, name__in=names):
        found.setdefault(org.name, []).append(org)
    return found


def _one_organisation(found: dict[str, list[Organisation]], name: str) -> tuple[Organisation | None, str]:
    orgs = found.get(name, [])
    if not orgs:
        return None, _("找不到党组织“%(name)s”，或其不在您的管辖范围内") % {"name": name}
    if len(orgs) > 1:
        return None, _("有多个党组织名为“%(name)s”") % {"name": name}
    return orgs[0], ""


class MeetingRoster(Roster):
    kind = RosterKind.MEETINGS
    sheet_title = _l("会议记录")
    import_permission = Perm.PARTY_IMPORT
    export_permission = Perm.PARTY_EXPORT
    columns = (
        Column(
            "organisation", _l("党组织"), required=True, max_length=100, example="第一网格党支部", width=18
        ),
        Column(
            "meeting_type",
            _l("会议类型"),
            kind="choice",
            required=True,
            choices=MeetingType,
            example="支部党员大会",
        ),
        Column("day", _l("日期"), kind="date", required=True, example="2026-03-20"),
        Column("time", _l("时刻"), max_length=5, example="14:30", hint=_l("不填为14:30")),
        Column("title", _l("主题"), required=True, max_length=200, example="传达学习全国两会精神", width=24),
        Column("place", _l("地点"), max_length=200, example="社区党群服务中心"),
        Column("host", _l("主持人"), max_length=50, example="张三"),
        Column("speaker", _l("讲课人"), max_length=50, hint=_l("党课必填")),
        Column(
            "minutes",
            _l("会议记录"),
            required=True,
            example="会议传达学习了全国两会精神，党员结合实际交流发言。",
            width=40,
        ),
        Column("resolutions", _l("决议事项"), width=24),
    )

    def check(self, user: Any, sheet: Sheet, rows: list[Row], plan: Plan) -> None:
        def fail(row: Row, key: str, message: str) -> None:
            plan.errors.append(self.error(sheet, row.number, key, message))

        found = _organisations(user, self.import_permission, {r.values["organisation"] for r in rows})
        today = timezone.localdate()
        tz = timezone.get_current_timezone()
        seen: dict[tuple[int, datetime.date, str], int] = {}
        for row in rows:
            v = row.values
            org, message = _one_organisation(found, v["organisation"])
            if org is None:
                fail(row, "organisation", message)
                continue
            try:
                check_type(org, v["meeting_type"])
            except ValidationError as exc:
                fail(row, "meeting_type", exc.messages[0])
                continue
            if v["day"] > today:
                fail(row, "day", _("只能导入已召开的会议，日期不能晚于今天"))
                continue
            at = _time(v["time"])
            if at is None:
                fail(row, "time", _("时刻格式应如 14:30"))
                continue
            if v["meeting_type"] == MeetingType.LECTURE and not v["speaker"]:
                fail(row, "speaker", _("党课须填写讲课人"))
                continue
            if len(v["minutes"]) < 10:
                fail(row, "minutes", _("请填写会议记录（至少10个字）"))
                continue
            key = (org.pk, v["day"], v["title"])
            if key in seen:
                fail(row, "title", _("与第%(row)d行是同一次会议") % {"row": seen[key]})
                continue
            if Meeting.objects.filter(organisation=org, starts_at__date=v["day"], title=v["title"]).exists():
                fail(row, "title", _("该会议已登记"))
                continue
            seen[key] = row.number
            v["_org"], v["_starts_at"] = org, datetime.datetime.combine(v["day"], at, tzinfo=tz)
            plan.rows.append(row)

    def write(self, user: Any, plan: Plan) -> tuple[dict[str, int], list[Entry]]:
        meetings = [
            Meeting(
                organisation=r.values["_org"],
                area_code=r.values["_org"].area_code,
                org_path=r.values["_org"].path,
                meeting_type=r.values["meeting_type"],
                title=r.values["title"],
                starts_at=r.values["_starts_at"],
                place=r.values["place"] or "",
                host=r.values["host"] or "",
                speaker=r.values["speaker"] or "",
                status=Status.HELD,
                minutes=r.values["minutes"],
                resolutions=r.values["resolutions"] or "",
                # A general meeting counts once its attendance shows the quorum (attendance roster).
                quorum_reached=r.values["meeting_type"] != MeetingType.GENERAL,
                created_by=user,
            )
            for r in plan.rows
        ]
        bulk.insert(Meeting, meetings)
        invalidate_boards()
        return {"meetings": len(meetings)}, [
            Entry(Action.IMPORT, m, fields=("status", "minutes")) for m in meetings
        ]

    def export_rows(self, actor: Any, area: str) -> Iterator[list[Any]]:
        qs = (
            Meeting.objects.visible_to(actor, self.export_permission)
            .filter(status=Status.HELD)
            .select_related("organisation")
        )
        if area:
            qs = qs.filter(area_code__startswith=area)
        for m in qs.order_by("org_path", "starts_at").iterator(chunk_size=2000):
            local = timezone.localtime(m.starts_at)
            yield [
                m.organisation.name,
                m.get_meeting_type_display(),
                local.date(),
                f"{local:%H:%M}",
                m.title,
                m.place,
                m.host,
                m.speaker,
                m.minutes,
                m.resolutions,
            ]


class AttendanceRoster(Roster):
    kind = RosterKind.ATTENDANCE
    sheet_title = _l("会议出勤")
    import_permission = Perm.PARTY_IMPORT
    export_permission = Perm.PARTY_EXPORT
    export_purpose = _l("导出党员个人信息须说明用途")
    columns = (
        Column(
            "organisation", _l("党组织"), required=True, max_length=100, example="第一网格党支部", width=18
        ),
        Column("day", _l("会议日期"), kind="date", required=True, example="2026-03-20"),
        Column(
            "title", _l("会议主题"), required=True, max_length=200, example="传达学习全国两会精神", width=24
        ),
        Column("member", _l("党员姓名"), required=True, max_length=50, example="张三", width=10),
        Column(
            "id_tail", _l("身份证后4位"), max_length=4, example="1234", width=10, hint=_l("也可改填党员电话")
        ),
        Column("member_phone", _l("党员电话"), max_length=20, width=14),
        Column(
            "presence",
            _l("出勤"),
            kind="choice",
            required=True,
            choices=Presence,
            allowed=(Presence.PRESENT, Presence.LEAVE, Presence.ABSENT),
            example="出席",
        ),
        Column("leave_reason", _l("请假事由"), max_length=200),
    )

    def check(self, user: Any, sheet: Sheet, rows: list[Row], plan: Plan) -> None:
        def fail(row: Row, key: str, message: str) -> None:
            plan.errors.append(self.error(sheet, row.number, key, message))

        found = _organisations(user, self.import_permission, {r.values["organisation"] for r in rows})
        lookup = MemberLookup(user, self.import_permission, {r.values["member"] for r in rows})
        meetings: dict[tuple[int, datetime.date, str], Meeting | None] = {}
        seen: dict[tuple[int, int], int] = {}
        for row in rows:
            v = row.values
            org, message = _one_organisation(found, v["organisation"])
            if org is None:
                fail(row, "organisation", message)
                continue
            key = (org.pk, v["day"], v["title"])
            if key not in meetings:
                meetings[key] = (
                    Meeting.objects.filter(organisation=org, starts_at__date=v["day"], title=v["title"])
                    .exclude(status=Status.CANCELLED)
                    .first()
                )
            meeting = meetings[key]
            if meeting is None:
                fail(
                    row,
                    "title",
                    _("找不到%(org)s %(day)s的会议“%(title)s”，请先导入会议记录")
                    % {"org": org.name, "day": v["day"], "title": v["title"]},
                )
                continue
            ref = lookup.find(row, fail)
            if ref is None:
                continue
            if not ref.org_path.startswith(org.path):
                fail(row, "member", _("%(name)s不是%(org)s的党员") % {"name": ref.name, "org": org.name})
                continue
            if (meeting.pk, ref.pk) in seen:
                fail(row, "member", _("与第%(row)d行重复") % {"row": seen[(meeting.pk, ref.pk)]})
                continue
            seen[(meeting.pk, ref.pk)] = row.number
            v["_meeting"], v["_member"] = meeting, ref.pk
            plan.rows.append(row)

    def write(self, user: Any, plan: Plan) -> tuple[dict[str, int], list[Entry]]:
        existing = {
            (a.meeting_id, a.member_id): a
            for a in Attendance.objects.filter(meeting__in={r.values["_meeting"].pk for r in plan.rows})
        }
        voting = dict(
            Member.objects.filter(pk__in={r.values["_member"] for r in plan.rows}).values_list("pk", "status")
        )
        new, changed = [], []
        for r in plan.rows:
            v = r.values
            presence, reason = (
                v["presence"],
                (v["leave_reason"] or "") if v["presence"] == Presence.LEAVE else "",
            )
            row = existing.get((v["_meeting"].pk, v["_member"]))
            if row is None:
                new.append(
                    Attendance(
                        meeting=v["_meeting"],
                        member_id=v["_member"],
                        voting=voting[v["_member"]] == MemberStatus.FULL,
                        presence=presence,
                        leave_reason=reason,
                        signed_by=SignedBy.SECRETARY if presence == Presence.PRESENT else "",
                    )
                )
            else:
                row.presence, row.leave_reason = presence, reason
                changed.append(row)
        bulk.insert(Attendance, new)
        Attendance.objects.bulk_update(changed, ["presence", "leave_reason"])
        held = {
            r.values["_meeting"].pk: r.values["_meeting"]
            for r in plan.rows
            if r.values["_meeting"].status == Status.HELD
        }
        for meeting in held.values():
            rows = list(meeting.attendances.all())
            meeting.voting_members = sum(a.voting for a in rows)
            meeting.present_voting = sum(a.voting and a.presence == Presence.PRESENT for a in rows)
            meeting.quorum_reached = meeting.meeting_type != MeetingType.GENERAL or rules.quorum_reached(
                meeting.present_voting, meeting.voting_members
            )
            meeting.save(update_fields=["voting_members", "present_voting", "quorum_reached"])
        entries = [
            Entry(Action.IMPORT, m, fields=("attendance",))
            for m in {r.values["_meeting"].pk: r.values["_meeting"] for r in plan.rows}.values()
        ]
        return {"attendances": len(new) + len(changed)}, entries

    def export_rows(self, actor: Any, area: str) -> Iterator[list[Any]]:
        meetings = Meeting.objects.visible_to(actor, self.export_permission).exclude(status=Status.CANCELLED)
        if area:
            meetings = meetings.filter(area_code__startswith=area)
        qs = (
            Attendance.objects.filter(meeting__in=meetings.values("pk"))
            .select_related("meeting__organisation", "member__resident")
            .order_by("meeting__org_path", "meeting__starts_at", "member__name")
        )
        for a in qs.iterator(chunk_size=2000):
            tail = a.member.resident.id_tail if a.member.resident else ""
            yield [
                a.meeting.organisation.name,
                timezone.localtime(a.meeting.starts_at).date(),
                a.meeting.title,
                a.member.name,
                tail,
                "" if tail else a.member.phone_masked,
                a.get_presence_display(),
                a.leave_reason,
            ]


def register() -> None:
    from jiceng.rosters.registry import register as add

    add(MeetingRoster())
    add(AttendanceRoster())
