"""Score and CSV export at scale: the endpoints against bare SQL and a bare csv writer."""

from __future__ import annotations

import csv
import datetime as dt
import http.client
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from common import (
    Database,
    Server,
    command_line,
    fresh_database,
    kinds,
    machine,
    median,
    memory_kib,
    save,
    serve,
    verdict,
)
from seed import create_survey, insert

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
SCORE_REPEAT = int(os.environ.get("BENCH_SCORE_REPEAT", "7"))
EXPORT_REPEAT = int(os.environ.get("BENCH_EXPORT_REPEAT", "3"))
TARGET_SCORE_RATIO = 1.5
TARGET_EXPORT_RATIO = 0.5
TARGET_MEMORY_MB = 50.0
EXPORT_COLUMNS = ("id", "created_at", "score", "comment", "touchpoint", "segment", "reference",
                  "language", "themes", "followup", "consent_at", "consent_version", "contact")


# ---------------------------------------------------------------- HTTP

def connect(server: Server) -> http.client.HTTPConnection:
    parts = urlsplit(server.url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)


def get(server: Server, path: str, token: str, sink=None) -> tuple[int, int]:
    """GET with the owner's token; the body goes to `sink` in chunks. (status, bytes).

    A new connection each time: the bare baseline runs for seconds in between, longer than
    gunicorn keeps an idle connection (5 s); a loopback connect costs well under 1 ms.
    """
    conn = connect(server)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        size = 0
        while chunk := response.read(1 << 16):
            size += len(chunk)
            if sink is not None:
                sink.write(chunk)
    finally:
        conn.close()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}")
    return response.status, size


# ---------------------------------------------------------------- bare baselines

def bare_group_by(database: Database, survey: str, monthly: bool) -> list[tuple]:
    """What a person would type: one GROUP BY over the same rows, through the same driver."""
    if database.kind == "sqlite":
        month, mark = "strftime('%Y-%m', created_at)", "?"
    else:
        month, mark = "date_trunc('month', created_at)", "%s"
    columns = f"{month}, score" if monthly else "score"
    sql = (f"SELECT {columns}, COUNT(*) FROM response WHERE survey_id = {mark} "
           f"GROUP BY {columns}")
    conn = database.raw()
    try:
        cursor = conn.cursor()
        cursor.execute(sql, (survey,))
        return cursor.fetchall()
    finally:
        conn.close()


def bare_export(database: Database, survey: str, path: Path) -> int:
    """Python's csv writer fed by a raw cursor over the same rows, in the same order."""
    mark = "?" if database.kind == "sqlite" else "%s"
    sql = (f"SELECT {', '.join(EXPORT_COLUMNS)} FROM response WHERE survey_id = {mark} "
           f"ORDER BY created_at, id")
    conn = database.raw()
    count = 0
    try:
        if database.kind == "sqlite":
            cursor = conn.execute(sql, (survey,))
        else:
            cursor = conn.cursor(name="bare_export")  # server-side, as a careful person would
            cursor.itersize = 2000
            cursor.execute(sql, (survey,))
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(EXPORT_COLUMNS)
            for row in cursor:
                writer.writerow(row)
                count += 1
    finally:
        conn.close()
    return count


# ---------------------------------------------------------------- score

def score_bench(server: Server, database: Database, survey: dict) -> dict:
    path = f"/api/v1/surveys/{survey['survey']}/score?interval=month"
    get(server, path, survey["token"])  # warm-up
    for monthly in (False, True):
        bare_group_by(database, survey["survey"], monthly)
    endpoint, by_score, by_month = [], [], []
    for _ in range(SCORE_REPEAT):
        # Interleaved, so a noisy neighbour on a shared machine hits all three alike.
        start = time.perf_counter()
        get(server, path, survey["token"])
        endpoint.append(time.perf_counter() - start)
        for monthly, times in ((False, by_score), (True, by_month)):
            start = time.perf_counter()
            bare_group_by(database, survey["survey"], monthly)
            times.append(time.perf_counter() - start)
    result = {
        "endpoint_s": median(endpoint),
        "group_by_score_s": median(by_score),
        "group_by_month_score_s": median(by_month),
        "samples": {"endpoint": endpoint, "group_by_score": by_score,
                    "group_by_month_score": by_month},
    }
    result["ratio_vs_group_by_score"] = result["endpoint_s"] / result["group_by_score_s"]
    result["ratio_vs_group_by_month_score"] = (result["endpoint_s"]
                                               / result["group_by_month_score_s"])
    result["checks"] = {
        "ratio_vs_group_by_month_score": verdict(
            result["ratio_vs_group_by_month_score"] <= TARGET_SCORE_RATIO),
        "ratio_vs_group_by_score": verdict(
            result["ratio_vs_group_by_score"] <= TARGET_SCORE_RATIO),
    }
    print(f"  score: endpoint {result['endpoint_s'] * 1000:.0f} ms, GROUP BY score "
          f"{result['group_by_score_s'] * 1000:.0f} ms, GROUP BY month, score "
          f"{result['group_by_month_score_s'] * 1000:.0f} ms", file=sys.stderr)
    return result


# ---------------------------------------------------------------- export

class MemoryWatch:
    """Samples every worker's VmRSS while a request runs; growth is over the value before."""

    def __init__(self, server: Server):
        self.pids = server.workers()
        self.before = {pid: memory_kib(pid)["VmRSS"] for pid in self.pids}
        self.peak = dict(self.before)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], memory_kib(pid)["VmRSS"])
            time.sleep(0.005)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def growth_mib(self) -> float:
        return max(self.peak[pid] - self.before[pid] for pid in self.pids) / 1024


def count_csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as source:
        return sum(1 for _ in csv.reader(source)) - 1


def export_bench(server: Server, database: Database, survey: dict, workdir: Path) -> dict:
    base = f"/api/v1/surveys/{survey['survey']}/responses.csv"
    today = dt.date.today().isoformat()
    get(server, f"{base}?from={today}", survey["token"])  # warm-up: imports, first cursor
    first = {pid: memory_kib(pid) for pid in server.workers()}
    endpoint_file, bare_file = workdir / "endpoint.csv", workdir / "bare.csv"
    endpoint, bare, growth, sizes = [], [], [], []
    for _ in range(EXPORT_REPEAT):
        start = time.perf_counter()
        rows = bare_export(database, survey["survey"], bare_file)
        bare.append(time.perf_counter() - start)
        with MemoryWatch(server) as watch, endpoint_file.open("wb") as sink:
            start = time.perf_counter()
            sizes.append(get(server, base, survey["token"], sink)[1])
            endpoint.append(time.perf_counter() - start)
        growth.append(watch.growth_mib())
    hwm_growth = max(memory_kib(pid)["VmHWM"] - first[pid]["VmRSS"] for pid in first) / 1024
    exported = count_csv_rows(endpoint_file)
    result = {
        "endpoint_s": median(endpoint),
        "bare_s": median(bare),
        "rows_endpoint": exported,
        "rows_bare": rows,
        "bytes_endpoint": sizes[-1],
        "bytes_bare": bare_file.stat().st_size,
        "rss_growth_mib": max(growth),
        "hwm_growth_mib": hwm_growth,
        "samples": {"endpoint": endpoint, "bare": bare, "rss_growth_mib": growth},
    }
    result["ratio"] = result["bare_s"] / result["endpoint_s"]  # endpoint speed ÷ bare speed
    memory = max(result["rss_growth_mib"], hwm_growth)
    result["checks"] = {
        "ratio": verdict(result["ratio"] >= TARGET_EXPORT_RATIO),
        "memory": verdict(memory < TARGET_MEMORY_MB),
        "rows": verdict(exported == rows == survey["rows"]),
    }
    print(f"  export: endpoint {result['endpoint_s']:.1f} s, bare csv {result['bare_s']:.1f} s, "
          f"ratio {result['ratio']:.2f}, memory growth {memory:.1f} MiB, rows {exported}",
          file=sys.stderr)
    return result


# ---------------------------------------------------------------- runs

def run(kind: str, benches: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="tevreden-bench-") as tmp:
        workdir = Path(tmp)
        database = fresh_database(kind, workdir)
        try:
            survey = create_survey(database)
            seconds = insert(database, survey["survey"], ROWS)
            survey["rows"] = ROWS
            print(f"  {ROWS:,} responses inserted in {seconds:.0f} s", file=sys.stderr)
            server = serve(database, workdir, workers=2)
            try:
                results = {}
                if "score" in benches:
                    results["score"] = score_bench(server, database, survey)
                if "export" in benches:
                    results["export"] = export_bench(server, database, survey, workdir)
                return results
            except Exception:
                print(f"the server's log ends with:\n{server.log.read_text()[-3000:]}",
                      file=sys.stderr)
                raise
            finally:
                server.stop()
        finally:
            database.drop()


def main(argv: list[str]) -> None:
    benches = [name for name in ("score", "export") if name in argv] or ["score", "export"]
    rest = [arg for arg in argv if arg not in ("score", "export")]
    for kind in kinds(rest[0] if rest else None):
        print(f"{' and '.join(benches)} on {kind}, {ROWS:,} responses", file=sys.stderr)
        results = run(kind, benches)
        for name, result in results.items():
            targets = ({"ratio": f"<= {TARGET_SCORE_RATIO}"} if name == "score" else
                       {"ratio": f">= {TARGET_EXPORT_RATIO}",
                        "memory_mib": f"< {TARGET_MEMORY_MB}"})
            record = {"bench": name, "database": kind, "command": command_line(),
                      "machine": machine(), "rows": ROWS, "targets": targets, **result}
            save(f"{name}-{kind}", record)
            print(json.dumps({"bench": name, "database": kind, "checks": result["checks"]}))


if __name__ == "__main__":
    main(sys.argv[1:])
