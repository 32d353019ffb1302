"""A transfer out of grid 2's branch: 王五 leaves for an organisation elsewhere."""

import datetime

from jiceng.transfers import services
from jiceng.transfers.models import Transfer
from tests.conftest import World
from tests.party.factories import party_world


def their_transfer(w: World) -> Transfer:
    cached = getattr(w, "_their_transfer", None)
    if cached is None:
        cached = services.transfer_out(
            actor=w.users["secretary"],
            member=party_world(w).member2,
            letter_number="淄组2026-018",
            issued_on=datetime.date(2026, 11, 1),
            external="济南市历下区某社区党委",
        )
        w._their_transfer = cached  # type: ignore[attr-defined]
    return cached
