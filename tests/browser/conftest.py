"""Browser fixtures: a live gunicorn in a subprocess, a host site on another origin, Chromium."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from server import db as database

SYSTEM_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(url: str, proc: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    """Poll until the URL answers; on failure show what the server printed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    proc.kill()
    pytest.fail(f"server did not start at {url}; its output:\n{log.read_text()}")


@dataclass
class LiveServer:
    url: str
    database_url: str
    env: dict
    proc: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text()


def start_server(directory: Path, env_overrides: dict | None = None,
                 workers: int = 1) -> LiveServer:
    """`tevreden serve` (gunicorn) in a subprocess on a free port, migrated first."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database_url = f"sqlite:///{directory}/live.db"
    env = {
        **os.environ,
        "TEVREDEN_DATABASE_URL": database_url,
        "TEVREDEN_SECRET_KEY": "live-server-key-" + secrets.token_hex(16),
        "TEVREDEN_BASE_URL": url,
        "TEVREDEN_RATELIMIT": "off",
        "TEVREDEN_INSTANCE": str(directory / "instance"),
        **(env_overrides or {}),
    }
    command = [sys.executable, "-m", "server.cli"]
    subprocess.run([*command, "migrate"], env=env, check=True, capture_output=True)
    log = directory / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*command, "serve", "--port", str(port), "--workers", str(workers)],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    wait_for_server(f"{url}/healthz", proc, log)
    return LiveServer(url, env["TEVREDEN_DATABASE_URL"], env, proc, log)


def stop_server(server: LiveServer) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One gunicorn for the browser tests; the test process shares its SQLite database."""
    server = start_server(tmp_path_factory.mktemp("live"))
    database.bind(database.open_database(server.database_url))
    yield server
    stop_server(server)


@pytest.fixture
def live_db(live_server):
    """A connection from the test process to the live server's database (to arrange data)."""
    database.bind(database.open_database(live_server.database_url))
    with database.connection():
        yield database.db


@dataclass
class HostSite:
    """A web site on another origin (another port) whose pages tests write."""

    url: str
    pages: dict[str, str] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def page(self, path: str, html: str) -> str:
        self.pages[path] = html
        return self.url + path


@pytest.fixture(scope="session")
def host_site():
    port = free_port()
    site = HostSite(f"http://127.0.0.1:{port}")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            site.requests.append(self.path)
            body = site.pages.get(self.path.split("?")[0])
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((body or "not found").encode())

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield site
    httpd.shutdown()
    httpd.server_close()


def launch_options() -> dict:
    """System Chromium when there is one (no downloads here), else Playwright's own."""
    options = {"args": CHROMIUM_ARGS}
    if os.path.exists(SYSTEM_CHROMIUM) and not os.environ.get("TEVREDEN_PLAYWRIGHT_BUNDLED"):
        options["executable_path"] = SYSTEM_CHROMIUM
    elif shutil.which("chromium") and not os.environ.get("TEVREDEN_PLAYWRIGHT_BUNDLED"):
        options["executable_path"] = shutil.which("chromium")
    return options


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="nl-NL")
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page
