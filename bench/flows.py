"""Visitor flows (page + score): Tevreden against a plain reference app, under the same wrk load."""

from __future__ import annotations

import json
import os
import runpy
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from common import (
    BENCH,
    Server,
    command_line,
    fresh_database,
    kinds,
    machine,
    median,
    save,
    serve,
    serve_reference,
    verdict,
)
from seed import create_survey

TARGET_RATIO = 1.0
TARGET_P99_MS = 25.0
CONNECTIONS = 4
WORKERS = 2
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
# Seven: single rounds on a shared machine move by up to a factor of two; the median holds.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
SIDES = ("tevreden", "reference")
# gunicorn settings the two servers must share for the ratio to compare the applications.
SHARED_SETTINGS = ("worker_class", "threads", "accesslog", "errorlog", "access_log_format",
                   "timeout", "graceful_timeout", "keepalive", "control_socket_disable")


def wrk(server: Server, duration: int, *args: str) -> dict:
    """One wrk run of flows.lua, one connection per thread; the script prints a JSON line."""
    command = ["wrk", f"-t{CONNECTIONS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency",
               "-s", str(BENCH / "flows.lua"), server.url, "--", *args]
    out = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode or not lines:
        raise SystemExit(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    result = json.loads(lines[-1])
    result["per_second"] = result["flows"] / (result["duration_us"] / 1e6)
    return result


def stored(database, survey: str) -> int:
    """Answers Tevreden stored for the survey."""
    conn = database.raw()
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT COUNT(*) FROM response WHERE survey_id = "
                       + ("?" if database.kind == "sqlite" else "%s"), (survey,))
        return cursor.fetchone()[0]
    finally:
        conn.close()


def stored_reference(server: Server) -> int:
    """Answers the reference app stored."""
    conn = sqlite3.connect(server.env["REFERENCE_DATABASE"])
    try:
        return conn.execute("SELECT COUNT(*) FROM answer").fetchone()[0]
    finally:
        conn.close()


def settings_differences() -> dict:
    """Shared gunicorn settings where bench/reference_gunicorn.py and server/serve.py differ."""
    from server.serve import options

    tevreden = options("127.0.0.1", 0, WORKERS)
    reference = runpy.run_path(str(BENCH / "reference_gunicorn.py"))
    return {key: {"tevreden": tevreden.get(key), "reference": reference.get(key)}
            for key in SHARED_SETTINGS if tevreden.get(key) != reference.get(key)}


def run(kind: str) -> dict:
    differences = settings_differences()  # before measuring: it fails if serve.py moved
    with tempfile.TemporaryDirectory(prefix="tevreden-bench-") as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        database = fresh_database(kind, workdir)
        stack.callback(database.drop)
        survey = create_survey(database)
        servers = {"tevreden": serve(database, workdir, workers=WORKERS)}
        stack.callback(servers["tevreden"].stop)
        servers["reference"] = serve_reference(workdir, workers=WORKERS)
        stack.callback(servers["reference"].stop)
        return measure(servers, database, survey, differences)


def measure(servers: dict[str, Server], database, survey: dict, differences: dict) -> dict:
    # The same survey id on both sides, so both send requests of the same length.
    args = (survey["survey"], survey["touchpoints"][0])
    warm_up = {side: wrk(servers[side], 2, *args) for side in SIDES}  # imports, templates
    rounds = []
    for number in range(ROUNDS):
        # Alternate the order so drift on a shared machine does not favour one side.
        order = SIDES if number % 2 == 0 else SIDES[::-1]
        result = {side: wrk(servers[side], DURATION, *args) for side in order}
        result["ratio"] = result["tevreden"]["per_second"] / result["reference"]["per_second"]
        rounds.append(result)
        t, r = result["tevreden"], result["reference"]
        print(f"  round {number + 1}: Tevreden {t['per_second']:.0f} flows/s, reference "
              f"{r['per_second']:.0f} flows/s, ratio {result['ratio']:.3f}, Tevreden p99 "
              f"{t['p99_us'] / 1000:.1f} ms, failures {t['failures'] + t['socket_errors']} "
              f"/ {r['failures'] + r['socket_errors']}", file=sys.stderr)
    counts = {"tevreden": stored(database, survey["survey"]),
              "reference": stored_reference(servers["reference"])}
    return summarise(rounds, warm_up, counts, database.kind, differences)


def side(rounds: list[dict], name: str, warm_up: dict, stored_count: int) -> dict:
    """One server's figures over all rounds: medians, the worst p99, failures, stored rows."""
    runs = [warm_up, *(r[name] for r in rounds)]
    acknowledged = sum(run["flows"] for run in runs)
    # wrk stops mid-request: up to one POST per connection per run is stored but unanswered.
    unanswered = stored_count - acknowledged
    return {
        "flows_per_second": median([r[name]["per_second"] for r in rounds]),
        "p50_ms": median([r[name]["p50_us"] for r in rounds]) / 1000,
        "p99_ms": max(r[name]["p99_us"] for r in rounds) / 1000,
        "failures": sum(run["failures"] + run["socket_errors"] for run in runs),
        "first_failure": next((run["first_failure"] for run in runs if run["first_failure"]),
                              ""),
        "acknowledged": acknowledged,
        "stored": stored_count,
        "stored_check": verdict(0 <= unanswered <= CONNECTIONS * len(runs)),
    }


def summarise(rounds: list[dict], warm_up: dict, counts: dict, kind: str,
              differences: dict) -> dict:
    ratio = median([r["ratio"] for r in rounds])
    sides = {name: side(rounds, name, warm_up[name], counts[name]) for name in SIDES}
    tevreden, reference = sides["tevreden"], sides["reference"]
    return {
        "ratio": ratio,
        **sides,
        "rounds": rounds,
        "settings_differences": differences,
        "checks": {
            # The target is set on SQLite; PostgreSQL is recorded beside it.
            "ratio": verdict(ratio >= TARGET_RATIO if kind == "sqlite" else None),
            "p99": verdict(tevreden["p99_ms"] <= TARGET_P99_MS),
            "failures": verdict(tevreden["failures"] == 0),
            "stored": verdict(tevreden["stored_check"] == "PASS"),
            # A reference that failed or was configured differently makes the ratio void.
            "reference": verdict(reference["failures"] == 0 and not differences
                                 and reference["stored_check"] == "PASS"),
        },
    }


def main(argv: list[str]) -> None:
    for kind in kinds(argv[0] if argv else None):
        print(f"flows on {kind} against the reference on sqlite: {ROUNDS} rounds of {DURATION} s, "
              f"{CONNECTIONS} connections", file=sys.stderr)
        record = {"bench": "flows", "database": kind, "reference_database": "sqlite",
                  "command": command_line(), "machine": machine(), "workers": WORKERS,
                  "connections": CONNECTIONS, "duration_s": DURATION,
                  "targets": {"ratio": f">= {TARGET_RATIO} (sqlite)",
                              "p99_ms": f"<= {TARGET_P99_MS}", "failures": "0"},
                  **run(kind)}
        save(f"flows-{kind}", record)
        print(json.dumps({"database": kind, "ratio": record["ratio"],
                          "tevreden_flows_per_second": record["tevreden"]["flows_per_second"],
                          "reference_flows_per_second": record["reference"]["flows_per_second"],
                          "p99_ms": record["tevreden"]["p99_ms"],
                          "failures": record["tevreden"]["failures"],
                          "checks": record["checks"]}))


if __name__ == "__main__":
    main(sys.argv[1:])
