"""Total PSS of `tevreden serve --workers 2` on SQLite, idle and after 10,000 answers."""

from __future__ import annotations

import http.client
import json
import os
import re
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

from common import (
    Server,
    command_line,
    fresh_database,
    machine,
    process_tree,
    save,
    serve,
    smaps_rollup_kib,
    verdict,
)
from flows import stored
from seed import create_survey

TARGET_MIB = 160
WORKERS = 2
ANSWERS = int(os.environ.get("BENCH_MEMORY_ANSWERS", "10000"))
CLIENTS = 4
TOKEN = re.compile(rb'name="token" value="([^"]+)"')


def snapshot(server: Server) -> dict:
    """PSS and RSS of the gunicorn master and each of its descendants, and the PSS total."""
    processes = []
    for pid in process_tree(server.proc.pid):
        figures = smaps_rollup_kib(pid)
        processes.append({"pid": pid, "role": "master" if pid == server.proc.pid else "worker",
                          "pss_kib": figures["Pss"], "rss_kib": figures["Rss"],
                          "pss_anon_kib": figures.get("Pss_Anon")})
    return {"processes": processes,
            "pss_mib": sum(p["pss_kib"] for p in processes) / 1024,
            "rss_mib": sum(p["rss_kib"] for p in processes) / 1024}


def flow(conn: http.client.HTTPConnection, survey: str, touchpoint: str, score: int) -> str:
    """GET the widget page, POST a score with its token; '' or what went wrong."""
    conn.request("GET", f"/w/{survey}", headers={"Accept": "text/html"})
    page = conn.getresponse()
    body = page.read()
    found = TOKEN.search(body)
    if page.status != 200 or not found:
        return f"page {page.status}: {body[:200]!r}"
    answer = json.dumps({"token": found.group(1).decode(), "score": score,
                         "touchpoint": touchpoint})
    conn.request("POST", f"/w/{survey}/responses", body=answer,
                 headers={"Content-Type": "application/json", "Accept": "application/json"})
    posted = conn.getresponse()
    text = posted.read()
    return "" if posted.status == 201 else f"post {posted.status}: {text[:200]!r}"


def client(url: str, survey: str, touchpoint: str, count: int, outcome: list[str]) -> None:
    """One visitor after another over one kept-alive connection."""
    address = urlsplit(url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        for number in range(count):
            try:
                outcome.append(flow(conn, survey, touchpoint, number % 11))
            except (OSError, http.client.HTTPException) as error:
                outcome.append(f"socket: {error!r}")
                conn.close()
    finally:
        conn.close()


def post_answers(server: Server, survey: dict, count: int) -> dict:
    """`count` flows from CLIENTS threads; acknowledged answers, failures, seconds."""
    outcomes: list[list[str]] = [[] for _ in range(CLIENTS)]
    shares = [count // CLIENTS + (n < count % CLIENTS) for n in range(CLIENTS)]
    threads = [threading.Thread(target=client, args=(server.url, survey["survey"],
                                                     survey["touchpoints"][0], share, outcome))
               for share, outcome in zip(shares, outcomes, strict=True)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    failures = [o for outcome in outcomes for o in outcome if o]
    return {"acknowledged": sum(len(o) for o in outcomes) - len(failures),
            "failures": len(failures), "first_failure": failures[0] if failures else "",
            "seconds": seconds}


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="tevreden-bench-") as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        database = fresh_database("sqlite", workdir)
        survey = create_survey(database)
        server = serve(database, workdir, workers=WORKERS)
        stack.callback(server.stop)
        with urllib.request.urlopen(f"{server.url}/w/{survey['survey']}", timeout=10) as page:
            page.read()
        idle = snapshot(server)
        print(f"  idle: {idle['pss_mib']:.1f} MiB PSS; posting {ANSWERS:,} answers",
              file=sys.stderr)
        posted = post_answers(server, survey, ANSWERS)
        loaded = snapshot(server)
        return {"idle": idle, "loaded": loaded, "posted": posted,
                "stored": stored(database, survey["survey"])}


def main() -> None:
    print(f"memory of tevreden serve --workers {WORKERS} on sqlite", file=sys.stderr)
    result = run()
    idle, loaded, posted = result["idle"]["pss_mib"], result["loaded"]["pss_mib"], result["posted"]
    record = {"bench": "memory", "database": "sqlite", "command": command_line(),
              "machine": machine(), "workers": WORKERS, "answers": ANSWERS, "clients": CLIENTS,
              "targets": {"pss_mib": f"<= {TARGET_MIB}"}, **result,
              "checks": {"idle": verdict(idle <= TARGET_MIB),
                         "loaded": verdict(loaded <= TARGET_MIB),
                         "failures": verdict(posted["failures"] == 0),
                         "stored": verdict(result["stored"] == posted["acknowledged"])}}
    save("memory", record)
    print(json.dumps({"idle_pss_mib": idle, "loaded_pss_mib": loaded,
                      "failures": posted["failures"], "stored": result["stored"],
                      "checks": record["checks"]}))


if __name__ == "__main__":
    main()
