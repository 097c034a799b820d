"""Write bench/RESULTS.md from the records in bench/results/ (and the notes in findings.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from report_browser import browser_rows, browser_section

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
FINDINGS = BENCH / "findings.md"
OUT = BENCH / "RESULTS.md"
ORDER = ["flows-sqlite", "flows-postgres", "memory", "score-sqlite", "score-postgres",
         "export-sqlite", "export-postgres", "weight", "themes", "invitations"]

INTRO = """# Benchmark results

Written by `bench/report.py` from the records in `bench/results/`; rerun any line with the
command shown. The machine is a shared 2-core VM, so absolute times drift from run to run:
every target is a **ratio of two things measured side by side in the same run, on the same
server and database**, interleaved so that a noisy neighbour hits both sides alike.
"""


def load() -> dict[str, dict]:
    records = {}
    for path in sorted(RESULTS.glob("*.json")):
        record = json.loads(path.read_text())
        # A flows record from before the reference app measured another ratio (vs /healthz).
        if record.get("bench") == "flows" and "reference" not in record:
            print(f"skipped {path.name}: measured against /healthz; rerun bench/run.sh flows",
                  file=sys.stderr)
            continue
        records[path.stem] = record
    return records


def machine_line(m: dict) -> str:
    return (f"{m['date']} · {m['nproc']} × {m['cpu']} · {m['ram_gib']} GiB RAM · "
            f"Linux {m['kernel']} · Python {m['python']} · SQLite {m['sqlite']} · "
            f"PostgreSQL {m['postgresql'] or 'not reached'} · commit {m['commit']}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def summary_rows(records: dict) -> list[str]:
    rows = []
    for key in ORDER:
        r = records.get(key)
        if r is None:
            continue
        db = r.get("database", "—")
        if r["bench"] == "flows":
            rows += flows_rows(r)
        elif r["bench"] == "memory":
            rows += memory_rows(r)
        elif r["bench"] == "score":
            rows += [
                f"| score endpoint ÷ bare `GROUP BY month, score` | <= 1.5 "
                f"| {r['ratio_vs_group_by_month_score']:.2f} "
                f"| **{r['checks']['ratio_vs_group_by_month_score']}** | {db} |",
                f"| score endpoint ÷ bare `GROUP BY score` (stricter) | <= 1.5 "
                f"| {r['ratio_vs_group_by_score']:.2f} "
                f"| **{r['checks']['ratio_vs_group_by_score']}** | {db} |",
            ]
        elif r["bench"] == "export":
            memory = max(r["rss_growth_mib"], r["hwm_growth_mib"])
            rows += [
                f"| CSV endpoint speed ÷ bare csv writer speed | >= 0.5 | {r['ratio']:.3f} "
                f"| **{r['checks']['ratio']}** | {db} |",
                f"| server memory growth during a {r['rows']:,}-row export | < 50 MB "
                f"| {memory:.1f} MiB | **{r['checks']['memory']}** | {db} |",
            ]
        elif r["bench"] == "weight":
            w = r["widget"]
            rows.append(f"| loader /embed.js as served (gzip) | <= 1,024 B "
                        f"| {w['loader_served']:,} B | **{r['checks']['loader_served']}** | — |")
            if "ratio_to_formbricks" in r:
                rows.append(f"| everything to show the widget ÷ Formbricks loader + renderer "
                            f"(gzip -9) | smaller | {r['ratio_to_formbricks']:.2f} "
                            f"({w['to_show_gzip9']:,} B vs {r['formbricks_to_show_gzip9']:,} B) "
                            f"| — | — |")
            rows += browser_rows(r)
        elif r["bench"] == "themes":
            rows += [f"| theme tagging per labelled comment, new tagger (warm) | <= 1 ms "
                     f"| {r['cold_ms']:.3f} ms ({r['warm_ms']:.3f} ms) "
                     f"| **{r['checks']['per_comment']}** | — |",
                     f"| theme tagging of a {r['long_chars']:,}-character comment, new tagger "
                     f"| — | {r['long_cold_ms']:.1f} ms | — | — |"]
        elif r["bench"] == "invitations":
            t = r["tevreden"]
            pss = max(t["idle"]["pss_mib"], t["loaded"]["pss_mib"])
            rows += [f"| invitations sent/s through the outbox ÷ a bare smtplib loop, same sink "
                     f"| — | {r['ratio']:.2f} ({t['sent_per_second']:.0f}/s vs "
                     f"{r['reference']['sent_per_second']:.0f}/s) | — | sqlite |",
                     f"| orders scheduled per second through `POST /hooks` | — "
                     f"| {t['scheduled_per_second']:.0f}/s | — | sqlite |",
                     f"| orders accepted and mailed, none lost | {t['orders']:,} "
                     f"| {t['accepted']:,} / {t['mails']:,} | **{r['checks']['lost']}** "
                     f"| sqlite |",
                     f"| total PSS of `tevreden serve --workers 2` with its consumer | <= 160 MiB "
                     f"| {pss:.1f} MiB | **{r['checks']['pss']}** | sqlite |"]
    return rows


def flows_rows(r: dict) -> list[str]:
    db, t, checks = r["database"], r["tevreden"], r["checks"]
    if db == "sqlite":
        ratio = (f"| Tevreden flows/s ÷ plain reference flows/s | >= 1.0 | {r['ratio']:.3f} "
                 f"| **{checks['ratio']}** | sqlite |")
    else:
        ratio = (f"| Tevreden flows/s ÷ plain reference flows/s (reference on SQLite) "
                 f"| beside SQLite | {r['ratio']:.3f} | — | {db} |")
    return [
        ratio,
        f"| Tevreden request p99 at {r['connections']} clients | <= 25 ms "
        f"| {t['p99_ms']:.1f} ms | **{checks['p99']}** | {db} |",
        f"| Tevreden failures (non-2xx, socket errors) | 0 | {t['failures']} "
        f"| **{checks['failures']}** | {db} |",
    ]


def memory_rows(r: dict) -> list[str]:
    return [
        f"| total PSS of `tevreden serve --workers {r['workers']}`, idle | <= 160 MiB "
        f"| {r['idle']['pss_mib']:.1f} MiB | **{r['checks']['idle']}** | {r['database']} |",
        f"| total PSS after {r['answers']:,} answers | <= 160 MiB "
        f"| {r['loaded']['pss_mib']:.1f} MiB | **{r['checks']['loaded']}** | {r['database']} |",
    ]


def flows_section(r: dict) -> list[str]:
    t, ref = r["tevreden"], r["reference"]
    lines = [
        f"### Visitor flows: Tevreden on {r['database']} against the plain reference on "
        f"{r['reference_database']}", "",
        f"`{r['command']}` — {machine_line(r['machine'])}", "",
        f"`tevreden serve --workers {r['workers']}` (gunicorn gthread), rate limits off, "
        f"against `bench/reference.py` (Flask, sqlite3 and itsdangerous used plainly) under "
        f"gunicorn with the same settings (`bench/reference_gunicorn.py`). "
        f"`wrk -t{r['connections']} -c{r['connections']} -d{r['duration_s']}s` with "
        f"`bench/flows.lua` on both (GET `/w/<survey>`, scrape the token, POST a score as "
        f"JSON; one connection per thread), the two servers alternating, after a 2 s warm-up "
        f"of each. A failure is any non-2xx answer (counted in Lua), a page without a token, "
        f"or a socket error.", "",
        "| round | Tevreden flows/s | reference flows/s | ratio | Tevreden p50 | Tevreden p99 "
        "| reference p99 | failures (Tevreden / reference) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for number, rnd in enumerate(r["rounds"], 1):
        a, b = rnd["tevreden"], rnd["reference"]
        lines.append(
            f"| {number} | {a['per_second']:.1f} | {b['per_second']:.1f} | {rnd['ratio']:.3f} "
            f"| {a['p50_us'] / 1000:.1f} ms | {a['p99_us'] / 1000:.1f} ms "
            f"| {b['p99_us'] / 1000:.1f} ms "
            f"| {a['failures'] + a['socket_errors']} / {b['failures'] + b['socket_errors']} |")
    lines += [
        f"| **median / worst** | **{t['flows_per_second']:.1f}** "
        f"| **{ref['flows_per_second']:.1f}** | **{r['ratio']:.3f}** | {t['p50_ms']:.1f} ms "
        f"| **{t['p99_ms']:.1f} ms** | {ref['p99_ms']:.1f} ms "
        f"| **{t['failures']}** / {ref['failures']} |", "",
        f"Latency percentiles are per request (page GETs and score POSTs together), as wrk "
        f"measures them; failures include the warm-up. Answers acknowledged with 201 / rows "
        f"stored (wrk stops mid-request, so up to one POST per connection and run is stored "
        f"without its answer being read): Tevreden {t['acknowledged']:,} / {t['stored']:,} "
        f"(**{t['stored_check']}**), reference {ref['acknowledged']:,} / {ref['stored']:,} "
        f"(**{ref['stored_check']}**). The reference ran without failures and with the same "
        f"gunicorn settings: **{r['checks']['reference']}**.", "",
    ]
    if t["first_failure"] or ref["first_failure"]:
        lines += [f"First failure: Tevreden `{t['first_failure'] or '—'}`, "
                  f"reference `{ref['first_failure'] or '—'}`.", ""]
    for key, values in r["settings_differences"].items():
        lines += [f"Setting `{key}` differs: Tevreden `{values['tevreden']}`, "
                  f"reference `{values['reference']}`.", ""]
    return lines


def memory_section(r: dict) -> list[str]:
    lines = [
        "### Memory", "",
        f"`{r['command']}` — {machine_line(r['machine'])}", "",
        f"`tevreden serve --workers {r['workers']}` on SQLite: the sum of `Pss` in "
        f"`/proc/<pid>/smaps_rollup` of the gunicorn master and all its descendants, idle (after "
        f"start-up and one GET of the widget page) and after {r['answers']:,} answers posted "
        f"through the real flow (GET the page, POST the score with its token) by "
        f"{r['clients']} `http.client` threads, one kept-alive connection each.", "",
        "| process | idle PSS | idle RSS | loaded PSS | loaded RSS |", "|---|---|---|---|---|",
    ]
    loaded = {p["pid"]: p for p in r["loaded"]["processes"]}
    for p in r["idle"]["processes"]:
        after = loaded.get(p["pid"])
        after_cells = (f"{after['pss_kib'] / 1024:.1f} MiB | {after['rss_kib'] / 1024:.1f} MiB"
                       if after else "gone | gone")
        lines.append(f"| {p['role']} {p['pid']} | {p['pss_kib'] / 1024:.1f} MiB "
                     f"| {p['rss_kib'] / 1024:.1f} MiB | {after_cells} |")
    posted = r["posted"]
    lines += [
        f"| **total** | **{r['idle']['pss_mib']:.1f} MiB** | {r['idle']['rss_mib']:.1f} MiB "
        f"| **{r['loaded']['pss_mib']:.1f} MiB** | {r['loaded']['rss_mib']:.1f} MiB |", "",
        f"Target <= 160 MiB total PSS: idle **{r['checks']['idle']}**, loaded "
        f"**{r['checks']['loaded']}**. {posted['acknowledged']:,} answers acknowledged in "
        f"{posted['seconds']:.1f} s, {posted['failures']} failures "
        f"(**{r['checks']['failures']}**), {r['stored']:,} rows stored "
        f"(**{r['checks']['stored']}**).", "",
    ]
    return lines


def score_section(r: dict) -> list[str]:
    s = r["samples"]
    return [
        f"### Score at scale on {r['database']}", "",
        f"`{r['command']}` — {machine_line(r['machine'])}", "",
        f"{r['rows']:,} responses over two years in four touchpoints, inserted straight into "
        f"the database (`bench/seed.py`). `GET /api/v1/surveys/<id>/score?interval=month` over "
        f"one kept-alive connection, against the bare query through the same driver from the "
        f"bench process; {len(s['endpoint'])} interleaved runs each, medians:", "",
        "| what | median | ratio |", "|---|---|---|",
        f"| score endpoint (totals, monthly series, touchpoints, targets) "
        f"| {ms(r['endpoint_s'])} | 1 |",
        f"| bare `SELECT month, score, COUNT(*) … GROUP BY month, score` "
        f"| {ms(r['group_by_month_score_s'])} | {r['ratio_vs_group_by_month_score']:.2f} "
        f"(**{r['checks']['ratio_vs_group_by_month_score']}**) |",
        f"| bare `SELECT score, COUNT(*) … GROUP BY score` | {ms(r['group_by_score_s'])} "
        f"| {r['ratio_vs_group_by_score']:.2f} (**{r['checks']['ratio_vs_group_by_score']}**) |",
        "",
        "The ratio is endpoint time ÷ bare query time (target <= 1.5). The month-and-score query "
        "computes what the endpoint reports (a histogram per month); the score-only query is "
        "the cheapest possible scan of the same rows, shown as a stricter reference.", "",
    ]


def export_section(r: dict) -> list[str]:
    memory = max(r["rss_growth_mib"], r["hwm_growth_mib"])
    return [
        f"### Export at scale on {r['database']}", "",
        f"`{r['command']}` — {machine_line(r['machine'])}", "",
        f"`GET /api/v1/surveys/<id>/responses.csv` (export-scope token: all 12 columns) read to "
        f"a file, against Python's `csv.writer` writing the same 11 stored columns from a raw "
        f"cursor (`ORDER BY created_at, id`; a server-side cursor on PostgreSQL) to a file; "
        f"{len(r['samples']['endpoint'])} interleaved runs each, medians:", "",
        "| what | median | rows | bytes |", "|---|---|---|---|",
        f"| CSV endpoint | {r['endpoint_s']:.2f} s | {r['rows_endpoint']:,} "
        f"| {r['bytes_endpoint']:,} |",
        f"| bare csv writer | {r['bare_s']:.2f} s | {r['rows_bare']:,} | {r['bytes_bare']:,} |",
        "",
        f"Speed ratio (bare time ÷ endpoint time): **{r['ratio']:.3f}** (target >= 0.5, "
        f"**{r['checks']['ratio']}**). The endpoint also converts times, names NPS groups and "
        f"neutralises formula cells; the row count is checked by parsing the file "
        f"(**{r['checks']['rows']}**).", "",
        f"Memory of the gunicorn workers (`/proc/<pid>/status`, sampled every 5 ms during each "
        f"export): largest VmRSS growth over the value before the export "
        f"{r['rss_growth_mib']:.1f} MiB; VmHWM after all exports minus VmRSS before the first "
        f"{r['hwm_growth_mib']:.1f} MiB; reported: **{memory:.1f} MiB** (target < 50 MB, "
        f"**{r['checks']['memory']}**).", "",
    ]


def weight_section(r: dict) -> list[str]:
    w = r["widget"]
    lines = [
        "### Weight", "",
        f"`{r['command']}` — {machine_line(r['machine'])}", "",
        "What a browser fetches to show the widget, from a live `tevreden serve`: the loader, "
        "then (popup only) its settings, the widget page and every stylesheet, script and "
        "image the page names. `gzip -9` = `gzip -9 -n -c` of each file; `served` = bytes on "
        "the wire to a browser that accepts gzip.", "",
        "| file | raw B | gzip -9 B | served B |", "|---|---|---|---|",
    ]
    for f in w["files"]:
        lines.append(f"| {f['what']} | {f['raw']:,} | {f['gzip9']:,} | "
                     f"{f['served']:,} |" if "served" in f else
                     f"| {f['what']} | {f['raw']:,} | {f['gzip9']:,} | — |")
    lines += [
        f"| **everything to show (loader, page, CSS, JS)** | {w['to_show_raw']:,} "
        f"| **{w['to_show_gzip9']:,}** | {w['to_show_served']:,} |", "",
        "Formbricks, measured in the same run with `npm pack` from the npm registry "
        "(entry files named by each package's package.json):", "",
        "| package | entry | file | raw B | gzip -9 B |", "|---|---|---|---|---|",
    ]
    for f in r["formbricks"]:
        if "error" in f:
            lines.append(f"| {f['package']} | — | npm pack failed: {f['error']} | — | — |")
        else:
            lines.append(f"| {f['package']} | {f['entry']} | {f['file']} | {f['raw']:,} "
                         f"| {f['gzip9']:,} |")
    if "ratio_to_formbricks" in r:
        lines += ["", f"Loader + renderer for a browser (`@formbricks/js` import entry + "
                      f"`@formbricks/surveys` standalone UMD bundle): "
                      f"{r['formbricks_to_show_gzip9']:,} B gzip -9; Tevreden's "
                      f"{w['to_show_gzip9']:,} B is **{r['ratio_to_formbricks']:.2f}×** that. "
                      f"Formbricks' loader then fetches its app from the Formbricks server, "
                      f"which is not counted here."]
    return lines + ["", *browser_section(r)]


def themes_section(r: dict) -> list[str]:
    return [
        "### Themes", "",
        f"`{r['command']}` — {machine_line(r['machine'])}", "",
        f"Tagging the {r['comments']} labelled comments of `tests/data/themes_labelled.jsonl` "
        f"with the eight built-in themes, median of {r['rounds']} rounds, per comment:", "",
        "| case | ms per comment |", "|---|---|",
        f"| new tagger (cold word cache) | {r['cold_ms']:.3f} |",
        f"| same tagger again (warm cache, a running server) | {r['warm_ms']:.3f} |",
        f"| new tagger, comments of up to {r['long_chars']:,} characters "
        f"| {r['long_cold_ms']:.3f} |", ""]


def invitations_section(r: dict) -> list[str]:
    t, ref = r["tevreden"], r["reference"]
    return [
        "### Invitations", "",
        f"`{r['command']}` — {machine_line(r['machine'])}", "",
        f"{t['orders']:,} signed orders posted to `POST /hooks/<id>` of `tevreden serve "
        f"--workers 2` (its huey consumer on the SQLite queue, invitations due at once) by "
        f"{4} clients; each invitation composed into the outbox and delivered to a local "
        f"aiosmtpd sink. Beside it, a bare `smtplib` loop sends as many ready-made messages "
        f"to the same sink, one connection each.", "",
        "| side | count | seconds | per second |", "|---|---|---|---|",
        f"| orders scheduled (202) | {t['accepted']:,} | {t['post_seconds']:.1f} "
        f"| {t['scheduled_per_second']:.0f} |",
        f"| Tevreden mails delivered (first order to last mail) | {t['mails']:,} "
        f"| {t['send_seconds']:.1f} | {t['sent_per_second']:.0f} |",
        f"| bare smtplib | {ref['mails']:,} | {ref['seconds']:.1f} "
        f"| {ref['sent_per_second']:.0f} |", "",
        f"Total PSS of the server with its consumer: idle {t['idle']['pss_mib']:.1f} MiB, "
        f"after the run {t['loaded']['pss_mib']:.1f} MiB (target <= 160 MiB).", ""]


SECTIONS = {"flows": flows_section, "memory": memory_section, "score": score_section,
            "export": export_section, "weight": weight_section, "themes": themes_section,
            "invitations": invitations_section}


def render(records: dict) -> str:
    lines = [INTRO, "## Summary", "",
             "| figure | target | measured | verdict | database |", "|---|---|---|---|---|",
             *summary_rows(records), "", "## Details", ""]
    for key in ORDER:
        if key in records:
            lines += SECTIONS[records[key]["bench"]](records[key])
    if FINDINGS.exists():
        lines += [FINDINGS.read_text().rstrip(), ""]
    return "\n".join(lines)


def main() -> None:
    OUT.write_text(render(load()))
    print(f"wrote {OUT.relative_to(BENCH.parent)}")


if __name__ == "__main__":
    main()
