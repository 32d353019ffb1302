"""Dues on top of the party chain (tests/party/factories.py): 王五 (grid 2's branch, retired) is
assessed and has paid; nobody of grid 1 may see it."""

import datetime
from decimal import Decimal

from jiceng.dues import services
from jiceng.dues.models import Assessment
from tests.conftest import World
from tests.party.factories import party_world


def their_assessment(w: World) -> Assessment:
    cached = getattr(w, "_their_assessment", None)
    if cached is None:
        cached = services.assess(
            actor=w.users["secretary"],
            member=party_world(w).member2,
            category="retired",
            base=Decimal(4200),
            effective_from=datetime.date(2026, 1, 1),
            reason="年度核定",
        )
        w._their_assessment = cached  # type: ignore[attr-defined]
    return cached
