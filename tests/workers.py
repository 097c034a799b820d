"""`tevreden worker` (the huey consumer) in a subprocess, on SQLite or Redis storage."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import TEST_KEY

REDIS_URL = os.environ.get("TEVREDEN_TEST_REDIS_URL")
QUEUES = ["sqlite"] + (["redis"] if REDIS_URL else [])
ROOT = Path(__file__).resolve().parents[1]


def queue_url_for(kind: str, directory: Path) -> str:
    return f"sqlite:///{directory}/queue.db" if kind == "sqlite" else REDIS_URL


def worker_env(database_url: str, queue_url: str, directory: Path, **extra: str) -> dict:
    return {**os.environ, "TEVREDEN_DATABASE_URL": database_url, "TEVREDEN_QUEUE_URL": queue_url,
            "TEVREDEN_SECRET_KEY": TEST_KEY, "TEVREDEN_BASE_URL": "http://tevreden.test",
            "TEVREDEN_INSTANCE": str(directory / "worker-instance"), **extra}


class Worker:
    """A running `tevreden worker`; stopped with SIGTERM (or killed) by the test."""

    def __init__(self, env: dict, log: Path, command: tuple[str, ...] = ("worker",)):
        self.log = log
        with log.open("w") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "server.cli", *command],
                                         env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                         start_new_session=True)

    def output(self) -> str:
        return self.log.read_text()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(15)


def eventually(check: Callable[[], object], worker: Worker | None = None,
               timeout: float = 60) -> object:
    """Poll `check` until it returns something true; fail with the worker's output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail("not true in time" + (f"; worker output:\n{worker.output()}" if worker else ""))
