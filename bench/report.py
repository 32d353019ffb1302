"""Markdown tables from a bench run, written between markers in docs/performance.md."""

import re
from pathlib import Path
from typing import Any

START = "<!-- bench:start -->"
END = "<!-- bench:end -->"


def _import_row(name: str, r: dict[str, Any] | None, total: int) -> str:
    if not r:
        return f"| {name} | – | – | – | not run |"
    if "missing" in r:
        return f"| {name} | – | – | – | gap: {r['missing']} |"
    if "failed" in r:
        return f"| {name} | – | – | – | failed: {r['failed'][:200]} |"
    note = (
        ""
        if r.get("complete")
        else f"stopped at the time budget; 100,000 rows ≈ {r['estimated_seconds_all']:,} s"
    )
    if "prepare_seconds" in r:
        note = f"+ {r['prepare_seconds']} s to prepare the rows in Python ({r['prepare_and_copy_rows_per_s']:,} rows/s together)"
    if r.get("errors"):
        note += f" {r['errors']} row errors"
    return f"| {name} | {r['rows']:,} | {r['seconds']:,} | {r['rows_per_s']:,} | {note} |"


def tables(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"Run of {results['started']} on {m['cores']} cores ({m['cpu']}), {m['memory']}, {m['os']}; "
        f"Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']}, PostgreSQL {m['postgresql']}, "
        f"{m['wrk']}.",
        "",
    ]
    if "generate" in results:
        g = results["generate"]
        lines += [f"District generation: **{g['seconds']} s** — {g['summary']}.", ""]
    history = results.get("appeals_history")
    if history:
        lines += [
            f"Historical appeals (issue 4): **{history['written']:,}** written with COPY in {history['seconds']} s; "
            f"{history['appeals']:,} appeals in the database.",
            "",
        ]
    lines += [
        "| route | concurrency | requests | rps | p50 ms | p95 ms | p99 ms | % of ceiling | target met? | idle before |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["routes"]:
        if r.get("target_share") is None:
            met = "(ceiling)"
        else:
            met = "yes" if r["target_met"] else "**no**"
            met += f" (p95 ≤ 200 ms, ≥ {r['target_share']:.0%})" if r["target_share"] else " (p95 ≤ 200 ms)"
        errors = sum(r["errors"].values())
        name = r["name"] + (f" ({errors} errors)" if errors else "")
        lines.append(
            f"| {name} | {r['concurrency']} | {r['requests']:,} | {r['rps']:,} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['p99_ms']} | {r['share_of_ceiling']:.0%} | {met} | {r.get('idle_before', 0):.0%} |"
        )
    chain = results.get("party")
    if chain:
        a, c = chain["assignment"], chain["coverage_uncached"]
        lines += [
            "",
            f"Party chain (issue 3): the street above has {chain['street_members']:,} members; its coverage "
            f"counted without the cache takes {c['seconds_median']} s ({c['covered']:,} of {c['households']:,} "
            f"households covered). Liaison assignment from scratch for every grid of community {a['community']} "
            f"({a['grids']} grids, {a['households']:,} households, {a['proposed']:,} links proposed): "
            f"**{a['propose_seconds']} s** (target < 5 s: {'met' if a['target_met'] else '**not met**'}; "
            f"slowest grid {a['propose_per_grid_max']} s), confirming them {a['confirm_seconds']} s.",
        ]
    sub = results.get("submission")
    if sub:
        errors = sum(sub["errors"].values())
        lines += [
            "",
            f"Appeal submission (issue 4): grid workers entering phone appeals through `POST /api/v1/appeals/`, "
            f"{sub['concurrency']} connections for {sub['seconds']} s, gunicorn with {sub.get('workers', 2)} workers and "
            f"the job worker completing the intakes in batches (timeline event, audit record, notifications) "
            f"and delivering the notifications: {sub.get('answered_per_second', sub['rps']):,} requests/s answered, "
            f"p50 {sub['p50_ms']} ms, p95 {sub['p95_ms']} ms, {errors} errors; the worker finished the last intake "
            f"{sub.get('drain_seconds', 0)} s after the load stopped: **{sub['per_second']:,} appeals/s completed**; "
            f"{sub['created']:,} appeals created, each with its timeline event and audit record: "
            f"{'yes' if sub.get('no_error') else '**no**'} (target ≥ 200/s with no error: "
            f"{'met' if sub['target_met'] else '**not met**'}).",
        ]
    imp = results.get("import")
    if imp:
        lines += [
            "",
            f"Import of {imp['rows']:,} residents from one .xlsx ({imp['file_bytes'] / 1e6:.1f} MB):",
            "",
            "| importer | rows | seconds | rows/s | note |",
            "|---|---|---|---|---|",
            _import_row(
                "jiceng rosters (import_rows: validation, records, tags, audit)",
                imp.get("rosters"),
                imp["rows"],
            ),
            _import_row(
                "django-import-export, default settings", imp.get("import_export_default"), imp["rows"]
            ),
            _import_row("django-import-export, use_bulk=True", imp.get("import_export_bulk"), imp["rows"]),
            _import_row("PostgreSQL COPY of prepared rows (physical limit)", imp.get("copy"), imp["rows"]),
        ]
    return "\n".join(lines)


def update_doc(doc: Path, results: dict[str, Any]) -> None:
    text = doc.read_text() if doc.exists() else f"# Performance\n\n{START}\n{END}\n"
    block = f"{START}\n{tables(results)}\n{END}"
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    else:
        text += "\n" + block + "\n"
    doc.write_text(text)
