"""Visitor flows (page + score) against /healthz under the same wrk load, on one server run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
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
    verdict,
)
from seed import create_survey

TARGET_RATIO = 0.30
TARGET_P99_MS = 25.0
CONNECTIONS = 4
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
# Seven: single rounds on a shared machine move by up to a factor of two; the median holds.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))


def wrk(server: Server, script: str, duration: int, *args: str) -> dict:
    """One wrk run, one connection per thread; the Lua script prints a JSON line at the end."""
    command = ["wrk", f"-t{CONNECTIONS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency",
               "-s", str(BENCH / script), server.url]
    if args:
        command += ["--", *args]
    out = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode or not lines:
        raise SystemExit(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return json.loads(lines[-1])


def stored(database, survey: str) -> int:
    conn = database.raw()
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT COUNT(*) FROM response WHERE survey_id = "
                       + ("?" if database.kind == "sqlite" else "%s"), (survey,))
        return cursor.fetchone()[0]
    finally:
        conn.close()


def run(kind: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="tevreden-bench-") as tmp:
        workdir = Path(tmp)
        database = fresh_database(kind, workdir)
        try:
            survey = create_survey(database)
            server = serve(database, workdir, workers=2)
            try:
                return measure(server, database, survey)
            finally:
                server.stop()
        finally:
            database.drop()


def measure(server: Server, database, survey: dict) -> dict:
    args = (survey["survey"], survey["touchpoints"][0])
    warm_up = wrk(server, "flows.lua", 2, *args)  # imports, templates, connections
    wrk(server, "healthz.lua", 2)
    rounds = []
    for number in range(ROUNDS):
        # Alternate the order so drift on a shared machine does not favour one side.
        pair = [("healthz", ()), ("flows", args)]
        if number % 2:
            pair.reverse()
        result = {name: wrk(server, f"{name}.lua", DURATION, *a) for name, a in pair}
        flows = result["flows"]
        health = result["healthz"]
        flows["per_second"] = flows["flows"] / (flows["duration_us"] / 1e6)
        health["per_second"] = health["ok"] / (health["duration_us"] / 1e6)
        rounds.append({"flows": flows, "healthz": health,
                       "ratio": flows["per_second"] / health["per_second"]})
        print(f"  round {number + 1}: {flows['per_second']:.0f} flows/s, "
              f"{health['per_second']:.0f} healthz/s, ratio {rounds[-1]['ratio']:.3f}, "
              f"p99 {flows['p99_us'] / 1000:.1f} ms, failures {flows['failures']}",
              file=sys.stderr)
    return summarise(rounds, warm_up["flows"], stored(database, survey["survey"]))


def summarise(rounds: list[dict], warm_up_flows: int, stored_count: int) -> dict:
    ratio = median([r["ratio"] for r in rounds])
    p99_ms = max(r["flows"]["p99_us"] for r in rounds) / 1000
    failures = sum(r["flows"]["failures"] + r["flows"]["socket_errors"]
                   + r["healthz"]["failures"] + r["healthz"]["socket_errors"] for r in rounds)
    acknowledged = warm_up_flows + sum(r["flows"]["flows"] for r in rounds)
    # wrk stops mid-request: up to one POST per connection per run is stored but unanswered.
    unanswered = stored_count - acknowledged
    runs = 1 + len(rounds)
    return {
        "ratio": ratio,
        "flows_per_second": median([r["flows"]["per_second"] for r in rounds]),
        "healthz_per_second": median([r["healthz"]["per_second"] for r in rounds]),
        "p50_ms": median([r["flows"]["p50_us"] for r in rounds]) / 1000,
        "p99_ms": p99_ms,
        "healthz_p99_ms": max(r["healthz"]["p99_us"] for r in rounds) / 1000,
        "failures": failures,
        "acknowledged": acknowledged,
        "stored": stored_count,
        "rounds": rounds,
        "checks": {
            "ratio": verdict(ratio >= TARGET_RATIO),
            "p99": verdict(p99_ms <= TARGET_P99_MS),
            "failures": verdict(failures == 0),
            "stored": verdict(0 <= unanswered <= CONNECTIONS * runs),
        },
    }


def main(argv: list[str]) -> None:
    for kind in kinds(argv[0] if argv else None):
        print(f"flows on {kind}: {ROUNDS} rounds of {DURATION} s, {CONNECTIONS} connections",
              file=sys.stderr)
        record = {"bench": "flows", "database": kind, "command": command_line(),
                  "machine": machine(), "connections": CONNECTIONS, "duration_s": DURATION,
                  "targets": {"ratio": f">= {TARGET_RATIO}", "p99_ms": f"<= {TARGET_P99_MS}",
                              "failures": "0"},
                  **run(kind)}
        save(f"flows-{kind}", record)
        print(json.dumps({k: record[k] for k in ("database", "ratio", "flows_per_second",
                                                 "healthz_per_second", "p99_ms", "failures",
                                                 "checks")}))


if __name__ == "__main__":
    main(sys.argv[1:])
