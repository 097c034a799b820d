"""A live `tevreden serve` in its own process group, and visitors that load it over loopback."""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.browser.conftest import free_port, wait_for_server

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'name="token" value="([^"]+)"')


@dataclass
class Instance:
    """One server: gunicorn master and workers share a process group, so a crash kills all."""

    url: str
    env: dict
    log: Path
    workers: int
    proc: subprocess.Popen | None = None

    def start(self) -> Instance:
        port = urlsplit(self.url).port
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "server.cli", "serve", "--port", str(port),
                 "--workers", str(self.workers)],
                env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                start_new_session=True,
            )
        wait_for_server(f"{self.url}/healthz", self.proc, self.log)
        return self

    def crash(self) -> None:
        """SIGKILL the master and every worker at once: no handler, no flush, no goodbye."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def output(self) -> str:
        return self.log.read_text()


def instance(directory: Path, database_url: str, secret_key: str | None = None,
             workers: int = 2, **env) -> Instance:
    """A migrated, not yet started server on a free loopback port."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = {
        **os.environ,
        "TEVREDEN_DATABASE_URL": database_url,
        "TEVREDEN_SECRET_KEY": secret_key or "reliability-key-" + secrets.token_hex(16),
        "TEVREDEN_BASE_URL": url,
        "TEVREDEN_RATELIMIT": "off",
        "TEVREDEN_INSTANCE": str(directory / "instance"),
        **env,
    }
    subprocess.run([sys.executable, "-m", "server.cli", "migrate"], env=settings, check=True,
                   capture_output=True, cwd=ROOT)
    return Instance(url, settings, directory / f"server-{port}.log", workers)


# ---------------------------------------------------------------- visitors

@dataclass
class Answer:
    """What one POST got back: the status, and the id and receipt when it was a 201."""

    status: int
    body: dict | str
    score: int
    token: str

    @property
    def id(self) -> int | None:
        return self.body.get("id") if isinstance(self.body, dict) else None


class Visitor:
    """One browser-like client with a kept-alive connection per server."""

    def __init__(self, timeout: float = 30):
        self.timeout = timeout
        self.connections: dict[str, http.client.HTTPConnection] = {}

    def _connection(self, base: str) -> http.client.HTTPConnection:
        if base not in self.connections:
            parts = urlsplit(base)
            self.connections[base] = http.client.HTTPConnection(parts.hostname, parts.port,
                                                                timeout=self.timeout)
        return self.connections[base]

    def request(self, base: str, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        conn = self._connection(base)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        except (ConnectionError, http.client.HTTPException, OSError):
            conn.close()
            self.connections.pop(base, None)
            raise

    def token(self, base: str, survey: str) -> str:
        """A fresh single-use token from the widget page."""
        status, body = self.request(base, "GET", f"/w/{survey}",
                                    headers={"Accept": "text/html"})
        if status != 200:
            raise AssertionError(f"GET /w/{survey} answered {status}: {body[:300]!r}")
        match = TOKEN.search(body.decode())
        if match is None:
            raise AssertionError(f"no token in the widget page: {body[:300]!r}")
        return match.group(1)

    def answer(self, base: str, survey: str, token: str, score: int,
               touchpoint: str = "checkout") -> Answer:
        payload = json.dumps({"token": token, "score": score, "touchpoint": touchpoint})
        status, body = self.request(
            base, "POST", f"/w/{survey}/responses", payload.encode(),
            {"Content-Type": "application/json", "Accept": "application/json"})
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = body.decode(errors="replace")
        return Answer(status, parsed, score, token)

    def close(self) -> None:
        for conn in self.connections.values():
            conn.close()
        self.connections.clear()


@dataclass
class Load:
    """The outcome of many visitors answering at once."""

    answers: list[Answer] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)

    @property
    def acknowledged(self) -> list[Answer]:
        return [a for a in self.answers if a.status == 201]

    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for answer in self.answers:
            counts[answer.status] = counts.get(answer.status, 0) + 1
        return counts


def run_load(plan: list[tuple[str, str]], survey: str, flows: int,
             stop: threading.Event | None = None, deadline: float = 120,
             load: Load | None = None) -> Load:
    """One thread per (page server, post server) pair in `plan`, `flows` answers each.

    A thread ends early when `stop` is set or its server stops answering (a crash). Pass
    `load` to watch the answers come in from another thread.
    """
    load = load if load is not None else Load()
    stop = stop or threading.Event()
    give_up = time.monotonic() + deadline

    def visitor(number: int, page_base: str, post_base: str) -> None:
        client = Visitor()
        try:
            for flow in range(flows):
                if stop.is_set() or time.monotonic() > give_up:
                    return
                token = client.token(page_base, survey)
                load.add(client.answer(post_base, survey, token, (number + flow) % 11))
        except (ConnectionError, http.client.HTTPException, OSError, AssertionError) as exc:
            load.fail(f"visitor {number}: {type(exc).__name__}: {exc}")
        finally:
            client.close()

    threads = [threading.Thread(target=visitor, args=(number, page, post), daemon=True)
               for number, (page, post) in enumerate(plan)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(give_up - time.monotonic(), 0) + 30)
    return load
