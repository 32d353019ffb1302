"""`python -m bench`: district data, page and API latency under load, and the 100,000-row import.

Needs DATABASE_URL pointing at an empty PostgreSQL database (`make bench` starts a private one).
Raw results go to bench/results/<time>.json; the tables in docs/performance.md between the
`bench:` markers are rewritten from them.
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "performance.md"


def say(text: str) -> None:
    print(text, flush=True)


def _environment() -> None:
    """Production-like settings for the bench process and the gunicorn it starts."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("python -m bench needs DATABASE_URL=postgres://… (make bench starts a private server)")
    from cryptography.fernet import Fernet

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["JICENG_DEBUG"] = "0"
    os.environ.setdefault("JICENG_VAR_DIR", str(ROOT / "var" / "bench"))
    # The keys of the data loaded, kept beside it so that --skip-generate can read it again.
    keys = Path(os.environ["JICENG_VAR_DIR"]) / "bench-keys.json"
    if not keys.exists():
        keys.parent.mkdir(parents=True, exist_ok=True)
        keys.write_text(
            json.dumps(
                {
                    "JICENG_SECRET_KEY": secrets.token_urlsafe(40),
                    "JICENG_FIELD_KEY": Fernet.generate_key().decode(),
                }
            )
        )
    for name, value in json.loads(keys.read_text()).items():
        os.environ.setdefault(name, value)
    os.environ["JICENG_SECURE_COOKIES"] = "0"
    os.environ["JICENG_HUEY_IMMEDIATE"] = "1"


def machine() -> dict[str, Any]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    import django
    import gunicorn

    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("[")[0].strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": pg,
        "wrk": wrk,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--seconds", type=int, default=15, help="load per route")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument(
        "--import-budget", type=float, default=400, help="seconds per django-import-export run"
    )
    parser.add_argument("--skip-generate", action="store_true", help="reuse the district already loaded")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument(
        "--only", default="", help="load only the routes whose name contains this (and the ceiling)"
    )
    parser.add_argument("--skip-party", action="store_true", help="skip the in-process party chain timings")
    parser.add_argument("--appeals", type=int, default=3_000_000, help="historical appeals to hold (issue 4)")
    parser.add_argument("--submit-seconds", type=int, default=60, help="sustained appeal submission")
    parser.add_argument(
        "--scale", default="district", help="demo scale to load (street: a quick trial run of the scenarios)"
    )
    args = parser.parse_args()
    _environment()
    import django

    django.setup()
    from django.core.management import call_command

    from bench import appeals, imports, party, report, web
    from jiceng.accounts.models import User
    from jiceng.demo.generator import generate

    results: dict[str, Any] = {"started": datetime.datetime.now().isoformat(timespec="seconds")}
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{datetime.datetime.now():%Y%m%d-%H%M%S}.json"

    def save(_part: Any = None) -> None:
        # Written after every phase, so a failure late in the run keeps the earlier figures.
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))

    results["machine"] = machine()
    say(f"machine: {results['machine']}")
    call_command("migrate", verbosity=0)
    if not args.skip_generate:
        started = time.perf_counter()
        summary = generate(args.scale, seed=2026, progress=say)
        results["generate"] = {"summary": str(summary), "seconds": round(time.perf_counter() - started, 1)}
        say("ANALYZE …")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        save()
    from jiceng.appeals.models import Appeal

    missing = args.appeals - Appeal.objects.count()
    if missing > 0:
        say(f"historical appeals: writing {missing:,} …")
        results["appeals_history"] = appeals.load_history(missing, say=say)
        save()
    results["routes"] = [
        {"name": r.name, "kind": r.kind, "target_share": r.target, **r.result}
        for r in web.run(seconds=args.seconds, say=say, only=args.only)
    ]
    save()
    if not args.only or args.only in "appeal submission":
        results["submission"] = appeals.run_submissions(args.submit_seconds, say=say)
        save()
    secretary = User.objects.get(username="secretary")
    community = secretary.role_bindings.values_list("area__code", flat=True).get()
    street = User.objects.get(username="street").role_bindings.values_list("area__code", flat=True).get()
    if not args.skip_party:
        say("party chain: coverage and liaison assignment, in process …")
        results["party"] = party.run(secretary, community, street, say=say)
        save()
    if not args.skip_import:
        results["import"] = {}
        results["import"] = imports.run(
            secretary,
            community,
            RESULTS,
            count=args.import_rows,
            budget=args.import_budget,
            say=say,
            save=lambda part: (results.__setitem__("import", part), save()),
        )
    save()
    say(f"raw results: {out}")
    if args.only:
        say("a partial run (--only): docs/performance.md left as it is")
        return
    report.update_doc(DOC, results)
    say(f"tables updated in {DOC}")


if __name__ == "__main__":
    main()
