"""Invitations scheduled and sent per second: shop orders posted to a live `tevreden serve`
(its own huey consumer on the SQLite queue) and mailed to a local SMTP sink, against a bare
smtplib loop sending as many ready-made messages to the same sink; the server's total PSS with
the consumer running."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import smtplib
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller
from common import (
    bind,
    command_line,
    free_port,
    fresh_database,
    machine,
    save,
    serve,
    verdict,
)
from memory import TARGET_MIB, snapshot
from seed import create_survey

ORDERS = int(os.environ.get("BENCH_INVITATIONS", "400"))
CLIENTS = 4
TIMEOUT = 300  # seconds to wait for every mail


class Sink:
    """An SMTP server that counts what it is given and notes when the last mail came."""

    def __init__(self):
        self.count = 0
        self.last = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            self.count += 1
            self.last = time.perf_counter()
        return "250 OK"


def new_hook(database, survey_id: str) -> dict:
    """A generic order hook on the survey, inviting at once (delay 0)."""
    bind(database)
    from server.db import connection
    from server.models import Hook, Survey

    with connection():
        survey = Survey.get_by_id(survey_id)
        survey.invite_delay_days = 0
        survey.save()
        hook = Hook.issue(survey, "generic")
    return {"id": hook.id, "secret": hook.secret}


def post_orders(url: str, hook: dict, first: int, count: int, outcome: list[int]) -> None:
    address = urlsplit(url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        for number in range(first, first + count):
            body = json.dumps({"order_id": f"B-{number}", "email": f"klant{number}@example.nl",
                               "name": "Klant", "language": "nl",
                               "completed_at": "2026-12-01T10:00:00Z"}).encode()
            signature = hmac.new(hook["secret"].encode(), body, hashlib.sha256).hexdigest()
            conn.request("POST", f"/hooks/{hook['id']}", body=body,
                         headers={"Content-Type": "application/json",
                                  "X-Tevreden-Signature": f"sha256={signature}"})
            response = conn.getresponse()
            response.read()
            outcome.append(response.status)
    finally:
        conn.close()


def tevreden_side(workdir: Path, sink: Sink, port: int) -> dict:
    with ExitStack() as stack:
        database = fresh_database("sqlite", workdir)
        survey = create_survey(database)
        hook = new_hook(database, survey["survey"])
        server = serve(database, workdir, workers=2,
                       TEVREDEN_SMTP_URL=f"smtp://127.0.0.1:{port}")
        stack.callback(server.stop)
        idle = snapshot(server)
        outcomes: list[list[int]] = [[] for _ in range(CLIENTS)]
        share = ORDERS // CLIENTS
        threads = [threading.Thread(target=post_orders,
                                    args=(server.url, hook, n * share, share, outcomes[n]))
                   for n in range(CLIENTS)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        posted = time.perf_counter() - start
        deadline = time.monotonic() + TIMEOUT
        while sink.count < CLIENTS * share and time.monotonic() < deadline:
            time.sleep(0.05)
        sent = sink.last - start if sink.count else float("inf")
        loaded = snapshot(server)
        statuses = [s for o in outcomes for s in o]
        return {"orders": len(statuses), "accepted": statuses.count(202),
                "post_seconds": posted, "mails": sink.count, "send_seconds": sent,
                "scheduled_per_second": statuses.count(202) / posted,
                "sent_per_second": sink.count / sent, "idle": idle, "loaded": loaded}


def reference_side(sink: Sink, port: int, count: int) -> dict:
    """A bare smtplib loop: one connection per message, as a mail queue sends them."""
    before = sink.count
    start = time.perf_counter()
    for number in range(count):
        message = EmailMessage()
        message["From"], message["To"] = "shop@example.nl", f"klant{number}@example.nl"
        message["Subject"] = "Hoe waarschijnlijk is het dat je ons aanbeveelt?"
        message.set_content("Kies een score: https://example.nl/w/x?score=9\n")
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.send_message(message)
    seconds = time.perf_counter() - start
    return {"mails": sink.count - before, "seconds": seconds,
            "sent_per_second": (sink.count - before) / seconds}


def main() -> None:
    print(f"invitations: {ORDERS} orders through tevreden serve, SQLite queue", file=sys.stderr)
    port = free_port()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory(prefix="tevreden-bench-") as tmp:
            tevreden = tevreden_side(Path(tmp), sink, port)
        reference = reference_side(sink, port, tevreden["mails"] or ORDERS)
    finally:
        controller.stop()
    ratio = tevreden["sent_per_second"] / reference["sent_per_second"]
    pss = max(tevreden["idle"]["pss_mib"], tevreden["loaded"]["pss_mib"])
    record = {"bench": "invitations", "database": "sqlite", "command": command_line(),
              "machine": machine(), "tevreden": tevreden, "reference": reference,
              "ratio": ratio, "targets": {"pss_mib": f"<= {TARGET_MIB}", "lost": "0"},
              "checks": {"lost": verdict(tevreden["mails"] == tevreden["accepted"] == ORDERS),
                         "pss": verdict(pss <= TARGET_MIB)}}
    save("invitations", record)
    print(json.dumps({"scheduled_per_second": tevreden["scheduled_per_second"],
                      "sent_per_second": tevreden["sent_per_second"],
                      "reference_sent_per_second": reference["sent_per_second"],
                      "ratio": ratio, "pss_mib": pss, "checks": record["checks"]}))


if __name__ == "__main__":
    main()
