"""Demo 三会一课: this year's meetings of every organisation up to today, most held on time and
some missed (each community keeps its own pace, so the compliance board shows a spread), with
attendance, and this year's heart-to-heart talks with most members; then, through the services,
the next branch general meeting of member01's branch, so the persona has a notice and a meeting
to sign in to.

The history is written in bulk (COPY on PostgreSQL) from plain rows: the district's thousands
of organisations get a year of meetings and a million attendance rows in well under a minute.
"""

import datetime
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone

from jiceng.demo.writer import RowWriter
from jiceng.meetings import rules, services
from jiceng.meetings.models import Attendance, Meeting, Presence, SignedBy, Status, Talk
from jiceng.meetings.rules import MeetingType
from jiceng.party.models import CommitteeSeat, Member, MemberStatus, Organisation

TOPICS: dict[str, list[str]] = {
    MeetingType.GENERAL: ["传达学习上级会议精神", "讨论社区年度重点工作", "发展党员表决", "党员评议情况通报"],
    MeetingType.COMMITTEE: ["研究本月工作安排", "讨论困难党员帮扶", "研究网格走访情况"],
    MeetingType.GROUP: ["学习党章党规", "交流联系户走访情况"],
    MeetingType.LECTURE: ["学习党的二十届四中全会精神", "弘扬伟大建党精神", "基层治理中的党员作用"],
    MeetingType.THEME_DAY: [
        "清洁家园志愿服务",
        "重温入党誓词",
        "走访慰问老党员",
        "文明交通劝导",
        "垃圾分类宣传",
    ],
    MeetingType.ORG_LIFE: ["年度组织生活会"],
    MeetingType.APPRAISAL: ["年度民主评议党员"],
}
MINUTES = "会议由支部书记主持。{topic}。与会党员结合工作实际进行了交流发言，对下一步工作提出了意见建议。"


@dataclass
class MeetingsTally:
    meetings: int = 0
    held: int = 0
    attendances: int = 0
    talks: int = 0
    scheduled: str = ""

    def __str__(self) -> str:
        return (
            f"三会一课: {self.meetings:,} meetings this year ({self.held:,} held), "
            f"{self.attendances:,} attendance rows, {self.talks:,} heart-to-heart talks{self.scheduled}"
        )


def _plan_day(period: str, span: rules.Span, meeting_type: str) -> datetime.date:
    return services._plan_day(period, span, meeting_type)  # the annual plan's own days


def build_district(*, today: datetime.date, seed: int) -> MeetingsTally:
    """This year's meetings and talks of every active organisation up to `today`, in bulk."""
    rng = random.Random(f"{seed}/meetings")
    tz = timezone.get_current_timezone()
    writer = RowWriter()
    tally = MeetingsTally()
    orgs = list(
        Organisation.objects.filter(active=True).order_by("path").values("id", "kind", "area_code", "path")
    )
    members = list(Member.objects.filter(active=True).values_list("id", "organisation__path", "status"))
    seats: dict[int, list[int]] = defaultdict(list)
    for org_id, member_id in CommitteeSeat.objects.filter(term__ended_on__isnull=True).values_list(
        "term__organisation_id", "member_id"
    ):
        seats[org_id].append(member_id)
    committees = {
        r["term__organisation_id"]
        for r in CommitteeSeat.objects.filter(term__ended_on__isnull=True)
        .values("term__organisation_id")
        .annotate(n=Count("id"))
        .filter(n__gte=rules.COMMITTEE_MIN_SEATS)
    }
    full = {m_id for m_id, _path, status in members if status == MemberStatus.FULL}
    by_org_path: dict[str, list[int]] = defaultdict(list)
    for m_id, path, _status in members:
        by_org_path[path].append(m_id)
    pace: dict[str, float] = {}
    meeting_rows: list[tuple[Any, ...]] = []
    attendance_rows: list[tuple[Any, ...]] = []
    next_meeting = writer.next_id(Meeting)
    next_attendance = writer.next_id(Attendance)
    now = writer.datetime(timezone.now())
    for org in orgs:
        community = org["area_code"][:12]
        rate = pace.setdefault(community, rng.uniform(0.72, 1.0))
        subtree = [m for path, ids in by_org_path.items() if path.startswith(org["path"]) for m in ids]
        for meeting_type in rules.required_types(org["kind"], org["id"] in committees):
            period = rules.FREQUENCY[meeting_type]
            expected = seats[org["id"]] if meeting_type == MeetingType.COMMITTEE else subtree
            for span in rules.spans_of_year(period, today.year):
                if span.first > today:
                    break
                day = _plan_day(period, span, meeting_type)
                future = day > today
                if not future and rng.random() > rate:
                    continue  # missed: the board shows it overdue
                starts = datetime.datetime.combine(day, datetime.time(14, 30), tzinfo=tz)
                status = Status.SCHEDULED if future else Status.HELD
                topic = rng.choice(TOPICS[meeting_type])
                present_voting = voting = 0
                for member_id in expected:
                    roll = rng.random()
                    presence = (
                        Presence.EXPECTED
                        if future
                        else Presence.PRESENT
                        if roll < 0.82
                        else Presence.LEAVE
                        if roll < 0.92
                        else Presence.ABSENT
                    )
                    is_voting = member_id in full
                    voting += is_voting
                    present_voting += is_voting and presence == Presence.PRESENT
                    attendance_rows.append(
                        (
                            next_attendance,
                            next_meeting,
                            member_id,
                            is_voting,
                            presence,
                            writer.datetime(starts) if presence == Presence.PRESENT else None,
                            SignedBy.QR if presence == Presence.PRESENT else "",
                            "工作冲突" if presence == Presence.LEAVE else "",
                        )
                    )
                    next_attendance += 1
                quorum = meeting_type != MeetingType.GENERAL or rules.quorum_reached(present_voting, voting)
                label = MeetingType(meeting_type).label
                meeting_rows.append(
                    (
                        next_meeting,
                        org["id"],
                        org["area_code"],
                        org["path"],
                        meeting_type,
                        f"{label}：{topic}",
                        writer.datetime(starts),
                        "社区党群服务中心",
                        "",
                        "",
                        "",
                        status,
                        "" if future else MINUTES.format(topic=topic),
                        "",
                        "",
                        0 if future else voting,
                        0 if future else present_voting,
                        quorum,
                        # Most secretaries give the year's second-quarter lecture themselves.
                        meeting_type == MeetingType.LECTURE
                        and span.key.endswith("Q2")
                        and rng.random() < 0.85,
                        secrets.token_urlsafe(18),
                        writer.datetime(starts - datetime.timedelta(days=3)),
                        now,
                        now,
                    )
                )
                next_meeting += 1
                tally.meetings += 1
                tally.held += not future
    writer.write(
        Meeting,
        [
            "id", "organisation_id", "area_code", "org_path", "meeting_type", "title", "starts_at", "place",
            "host", "speaker", "agenda", "status", "minutes", "resolutions", "cancel_reason", "voting_members",
            "present_voting", "quorum_reached", "by_secretary", "sign_in_token", "notified_at", "created_at", "updated_at",
        ],
        meeting_rows,
    )  # fmt: skip
    writer.write(
        Attendance,
        ["id", "meeting_id", "member_id", "voting", "presence", "signed_in_at", "signed_by", "leave_reason"],
        attendance_rows,
    )
    tally.attendances = len(attendance_rows)
    tally.talks = _write_talks(writer, rng, today, pace)
    writer.reset_sequences(Meeting, Attendance, Talk)
    return tally


TALKERS = ["支部书记", "支部副书记", "组织委员", "社区党委书记"]
TALK_POINTS = ["思想工作情况", "家庭生活困难", "参加组织生活情况", "对支部工作的意见建议", "联系服务群众情况"]


def _write_talks(writer: RowWriter, rng: random.Random, today: datetime.date, pace: dict[str, float]) -> int:
    """A heart-to-heart talk this year with most members, fewer where a community lags."""
    rows = []
    next_talk = writer.next_id(Talk)
    now = writer.datetime(timezone.now())
    year_days = (today - datetime.date(today.year, 1, 1)).days
    members = Member.objects.filter(active=True).values_list(
        "id", "organisation_id", "organisation__area_code", "organisation__path"
    )
    for member_id, org_id, area_code, path in members:
        # The share talked with grows through the year: most talks come with the appraisal.
        if rng.random() > pace.get(area_code[:12], 0.8) * (0.4 + 0.6 * today.timetuple().tm_yday / 366):
            continue
        talked_on = datetime.date(today.year, 1, 1) + datetime.timedelta(days=rng.randint(0, year_days))
        point = rng.choice(TALK_POINTS)
        rows.append(
            (
                next_talk,
                member_id,
                org_id,
                area_code,
                path,
                writer.date(talked_on),
                rng.choice(TALKERS),
                point,
                now,
            )
        )
        next_talk += 1
    writer.write(
        Talk,
        [
            "id",
            "member_id",
            "organisation_id",
            "area_code",
            "org_path",
            "talked_on",
            "talker",
            "notes",
            "created_at",
        ],
        rows,
    )
    return len(rows)


def build(*, secretary: Any, member_user: Any, today: datetime.date, seed: int) -> MeetingsTally:
    """The history, then the next general meeting of member01's branch, scheduled (and notified)
    through the services for the day after tomorrow."""
    tally = build_district(today=today, seed=seed)
    resident = getattr(member_user, "resident_id", None)
    member = Member.objects.filter(resident_id=resident, active=True).first() if resident else None
    if member is None:
        return tally
    starts = datetime.datetime.combine(
        today + datetime.timedelta(days=2), datetime.time(19, 0), tzinfo=timezone.get_current_timezone()
    )
    meeting = services.schedule_meeting(
        actor=secretary,
        organisation=member.organisation,
        meeting_type=MeetingType.GENERAL,
        title="支部党员大会：讨论年度党员评议工作安排",
        starts_at=starts,
        place="社区党群服务中心二楼会议室",
        host="支部书记",
        agenda="一、传达上级通知\n二、讨论年度民主评议党员工作安排\n三、其他事项",
    )
    tally.meetings += 1
    tally.scheduled = f"; {member.organisation.name} meets on {starts:%Y-%m-%d %H:%M} (meeting {meeting.pk})"
    return tally
