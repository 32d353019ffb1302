"""The meeting register (三会一课记录本) of an organisation for a period, as PDF and Word.

One entry per meeting held, in date order, as the paper register has it: type, time, place,
host (and speaker of a lecture), those expected, present, on leave and absent by name, the
quorum of a general meeting, the minutes and the resolutions.
"""

import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt
from weasyprint import HTML

from jiceng.meetings.models import Meeting, Presence, Status
from jiceng.meetings.rules import MeetingType
from jiceng.party.models import Organisation


@dataclass
class Entry:
    meeting: Meeting
    present: list[str]
    leave: list[str]
    absent: list[str]
    expected: int

    @property
    def when(self) -> str:
        return timezone.localtime(self.meeting.starts_at).strftime("%Y-%m-%d %H:%M")

    @property
    def quorum_text(self) -> str:
        m = self.meeting
        if m.meeting_type != MeetingType.GENERAL:
            return ""
        verdict = _("超过半数，可以表决") if m.quorum_reached else _("未超过半数，不能作出决议")
        return _("有表决权党员%(voting)d人，到会%(present)d人，%(verdict)s") % {
            "voting": m.voting_members,
            "present": m.present_voting,
            "verdict": verdict,
        }


def register_entries(organisation: Organisation, first: datetime.date, last: datetime.date) -> list[Entry]:
    meetings = (
        Meeting.objects.filter(
            organisation=organisation,
            status=Status.HELD,
            starts_at__date__gte=first,
            starts_at__date__lte=last,
        )
        .prefetch_related("attendances__member")
        .order_by("starts_at")
    )
    entries = []
    for m in meetings:
        by: dict[str, list[str]] = {p: [] for p in Presence.values}
        for a in m.attendances.all():
            by[a.presence].append(a.member.name + (f"（{a.leave_reason}）" if a.leave_reason else ""))
        entries.append(
            Entry(m, by[Presence.PRESENT], by[Presence.LEAVE], by[Presence.ABSENT], len(m.attendances.all()))
        )
    return entries


def _context(organisation: Organisation, first: datetime.date, last: datetime.date) -> dict[str, Any]:
    return {
        "organisation": organisation,
        "first": first,
        "last": last,
        "entries": register_entries(organisation, first, last),
        "printed_on": timezone.localdate(),
    }


def register_pdf(organisation: Organisation, first: datetime.date, last: datetime.date) -> bytes:
    html = render_to_string(
        "meetings/documents/register.html", _context(organisation, first, last), using="jinja2"
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def register_docx(organisation: Organisation, first: datetime.date, last: datetime.date) -> bytes:
    context = _context(organisation, first, last)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    doc.add_heading(_("三会一课记录本"), level=0)
    doc.add_paragraph(f"{organisation.name}    {first:%Y-%m-%d} — {last:%Y-%m-%d}")
    if not context["entries"]:
        doc.add_paragraph(_("本期间没有已召开会议的记录。"))
    for n, entry in enumerate(context["entries"], start=1):
        m = entry.meeting
        doc.add_heading(f"{n}. {m.get_meeting_type_display()}：{m.title}", level=2)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        rows = [
            (_("时间"), entry.when),
            (_("地点"), m.place or "-"),
            (_("主持人"), m.host or "-"),
        ]
        if m.speaker:
            rows.append((_("讲课人"), m.speaker))
        rows += [
            (_("应到"), str(entry.expected)),
            (_("出席"), f"{len(entry.present)}：" + "、".join(entry.present)),
            (_("请假"), f"{len(entry.leave)}：" + "、".join(entry.leave)),
            (_("缺席"), f"{len(entry.absent)}：" + "、".join(entry.absent)),
        ]
        if entry.quorum_text:
            rows.append((_("法定人数"), entry.quorum_text))
        rows += [(_("会议记录"), m.minutes), (_("决议事项"), m.resolutions or "-")]
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
    doc.add_paragraph(_("打印日期：%(day)s") % {"day": context["printed_on"]})
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
