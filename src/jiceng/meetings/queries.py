"""Reading meetings and talks, for the pages and for other parts of the platform."""

from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from jiceng.meetings.models import Attendance, Presence, Status, Talk
from jiceng.meetings.rules import MeetingType
from jiceng.party.models import Member, Organisation, OrgKind


def member_year_summary(member: Member, year: int) -> dict[str, Any]:
    """A member's attendance at the meetings held in a year, in total and by type (keys of
    Presence: present, leave, absent; `total` expected), and the heart-to-heart talks held with
    them that year (`talks`)."""
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
    talks = Talk.objects.filter(member=member, talked_on__year=year).count()
    return {**totals, "total": sum(totals.values()), "by_type": by_type, "talks": talks}


def talk_members(organisation: Organisation) -> QuerySet[Member]:
    """The active members an organisation owes a yearly talk: its own and its party groups'
    (members of a branch below it are that branch's)."""
    qs = Member.objects.filter(active=True, organisation__path__startswith=organisation.path)
    below = (
        Organisation.objects.filter(path__startswith=organisation.path)
        .exclude(pk=organisation.pk)
        .exclude(kind=OrgKind.GROUP)
        .values_list("path", flat=True)
    )
    for path in below:
        qs = qs.exclude(organisation__path__startswith=path)
    return qs


def talk_roll(organisation: Organisation, year: int) -> list[dict[str, Any]]:
    """Each member the organisation owes a talk, with the number of talks and the last one of
    `year`, those not talked with first."""
    rows = list(
        talk_members(organisation)
        .annotate(
            n=Count("talks", filter=Q(talks__talked_on__year=year)),
            last_talk=Max("talks__talked_on", filter=Q(talks__talked_on__year=year)),
        )
        .values("id", "name", "n", "last_talk")
    )
    return sorted(
        ({"id": r["id"], "name": r["name"], "talks": r["n"], "last_talk": r["last_talk"]} for r in rows),
        key=lambda r: (r["talks"] > 0, r["name"]),
    )
