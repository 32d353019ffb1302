"""Issue 4's benchmark data and load: historical appeals over the district, and sustained
submission through the JSON API.

`load_history` writes the appeals of the past years with COPY, in the shape the services leave
them (number, keywords, place, handler, due dates, times of each step, rating), spread over every
household of the district; most are closed and rated, those of the last fortnight are at every
open step. Their timelines (AppealEvent rows) are not written: none of the timed pages reads them.
"""

import datetime
import random
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from jiceng.appeals.duplicates import keywords
from jiceng.appeals.models import Appeal, AppealKind, Category, Channel, HandlerType, Rating, Status
from jiceng.demo.appeals import TEXTS
from jiceng.demo.writer import RowWriter

YEARS = 3
SUBMIT_WORKERS = 5
RECENT_DAYS = 15  # appeals younger than this are still open (mostly)
OPEN_MIX = [
    (Status.SUBMITTED, 15),
    (Status.ACCEPTED, 10),
    (Status.DISPATCHED, 25),
    (Status.IN_PROGRESS, 30),
    (Status.HANDLED, 10),
    (Status.VERIFIED, 5),
    (Status.CLOSED, 5),
]
PLACES = ["", "东门口", "3单元楼道", "地下车库入口", "北侧绿化带", "物业办公室旁", "健身广场", "南门岗亭"]
RESULTS = ["已联系物业当天处理完毕", "已协调相关单位修复", "已上门协调，双方达成一致", "已清理完毕并加强巡查"]
COMMENTS = ["", "", "处理很及时", "态度很好", "希望以后多巡查", "拖得有点久"]
COLUMNS = (
    "id",
    "number",
    "kind",
    "channel",
    "category_id",
    "text",
    "keywords",
    "anonymous",
    "reporter_name",
    "reporter_phone",
    "reporter_phone_hash",
    "reporter_phone_mask",
    "household_id",
    "building_id",
    "address",
    "area_code",
    "status",
    "version",
    "handler_type",
    "handler_id",
    "handler_department",
    "result",
    "dispatched_at",
    "response_due",
    "resolution_due",
    "responded_at",
    "handled_at",
    "closed_at",
    "paused_seconds",
    "reopened",
    "flagged",
    "rating",
    "rating_comment",
    "rated_at",
    "created_at",
    "updated_at",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def _texts() -> list[tuple[str, str, str]]:
    """(category code, text, its keywords): each demo text in a few wordings, keywords computed
    once each, as services.submit stores them."""
    rows = []
    for code, texts in TEXTS.items():
        for text in texts:
            for place in PLACES[:4]:
                wording = f"{place}{text}" if place else text
                rows.append((code, wording, " ".join(keywords(wording))))
    return rows


@dataclass(frozen=True)
class _Inputs:
    """Read before the COPY starts: the connection answers nothing else while it runs."""

    categories: dict[str, int]
    texts: list[tuple[str, str, str]]
    households: list[tuple[int, int, str]]
    workers: dict[str, int]  # grid code → its demo grid worker


def _inputs() -> _Inputs:
    from jiceng.accounts.models import User

    categories = dict(Category.objects.values_list("code", "id"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, building_id, area_code FROM people_household ORDER BY id")
        households = cursor.fetchall()
    workers = {
        code: u.pk
        for u in User.objects.filter(username__startswith="grid")
        if (code := u.role_bindings.values_list("area__code", flat=True).first())
    }
    return _Inputs(categories, [t for t in _texts() if t[0] in categories], households, workers)


def _rows(count: int, first_id: int, seed: int, say: Any, inputs: _Inputs) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    dt = RowWriter().datetime
    categories, texts, households, workers = (
        inputs.categories,
        inputs.texts,
        inputs.households,
        inputs.workers,
    )
    now = timezone.now()
    span = YEARS * 365 * 86400
    hour = datetime.timedelta(hours=1)
    for n in range(count):
        pk = first_id + n
        created = now - datetime.timedelta(seconds=rng.random() ** 1.3 * span)  # more of them lately
        household_id, building_id, area_code = rng.choice(households)
        code, text, words = rng.choice(texts)
        recent = now - created < datetime.timedelta(days=RECENT_DAYS)
        kind = AppealKind.CONSULTATION if rng.random() < 0.06 else AppealKind.APPEAL
        if kind == AppealKind.CONSULTATION:
            status = Status.CLOSED
        elif recent:
            status = rng.choices([s for s, _ in OPEN_MIX], [w for _, w in OPEN_MIX])[0]
        else:
            status = rng.choices([Status.CLOSED, Status.REJECTED, Status.MERGED], [94, 4, 2])[0]
        dispatched = responded = handled = closed = rated = None
        response_due = resolution_due = None
        handler_type, handler_id, result, rating, comment = "", None, "", "", ""
        steps = [Status.DISPATCHED, Status.IN_PROGRESS, Status.HANDLED, Status.VERIFIED, Status.CLOSED]
        if kind == AppealKind.APPEAL and status in steps:
            dispatched = created + rng.uniform(0.2, 12) * hour
            response_due = dispatched + 24 * hour
            resolution_due = dispatched + 7 * 24 * hour
            handler_type = HandlerType.GRID_WORKER
            handler_id = workers.get(area_code)
            if steps.index(status) >= 1:
                responded = dispatched + rng.uniform(0.5, 30) * hour
            if steps.index(status) >= 2:
                handled = responded + rng.uniform(2, 200) * hour  # type: ignore[operator]
                result = rng.choice(RESULTS)
            if status == Status.CLOSED:
                closed = handled + rng.uniform(1, 30) * hour  # type: ignore[operator]
                if rng.random() < 0.7:
                    rated = closed + rng.uniform(1, 72) * hour
                    rating = rng.choices(
                        [Rating.SATISFIED, Rating.BASICALLY, Rating.DISSATISFIED], [80, 12, 8]
                    )[0]
                    comment = rng.choice(COMMENTS)
        elif kind == AppealKind.CONSULTATION:
            closed = created + rng.uniform(0.1, 4) * hour
            result = "已电话答复"
        elif status in (Status.REJECTED, Status.MERGED):
            closed = None
            result = "不属于受理范围" if status == Status.REJECTED else ""
        latest = max(t for t in (created, dispatched, responded, handled, closed, rated) if t is not None)
        latest = min(latest, now)
        name = rng.choice(SURNAMES) + rng.choice(["女士", "先生", "阿姨", "大爷"])
        yield (
            pk,
            f"JC{timezone.localtime(created):%Y%m%d}{pk:06d}",
            kind,
            rng.choice([Channel.PHONE, Channel.PHONE, Channel.WALK_IN, Channel.PATROL, Channel.API]),
            categories[code],
            text,
            words,
            rng.random() < 0.1,
            name,
            "",
            "",
            "",
            household_id,
            building_id,
            "",
            area_code,
            status,
            3,
            handler_type,
            handler_id,
            "",
            result,
            dt(dispatched),
            dt(response_due),
            dt(resolution_due),
            dt(responded),
            dt(handled),
            dt(closed),
            0,
            0,
            False,
            rating,
            comment,
            dt(rated),
            dt(created),
            dt(latest),
        )
        if (n + 1) % 500_000 == 0:
            say(f"  {n + 1:,} appeals …")


def load_history(count: int, say: Any = print, seed: int = 12345) -> dict[str, Any]:
    """Write `count` historical appeals with COPY, then ANALYZE the table."""
    writer = RowWriter()
    first = writer.next_id(Appeal)
    started = time.perf_counter()
    writer.write(Appeal, COLUMNS, _rows(count, first, seed, say, _inputs()))
    writer.reset_sequences(Appeal)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE appeals_appeal")
    seconds = time.perf_counter() - started
    total = Appeal.objects.count()
    say(f"{count:,} historical appeals in {seconds:.1f} s ({count / seconds:,.0f} rows/s); {total:,} in all")
    return {"written": count, "seconds": round(seconds, 1), "appeals": total}


def submission_bodies(n: int = 1000, seed: int = 7) -> list[tuple[str, str]]:
    """(grid worker's username, JSON body) pairs: phone appeals at households of their grid."""
    import json

    from jiceng.accounts.models import User
    from jiceng.people.models import Household

    rng = random.Random(seed)
    texts = [t for t in _texts() if Category.objects.filter(code=t[0], active=True).exists()]
    pairs = []
    for user in User.objects.filter(username__startswith="grid").order_by("username"):
        code = user.role_bindings.values_list("area__code", flat=True).get()
        homes = list(Household.objects.filter(area_code=code).values_list("pk", flat=True)[:300])
        for _ in range(n // 10):
            category, text, _words = rng.choice(texts)
            body = {
                "category": category,
                "text": text,
                "household_id": rng.choice(homes),
                "channel": "phone",
                "reporter_name": rng.choice(SURNAMES) + "先生",
                "reporter_phone": f"139{rng.randrange(10**8):08d}",
            }
            pairs.append((user.username, json.dumps(body, ensure_ascii=False)))
    return pairs


def worker_process(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The job worker (huey), as `jiceng worker` runs it beside the web server."""
    import sys

    return subprocess.Popen(
        [sys.executable, "-m", "jiceng.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run_submissions(seconds: int, say: Any = print) -> dict[str, Any]:
    """Grid workers entering phone appeals through the API, 20 connections, for `seconds`, with
    the job worker completing the intakes (timeline event, audit record, notifications) and
    delivering the notifications beside. Every request must answer 201, every answer must be an
    appeal in the database, and the rate counted is that of appeals *completed*: the clock runs
    until the worker has finished the last one."""
    import os

    from bench import web
    from jiceng.accounts.models import User
    from jiceng.appeals import intake
    from jiceng.appeals.models import AppealEvent, EventKind
    from jiceng.audit.models import AuditEvent

    tokens = {u.username: web.bearer(u) for u in User.objects.filter(username__startswith="grid")}
    lines = [("/api/v1/appeals/", tokens[user], body) for user, body in submission_bodies()]
    route = web.Route("appeal submission, grid workers (POST /api/v1/appeals/)", "api", lines)
    env = {"JICENG_HUEY_IMMEDIATE": "0"}
    worker = worker_process(dict(os.environ, **env))
    before = Appeal.objects.count()
    last_before = Appeal.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    audit_before = AuditEvent.objects.filter(object_type="appeals.appeal", action="create").count()
    try:
        # Writes wait on PostgreSQL: the deployment's 5 sync workers (docs/deployment.md) overlap them.
        with web.Server(workers=SUBMIT_WORKERS, env=env) as server:
            say(
                f"submission: gunicorn ({SUBMIT_WORKERS} workers) on 127.0.0.1:{server.port} and the job worker; "
                f"wrk, 20 connections, {seconds} s"
            )
            result = web.run_wrk(server, route, seconds, max_requests=10_000_000, warmup=2)
        drain_started = time.perf_counter()
        while intake.pending() and time.perf_counter() - drain_started < 120:
            time.sleep(0.05)
        drain = time.perf_counter() - drain_started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    created = Appeal.objects.count() - before
    pending = intake.pending()
    events = AppealEvent.objects.filter(appeal_id__gt=last_before, kind=EventKind.SUBMITTED).count()
    audited = AuditEvent.objects.filter(object_type="appeals.appeal", action="create").count() - audit_before
    errors = sum(result["errors"].values())
    complete = pending == 0 and events == created and audited == created
    # wrk's warm-up run submits too: every appeal created is one answered request of either run.
    # The rate: the timed run's answered requests over its time plus the worker's tail.
    per_second = round(result["requests"] / (result["seconds"] + drain), 1)
    result.update(
        {
            "name": route.name,
            "workers": SUBMIT_WORKERS,
            "created": created,
            "drain_seconds": round(drain, 2),
            "completed": {"events": events, "audit_records": audited, "pending": pending},
            "answered_per_second": result["rps"],
            "per_second": per_second,
            "no_error": errors == 0 and complete,
            "target_met": errors == 0 and complete and per_second >= 200,
        }
    )
    say(
        f"  {result['rps']} appeals/s answered over {result['seconds']} s, p95 {result['p95_ms']} ms, "
        f"errors {result['errors']}; the worker finished {drain:.2f} s later: {per_second} appeals/s completed; "
        f"{created:,} appeals created (warm-up included), {events:,} timeline events, {audited:,} audit records, "
        f"{pending} pending"
    )
    return result
