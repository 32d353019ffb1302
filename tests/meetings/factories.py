"""Meetings on top of the party chain of tests/party/factories.py: grid 2's branch has a
scheduled branch general meeting (王五 expected), which nobody of grid 1 may see."""

import datetime

from django.utils import timezone

from jiceng.meetings import services
from jiceng.meetings.models import Meeting
from jiceng.meetings.rules import MeetingType
from tests.conftest import World
from tests.party.factories import party_world


def soon(hours: float = 0.5) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


def schedule(
    w: World, org: object, meeting_type: str = MeetingType.GENERAL, at: datetime.datetime | None = None
) -> Meeting:
    return services.schedule_meeting(
        actor=w.users["secretary"],
        organisation=org,  # type: ignore[arg-type]
        meeting_type=meeting_type,
        title="学习党的二十届四中全会精神",
        starts_at=at or soon(),
        place="社区党群服务中心",
        host="张三",
        speaker="张三" if meeting_type == MeetingType.LECTURE else "",
    )


def their_meeting(w: World) -> Meeting:
    """Grid 2's branch's general meeting."""
    cached = getattr(w, "_their_meeting", None)
    if cached is None:
        cached = schedule(w, party_world(w).branch2)
        w._their_meeting = cached  # type: ignore[attr-defined]
    return cached
