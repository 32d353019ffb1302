"""Issue 5: the 三会一课 compliance board on district data.

`routes` gives web.py the board's page and API route for the district and a street
administrator (20 sessions or one token each, held to the latency target p95 ≤ 200 ms), and the
district board drilled down to one street; under load the pages are served from the per-scope
cache. `run` times, in process, `compliance.board` itself (which never reads the cache): what the
first request of a scope costs after a meeting is recorded, and says how much data it counted.
"""

import statistics
import time
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.web import PARTY_TARGET, Route
from jiceng.meetings import compliance
from jiceng.meetings.models import Attendance, Meeting, Status, Talk
from jiceng.party.models import Organisation

TARGET_SECONDS = 0.2


def routes(
    district_sessions: list[str],
    street_sessions: list[str],
    district_token: str,
    street_token: str,
    street_code: str,
) -> list[Route]:
    """The board's routes under load (latency target only, like the party chain)."""
    return [
        Route(
            "compliance board page, district admin (/meetings/board/)",
            "html",
            [("/meetings/board/", cookie) for cookie in district_sessions],
            PARTY_TARGET,
        ),
        Route(
            "compliance board page, district admin drilled to a street (/meetings/board/?area=street)",
            "html",
            [(f"/meetings/board/?area={street_code}", cookie) for cookie in district_sessions],
            PARTY_TARGET,
        ),
        Route(
            "compliance board page, street admin (/meetings/board/)",
            "html",
            [("/meetings/board/", cookie) for cookie in street_sessions],
            PARTY_TARGET,
        ),
        Route(
            "API compliance board, district admin (/api/v1/meetings/board)",
            "api",
            [("/api/v1/meetings/board", district_token)],
            PARTY_TARGET,
        ),
        Route(
            "API compliance board, street admin (/api/v1/meetings/board)",
            "api",
            [("/api/v1/meetings/board", street_token)],
            PARTY_TARGET,
        ),
    ]


def cold_board(user: Any, label: str, repeat: int = 3, say: Any = print) -> dict[str, Any]:
    """The board of `user`'s scope counted without the cache, `repeat` times."""
    today = timezone.localdate()
    timings = []
    rows: list[compliance.OrgCompliance] = []
    queries = 0
    for _ in range(repeat):
        user.__dict__.pop("_scope_memo", None)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            rows = compliance.board(user, today)
            timings.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
    result = {
        "scope": label,
        "organisations": len(rows),
        "overdue": sum(r.overdue for r in rows),
        "queries": queries,
        "seconds_median": round(statistics.median(timings), 3),
    }
    say(
        f"  board of {label} counted without the cache: {result['seconds_median']} s, "
        f"{queries} queries, {len(rows):,} organisations ({result['overdue']:,} overdue periods)"
    )
    return result


def run(district: Any, street: Any, say: Any = print) -> dict[str, Any]:
    """The data the board counts, and its uncached cost for a district and a street."""
    year = timezone.localdate().year
    data = {
        "organisations": Organisation.objects.filter(active=True).count(),
        "meetings": Meeting.objects.filter(starts_at__year=year).count(),
        "held": Meeting.objects.filter(starts_at__year=year, status=Status.HELD).count(),
        "attendance": Attendance.objects.count(),
        "talks": Talk.objects.filter(talked_on__year=year).count(),
    }
    say(
        f"  {data['organisations']:,} organisations, {data['meetings']:,} meetings this year "
        f"({data['held']:,} held), {data['attendance']:,} attendance rows, {data['talks']:,} talks"
    )
    return {
        "data": data,
        "district": cold_board(district, "the district", say=say),
        "street": cold_board(street, "a street", say=say),
        "target_seconds": TARGET_SECONDS,
    }
