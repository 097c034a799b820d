"""`make run PORT=…`: the demo shop shows the widget on that port, on a new database and on one
that `make run` set up before on another port."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from tests.browser.conftest import free_port, wait_for_server
from tests.browser.test_widget import shown_frame

ROOT = Path(__file__).resolve().parents[2]


def make_run(directory: Path, port: int) -> subprocess.Popen:
    """`make run PORT=port` on a database of its own; the .venv is taken as it is (-o)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("TEVREDEN_") or key.startswith("TEVREDEN_TEST_")}
    env.update(TEVREDEN_DATABASE_URL=f"sqlite:///{directory}/run.db",
               TEVREDEN_INSTANCE=str(directory / "instance"), TEVREDEN_RATELIMIT="off")
    log = directory / f"make-run-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(["make", "-o", ".venv/bin/tevreden", "run", f"PORT={port}"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    wait_for_server(f"http://127.0.0.1:{port}/healthz", proc, log, timeout=60)
    return proc


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


def test_the_demo_follows_the_port_also_on_an_existing_database(page, tmp_path):
    for port in (free_port(), free_port()):
        proc = make_run(tmp_path, port)
        try:
            page.goto(f"http://127.0.0.1:{port}/demo")
            _, widget = shown_frame(page)
            widget.get_by_role("radio", name="9").click()
            assert f"127.0.0.1:{port}" in (tmp_path / f"make-run-{port}.log").read_text()
        finally:
            stop(proc)
