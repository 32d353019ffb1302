"""Reading meetings for other parts of the platform."""

from typing import Any

from django.db.models import Count

from jiceng.meetings.models import Attendance, Presence, Status
from jiceng.meetings.rules import MeetingType
from jiceng.party.models import Member


def member_year_summary(member: Member, year: int) -> dict[str, Any]:
    """A member's attendance at the meetings held in a year, in total and by type."""
    rows = (
        Attendance.objects.filter(member=member, meeting__status=Status.HELD, meeting__starts_at__year=year)
        .values("meeting__meeting_type", "presence")
        .annotate(n=Count("id"))
    )
    totals = {p: 0 for p in Presence.values}
    by_type: dict[str, dict[str, int]] = {}
    for r in rows:
        totals[r["presence"]] += r["n"]
        label = str(MeetingType(r["meeting__meeting_type"]).label)
        by_type.setdefault(label, {p: 0 for p in Presence.values})[r["presence"]] += r["n"]
    return {**totals, "total": sum(totals.values()), "by_type": by_type}
