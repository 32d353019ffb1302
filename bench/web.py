"""Scenario 1: the app under gunicorn (2 sync workers), driven by wrk at 20 connections.

Each route is a list of (path, header) pairs that wrk rotates over: 20 sessions or tokens of
real demo users, so session writes (SESSION_SAVE_EVERY_REQUEST) do not queue on one row.
"""

import cProfile
import http.client
import io
import json
import os
import pstats
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jiceng.accounts.models import ApiToken, User
from jiceng.party.models import Member
from jiceng.people.models import Household, Resident

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = 20
# The party chain's routes (issue 3) are held to the latency target only: p95 ≤ 200 ms.
PARTY_TARGET = 0.0


@dataclass
class Route:
    name: str
    kind: str  # ceiling, html, api
    lines: list[tuple[str, ...]]  # (path, "Header: value"[, JSON body to POST])
    target: float | None = None  # share of the ceiling's requests/s
    concurrency: int = CONCURRENCY
    result: dict[str, Any] = field(default_factory=dict)


def idle_share(seconds: float = 1.0) -> float:
    """The share of CPU time the machine spent idle over `seconds` (others' work shows here)."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return values[3] + values[4], sum(values)  # idle + iowait, total

    idle1, total1 = sample()
    time.sleep(seconds)
    idle2, total2 = sample()
    return (idle2 - idle1) / max(1, total2 - total1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def session_cookie(user: User) -> str:
    # The configured engine: the database, or the cache (Redis) when REDIS_URL is set.
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"Cookie: {settings.SESSION_COOKIE_NAME}={session.session_key}"


def bearer(user: User) -> str:
    _row, token = ApiToken.issue(user, "bench")
    return f"Authorization: Bearer {token}"


def common_initials(community_code: str, n: int = 10) -> list[str]:
    """The most common two-letter initials of names in the community (the queries people type)."""
    counts = Counter(
        i[:2]
        for i in Resident.objects.filter(area_code__startswith=community_code).values_list(
            "name_initials", flat=True
        )[:20000]
    )
    return [k for k, _ in counts.most_common(n)]


def build_routes(community_code: str) -> list[Route]:
    users = {u.username: u for u in User.objects.filter(username__in=["secretary", "district", "street"])}
    grid_workers = list(User.objects.filter(username__startswith="grid").order_by("username"))
    grid_codes = {u.pk: u.role_bindings.values_list("area__code", flat=True).get() for u in grid_workers}
    # 20 sessions: two per grid worker, each listing their own grid.
    grid_sessions = [(u, session_cookie(u)) for u in grid_workers for _ in range(2)][:CONCURRENCY]
    grid_tokens = [(u, bearer(u)) for u in grid_workers]
    secretary_sessions = [session_cookie(users["secretary"]) for _ in range(CONCURRENCY)]
    secretary_token = bearer(users["secretary"])
    district_sessions = [session_cookie(users["district"]) for _ in range(CONCURRENCY)]
    # Issue 3: the party chain of a street (its admin sees every community's committee below).
    street = users["street"]
    street_code = street.role_bindings.values_list("area__code", flat=True).get()
    street_sessions = [session_cookie(street) for _ in range(CONCURRENCY)]
    street_token = bearer(street)
    members = Member.objects.filter(area_code__startswith=street_code, active=True).count()
    initials = common_initials(community_code)
    rng = random.Random(1)
    pks = list(Household.objects.order_by("?").values_list("pk", flat=True)[:500])
    return [
        Route(
            "bare view, one row by key (ceiling)", "ceiling", [(f"/bench/ceiling/{pk}/", "") for pk in pks]
        ),
        Route(
            "household list page, grid worker (/people/households/?area=grid)",
            "html",
            [(f"/people/households/?area={grid_codes[u.pk]}", cookie) for u, cookie in grid_sessions],
            0.25,
        ),
        Route(
            "resident search page, secretary (/people/search/?q=initials)",
            "html",
            [(f"/people/search/?q={rng.choice(initials)}", cookie) for cookie in secretary_sessions * 5],
            0.25,
        ),
        Route(
            "home dashboard, grid worker (/)", "html", [("/", cookie) for _u, cookie in grid_sessions], 0.25
        ),
        Route(
            "home dashboard, secretary (/)", "html", [("/", cookie) for cookie in secretary_sessions], 0.25
        ),
        # Each request aggregates the whole district (seconds): 20 connections would only time out,
        # so this one runs one connection per worker to show its service time.
        Route(
            "home dashboard, district admin (/, 1 M residents)",
            "html",
            [("/", cookie) for cookie in district_sessions],
            0.25,
            concurrency=2,
        ),
        Route(
            f"party chain page, street admin (/party/chain/, {members:,} members)",
            "html",
            [("/party/chain/", cookie) for cookie in street_sessions],
            PARTY_TARGET,
        ),
        Route(
            "party chain tree, street admin (/party/chain/tree.json)",
            "html",
            [("/party/chain/tree.json", cookie) for cookie in street_sessions],
            PARTY_TARGET,
        ),
        Route(
            "party coverage page, street admin (/party/coverage/?area=street)",
            "html",
            [(f"/party/coverage/?area={street_code}", cookie) for cookie in street_sessions],
            PARTY_TARGET,
        ),
        Route(
            "API party chain, street admin (/api/v1/party/chain)",
            "api",
            [("/api/v1/party/chain", street_token)],
            PARTY_TARGET,
        ),
        Route(
            "API party coverage, street admin (/api/v1/party/coverage/street)",
            "api",
            [(f"/api/v1/party/coverage/{street_code}", street_token)],
            PARTY_TARGET,
        ),
        # Issue 5: the 三会一课 compliance board over the district's organisations and this
        # year's meetings (latency target only, like the party chain).
        Route(
            "compliance board page, district admin (/meetings/board/)",
            "html",
            [("/meetings/board/", cookie) for cookie in district_sessions],
            PARTY_TARGET,
        ),
        Route(
            "compliance board page, street admin (/meetings/board/)",
            "html",
            [("/meetings/board/", cookie) for cookie in street_sessions],
            PARTY_TARGET,
        ),
        Route(
            "API compliance board, street admin (/api/v1/meetings/board)",
            "api",
            [("/api/v1/meetings/board", street_token)],
            PARTY_TARGET,
        ),
        # Issue 4: on top of the historical appeals (bench/appeals.py).
        Route(
            "appeal queue page, grid worker (/appeals/)",
            "html",
            [("/appeals/", cookie) for _u, cookie in grid_sessions],
            PARTY_TARGET,
        ),
        Route(
            "appeal measures page, secretary (/appeals/measures/)",
            "html",
            [("/appeals/measures/", cookie) for cookie in secretary_sessions],
            PARTY_TARGET,
        ),
        Route(
            "hot issues page, secretary (/appeals/measures/hot/)",
            "html",
            [("/appeals/measures/hot/", cookie) for cookie in secretary_sessions],
            PARTY_TARGET,
        ),
        Route(
            "API appeal queue, grid worker (/api/v1/appeals/?status=open)",
            "api",
            [("/api/v1/appeals/?status=open", token) for _u, token in grid_tokens],
            PARTY_TARGET,
        ),
        Route(
            "API appeal measures, secretary (/api/v1/appeals/measures)",
            "api",
            [("/api/v1/appeals/measures", secretary_token)],
            PARTY_TARGET,
        ),
        Route(
            "API hot issues, secretary (/api/v1/appeals/hot)",
            "api",
            [("/api/v1/appeals/hot", secretary_token)],
            PARTY_TARGET,
        ),
        Route(
            "API household list, grid worker (/api/v1/people/households?area=grid)",
            "api",
            [(f"/api/v1/people/households?area={grid_codes[u.pk]}", token) for u, token in grid_tokens],
            0.40,
        ),
        Route(
            "API resident search, secretary (/api/v1/people/residents?q=initials)",
            "api",
            [(f"/api/v1/people/residents?q={q}", secretary_token) for q in initials],
            0.40,
        ),
    ]


class Server:
    """gunicorn serving bench.settings on a free loopback port; always stopped on exit."""

    def __init__(self, workers: int = 2, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.workers = workers
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (kept open while gunicorn runs)
            prefix="bench-gunicorn-", suffix=".log", delete=False
        )

    def __enter__(self) -> "Server":
        # The checkout's own code first: the virtualenv may have jiceng installed from another
        # checkout (a worktree shares the main checkout's virtualenv), and gunicorn would serve that.
        path = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=path, **self.extra_env)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "jiceng.wsgi",
                "--preload",  # as `jiceng run` and docs/deployment.md
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--error-logfile",
                self.log.name,
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log.name}")
            try:
                status, _body = self.get("/bench/ceiling/0/")
                if status == 404:
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start within 60 s")

    def __exit__(self, *exc: Any) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def get(self, path: str, header: str = "") -> tuple[int, bytes]:
        # Generous: after a slow route the workers may still be answering its last requests.
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=180)
        try:
            headers = dict([header.split(": ", 1)]) if header else {}
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


def check(server: Server, route: Route) -> None:
    """Every line must answer 200 (not a redirect to the login page) before it is timed."""
    for path, header, *_post in route.lines[:10]:
        status, body = server.get(path, header)
        if status != 200:
            raise RuntimeError(f"{route.name}: GET {path} answered {status}: {body[:200]!r}")


def run_wrk(server: Server, route: Route, seconds: int, max_requests: int, warmup: int = 3) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for line in route.lines:
            f.write("\t".join(line) + "\n")
    env = dict(os.environ, BENCH_REQUESTS=f.name, BENCH_MAX_REQUESTS=str(max_requests // 2))
    url = f"http://127.0.0.1:{server.port}"
    script = str(ROOT / "bench" / "wrk.lua")
    timeout = "10s" if route.concurrency == CONCURRENCY else "60s"
    base = ["wrk", "-t2", f"-c{route.concurrency}", "--timeout", timeout, "-s", script]
    try:
        subprocess.run(
            [*base, f"-d{warmup}s", url], env=env, capture_output=True, check=True, timeout=warmup + 30
        )
        out = subprocess.run(
            [*base, f"-d{seconds}s", url],
            env=env,
            capture_output=True,
            check=True,
            timeout=seconds + 60,
            text=True,
        ).stdout
    finally:
        os.unlink(f.name)
    line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    seconds_run = data["duration_us"] / 1e6
    return {
        "concurrency": route.concurrency,
        "requests": data["requests"],
        "seconds": round(seconds_run, 2),
        "rps": round(data["requests"] / seconds_run, 1),
        "p50_ms": round(data["latency_us"]["p50"] / 1000, 1),
        "p95_ms": round(data["latency_us"]["p95"] / 1000, 1),
        "p99_ms": round(data["latency_us"]["p99"] / 1000, 1),
        "mean_ms": round(data["latency_us"]["mean"] / 1000, 1),
        "max_ms": round(data["latency_us"]["max"] / 1000, 1),
        "errors": data["errors"],
    }


def profile(route: Route, repeat: int = 20) -> dict[str, Any]:
    """In-process: the route's query count and the top functions by cumulative time."""
    path, header, *_post = route.lines[0]
    client = Client()
    extra: dict[str, str] = {}
    if header.startswith("Cookie: "):
        name, value = header.removeprefix("Cookie: ").split("=", 1)
        client.cookies[name] = value
    elif header:
        extra["HTTP_AUTHORIZATION"] = header.split(": ", 1)[1]
    client.get(path, **extra)  # warm caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, **extra)
    queries = list(context.captured_queries)  # read now: the next request resets the log
    timings = []
    profiler = cProfile.Profile()
    for _ in range(repeat):
        started = time.perf_counter()
        profiler.enable()
        client.get(path, **extra)
        profiler.disable()
        timings.append(time.perf_counter() - started)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:5]
    return {
        "path": path,
        "status": response.status_code,
        "queries": len(queries),
        "slowest_queries": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:600]} for q in slowest
        ],
        "in_process_ms_median": round(sorted(timings)[len(timings) // 2] * 1000, 1),
        "cprofile_top": text.getvalue()[-6000:],
    }


def run(seconds: int = 15, max_requests: int = 60_000, say: Any = print, only: str = "") -> list[Route]:
    """Load every route (or, with `only`, the ceiling and the routes whose name contains it)."""
    community = (
        User.objects.get(username="secretary").role_bindings.values_list("area__code", flat=True).get()
    )
    routes = build_routes(community)
    if only:
        routes = [routes[0], *[r for r in routes[1:] if only in r.name]]
    ceiling_again = Route("bare view (ceiling), again at the end", "ceiling", routes[0].lines)
    # Slow routes go last, so the queries they leave running cannot slow the others.
    fast = [r for r in routes if r.concurrency == CONCURRENCY]
    slow = [r for r in routes if r.concurrency != CONCURRENCY]
    routes = [*fast, ceiling_again, *slow]
    with Server() as server:
        say(
            f"gunicorn on 127.0.0.1:{server.port} (2 sync workers); wrk, {CONCURRENCY} connections, {seconds} s a route"
        )
        for route in routes:
            check(server, route)
            idle = idle_share()
            if idle < 0.9:
                say(f"  warning: the machine is only {idle:.0%} idle before this route: other work skews it")
            route.result = run_wrk(server, route, seconds if route in fast else 2 * seconds, max_requests)
            route.result["idle_before"] = round(idle, 3)
            r = route.result
            say(
                f"  {route.name}: {r['rps']} req/s, p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms"
            )
    ceiling = max(routes[0].result["rps"], ceiling_again.result["rps"])
    for route in routes:
        route.result["share_of_ceiling"] = round(route.result["rps"] / ceiling, 3)
        if route.target is not None:
            route.result["target_met"] = (
                route.result["p95_ms"] <= 200 and route.result["share_of_ceiling"] >= route.target
            )
            if not route.result["target_met"]:
                say(f"profiling {route.name} …")
                route.result["profile"] = profile(route)
    return routes
