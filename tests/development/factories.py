"""People in membership development on top of the party chain of tests/party/factories.py.

- 陈九, 25, lives in grid 1 and applies to grid 1's branch (张三, its secretary, is a full member;
  钱十, living elsewhere, is the second full member who can introduce);
- 李四 (the resident persona, grid 2) has applied to grid 2's branch: nobody of grid 1 sees it.
"""

import datetime
from decimal import Decimal
from typing import Any

from jiceng.development import services
from jiceng.development.models import Development
from jiceng.party import services as party
from jiceng.party.models import Member, MemberStatus
from jiceng.people import services as people
from jiceng.people.models import Resident
from tests.conftest import World, make_id
from tests.party.factories import party_world

D = datetime.date


ADULT = D(2000, 6, 1)
MARCH_2023 = D(2023, 3, 1)
APRIL_2024 = D(2024, 4, 22)


def applicant(w: World, birth: datetime.date = ADULT, seed: int = 9) -> Resident:
    return people.register_resident(
        actor=w.users["secretary"],
        household=w.household1,
        name="陈九",
        id_number=make_id(seed=seed, birth=birth),
        relation_to_head="child",
    )


def second_member(w: World) -> Member:
    return party.register_member(
        actor=w.users["secretary"],
        organisation=party_world(w).branch1,
        name="钱十",
        gender="M",
        birth_date=D(1975, 3, 3),
        residence_elsewhere="淄博市张店区某小区",
        joined_on=D(2000, 7, 1),
        full_on=D(2001, 7, 1),
        status=MemberStatus.FULL,
    )


def at_activist(w: World, activist_on: datetime.date = MARCH_2023) -> Development:
    actor = w.users["secretary"]
    dev = services.apply(
        actor=actor,
        resident=applicant(w),
        organisation=party_world(w).branch1,
        applied_on=activist_on - datetime.timedelta(days=50),
    )
    services.record_talk(
        actor=actor, dev=dev, talk_on=activist_on - datetime.timedelta(days=40), talk_by="张三"
    )
    return services.make_activist(actor=actor, dev=dev, on=activist_on, contacts=[party_world(w).member1])


def reports_for(w: World, dev: Development, quarters: list[tuple[int, int]]) -> None:
    for year, month in quarters:
        services.record_report(
            actor=w.users["secretary"], dev=dev, submitted_on=D(year, month, 10), summary="学习体会"
        )


def at_candidate(w: World) -> Development:
    """Activist from 2023-03-01, every quarter reported, candidate from 2024-03-01."""
    dev = at_activist(w)
    reports_for(w, dev, [(2023, 5), (2023, 8), (2023, 11)])
    other = second_member(w)
    return services.make_candidate(
        actor=w.users["secretary"], dev=dev, on=D(2024, 3, 1), introducers=[party_world(w).member1, other]
    )


def ready_for_vote(w: World, notice_from: datetime.date = APRIL_2024) -> Development:
    actor = w.users["secretary"]
    dev = at_candidate(w)
    services.record_political_review(
        actor=actor, dev=dev, on=D(2024, 4, 1), conclusion="政治立场坚定，历史清白，政审合格", passed=True
    )
    services.record_training(actor=actor, dev=dev, finished_on=D(2024, 4, 20), days=Decimal(3))
    return services.start_notice(actor=actor, dev=dev, notice_from=notice_from)


def their_development(w: World) -> Development:
    """李四's application to grid 2's branch."""
    cached: Any = getattr(w, "_their_development", None)
    if cached is None:
        cached = services.apply(
            actor=w.users["secretary"],
            resident=w.resident2,
            organisation=party_world(w).branch2,
            applied_on=D(2026, 3, 1),
        )
        w._their_development = cached  # type: ignore[attr-defined]
    return cached
