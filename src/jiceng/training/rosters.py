"""The training roster (培训学时): one row per member present at a session of a course. Importing
it records attendance (the session's class hours count for the member), enrolling the member in
the course when they belong to the organisation that runs it."""

import datetime
from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiceng.accounts.roles import Perm
from jiceng.audit.models import Action
from jiceng.audit.services import Entry
from jiceng.common import bulk
from jiceng.rosters.base import Column, Plan, Roster, Row, Sheet
from jiceng.rosters.member_refs import MemberLookup
from jiceng.rosters.models import RosterKind
from jiceng.training.models import Attendance, Course, Enrolment, Session


class TrainingRoster(Roster):
    kind = RosterKind.TRAINING
    sheet_title = _l("培训学时")
    import_permission = Perm.PARTY_IMPORT
    export_permission = Perm.PARTY_EXPORT
    export_purpose = _l("导出党员个人信息须说明用途")
    columns = (
        Column("course", _l("课程"), required=True, max_length=100, example="学习党章", width=20),
        Column("day", _l("上课日期"), kind="date", required=True, example="2026-03-10"),
        Column("member", _l("党员姓名"), required=True, max_length=50, example="张三", width=10),
        Column(
            "id_tail", _l("身份证后4位"), max_length=4, example="1234", width=10, hint=_l("也可改填党员电话")
        ),
        Column("member_phone", _l("党员电话"), max_length=20, width=14),
        Column("hours", _l("学时"), max_length=6, hint=_l("按课次学时计，导入时不读此列"), dropdown=False),
    )

    def check(self, user: Any, sheet: Sheet, rows: list[Row], plan: Plan) -> None:
        def fail(row: Row, key: str, message: str) -> None:
            plan.errors.append(self.error(sheet, row.number, key, message))

        lookup = MemberLookup(user, self.import_permission, {r.values["member"] for r in rows})
        courses = Course.objects.visible_to(user, self.import_permission).filter(
            name__in={r.values["course"] for r in rows}
        )
        by_name: dict[tuple[str, int], list[Course]] = {}
        for c in courses:
            by_name.setdefault((c.name, c.year), []).append(c)
        sessions: dict[tuple[int, datetime.date], list[Session]] = {}
        for s in Session.objects.filter(course__in=courses):
            sessions.setdefault((s.course_id, timezone.localtime(s.starts_at).date()), []).append(s)
        present = set(
            Attendance.objects.filter(session__course__in=courses).values_list("session_id", "member_id")
        )
        seen: dict[tuple[int, int], int] = {}
        for row in rows:
            v = row.values
            found = by_name.get((v["course"], v["day"].year), [])
            if len(found) != 1:
                message = (
                    _("找不到%(year)d年的课程“%(name)s”")
                    if not found
                    else _("有多门%(year)d年的课程名为“%(name)s”")
                )
                fail(row, "course", message % {"year": v["day"].year, "name": v["course"]})
                continue
            course = found[0]
            on_day = sessions.get((course.pk, v["day"]), [])
            if len(on_day) != 1:
                fail(
                    row,
                    "day",
                    _("该课程%(day)s没有课次") % {"day": v["day"]}
                    if not on_day
                    else _("该课程%(day)s有多个课次，请在页面上登记") % {"day": v["day"]},
                )
                continue
            ref = lookup.find(row, fail)
            if ref is None:
                continue
            if not ref.org_path.startswith(course.org_path):
                fail(row, "member", _("%(name)s不属于本课程举办党组织") % {"name": ref.name})
                continue
            key = (on_day[0].pk, ref.pk)
            if key in seen or key in present:
                fail(
                    row,
                    "member",
                    _("已登记出席") if key in present else _("与第%(row)d行重复") % {"row": seen[key]},
                )
                continue
            seen[key] = row.number
            v["_session"], v["_member"] = on_day[0], ref.pk
            plan.rows.append(row)

    def write(self, user: Any, plan: Plan) -> tuple[dict[str, int], list[Entry]]:
        enrolled = set(
            Enrolment.objects.filter(
                course__in={r.values["_session"].course_id for r in plan.rows}
            ).values_list("course_id", "member_id")
        )
        enrolments: dict[tuple[int, int], Enrolment] = {}
        for r in plan.rows:
            key = (r.values["_session"].course_id, r.values["_member"])
            if key not in enrolled:
                enrolments[key] = Enrolment(course_id=key[0], member_id=key[1], batch=str(_("花名册导入")))
        bulk.insert(Enrolment, list(enrolments.values()))
        rows = [
            Attendance(session=r.values["_session"], member_id=r.values["_member"], recorded_by=user)
            for r in plan.rows
        ]
        bulk.insert(Attendance, rows)
        sessions = {r.values["_session"].pk: r.values["_session"] for r in plan.rows}
        return {"attendances": len(rows), "enrolments": len(enrolments)}, [
            Entry(Action.IMPORT, s, fields=("attendance",)) for s in sessions.values()
        ]

    def export_rows(self, actor: Any, area: str) -> Iterator[list[Any]]:
        courses = Course.objects.visible_to(actor, self.export_permission)
        if area:
            courses = courses.filter(area_code__startswith=area)
        qs = (
            Attendance.objects.filter(session__course__in=courses.values("pk"))
            .select_related("session__course", "member__resident")
            .order_by("session__course__name", "session__starts_at", "member__name")
        )
        for a in qs.iterator(chunk_size=2000):
            tail = a.member.resident.id_tail if a.member.resident else ""
            yield [
                a.session.course.name,
                timezone.localtime(a.session.starts_at).date(),
                a.member.name,
                tail,
                "" if tail else a.member.phone_masked,
                str(a.session.hours),
            ]


def register() -> None:
    from jiceng.rosters.registry import register as add

    add(TrainingRoster())
