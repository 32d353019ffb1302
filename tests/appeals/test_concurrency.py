"""Two workers change the same appeal at the same moment: exactly one succeeds, the other is
told why, and no update is lost (real threads and transactions, on PostgreSQL)."""

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from jiceng.appeals import services as appeals
from jiceng.appeals.models import Appeal, Category, Channel, Status
from tests.conftest import World


@pytest.fixture
def committed_world(transactional_db: Any, request: Any) -> World:
    return request.getfixturevalue("world")


@pytest.mark.django_db(transaction=True)
def test_accept_and_reject_at_once(committed_world: World):
    if connection.vendor == "sqlite":
        pytest.skip(
            "the in-memory SQLite test database (shared cache) answers a second writer 'table is locked' "
            "at once instead of waiting; file databases with IMMEDIATE transactions serialise writers"
        )
    w = committed_world
    appeal = appeals.submit(
        actor=w.users["resident"],
        channel=Channel.RESIDENT,
        category=Category.objects.get(code="garbage"),
        text="楼下垃圾三天没有清运",
        household=w.household2,
    )
    seen = appeal.version
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name: str, step: Any) -> None:
        try:
            start.wait()
            step()
            outcomes[name] = "ok"
        except ValidationError as exc:
            outcomes[name] = exc.message_dict["version"][0]
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=act,
            args=("accept", lambda: appeals.accept(actor=w.users["grid02"], appeal=appeal, version=seen)),
        ),
        threading.Thread(
            target=act,
            args=(
                "reject",
                lambda: appeals.reject(
                    actor=w.users["staff"], appeal=appeal, version=seen, reason="重复反映"
                ),
            ),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["accept", "reject"]
    winners = [name for name, result in outcomes.items() if result == "ok"]
    assert len(winners) == 1, outcomes
    loser = "reject" if winners == ["accept"] else "accept"
    assert "请刷新后再操作" in outcomes[loser]
    row = Appeal.objects.get(pk=appeal.pk)
    assert row.version == seen + 1
    assert row.status == (Status.ACCEPTED if winners == ["accept"] else Status.REJECTED)
    assert row.events.count() == 2  # submitted, and the one step that won
