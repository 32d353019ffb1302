"""A party school course on top of the party chain: grid 2's branch runs an elective that
王五 attends; nobody of grid 1 may see it."""

import datetime
from decimal import Decimal

from django.utils import timezone

from jiceng.training import services
from jiceng.training.models import Course, Session
from tests.conftest import World
from tests.party.factories import party_world

YEAR = timezone.localdate().year


def when(month: int, day: int = 10) -> datetime.datetime:
    return datetime.datetime(YEAR, month, day, 19, 0, tzinfo=timezone.get_current_timezone())


def course(w: World, org: object, module: str, name: str = "学习党章") -> Course:
    return services.create_course(
        actor=w.users["secretary"], organisation=org, year=YEAR, name=name, module=module
    )  # type: ignore[arg-type]


def session(w: World, c: Course, month: int, hours: str = "8") -> Session:
    return services.add_session(
        actor=w.users["secretary"], course=c, starts_at=when(month), hours=Decimal(hours), teacher="党校老师"
    )


def their_course(w: World) -> tuple[Course, Session]:
    cached = getattr(w, "_their_course", None)
    if cached is None:
        c = course(w, party_world(w).branch2, "elective", "社区治理实务")
        services.enrol(actor=w.users["secretary"], course=c, organisation=party_world(w).branch2)
        s = session(w, c, 3)
        cached = (c, s)
        w._their_course = cached  # type: ignore[attr-defined]
    return cached
