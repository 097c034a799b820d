"""Logs carry a request id, never a client address or a query string (it can hold tokens)."""

from __future__ import annotations

import re
import socket
import urllib.request
import uuid

import pytest

from server import db as database
from server.app import create_app
from server.logging import redact
from tests.conftest import settings_for

VISITOR = "203.0.113.77"
AGENT = "Zeldzame-Agent/9.9 (logtest)"
REFERRER = "https://shop.example.nl/bestelling/98765?klant=jan"


def test_every_response_carries_a_new_request_id(client):
    first = client.get("/healthz").headers["X-Request-Id"]
    second = client.get("/healthz").headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_a_valid_incoming_request_id_is_kept(client):
    given = "nginx-" + uuid.uuid4().hex
    assert client.get("/healthz", headers={"X-Request-Id": given}).headers[
        "X-Request-Id"] == given


@pytest.mark.parametrize("offered", [VISITOR, "has spaces in it", "x" * 200, "short",
                                     "jan@example.nl", "a/b?c=d"])
def test_an_unfit_request_id_is_replaced(client, offered):
    answered = client.get("/healthz", headers={"X-Request-Id": offered}).headers["X-Request-Id"]
    assert answered != offered and re.fullmatch(r"[0-9a-f]{32}", answered)


@pytest.mark.parametrize(("line", "expected"), [
    ("Invalid request from ip=203.0.113.77: bad", "Invalid request from ip=[address] bad"),
    ("peer 2001:db8::7 closed", "peer [address] closed"),
    ("upstream 10.1.2.3:5432 refused", "upstream [address] refused"),
    ("GET /w/abc?score=3&invite=tok HTTP/1.1", "GET /w/abc?[query] HTTP/1.1"),
    ("GET /r/eyJyZXNwb25zZSI6MX0.ZxY.abc/delete", "GET /r/[receipt]/delete"),
    ("POST /w/s1/responses/eyJyIjoxfQ.ZxY.abc", "POST /w/s1/responses/[receipt]"),
    ("POST /w/s1/responses HTTP/1.1", "POST /w/s1/responses HTTP/1.1"),
    ("purge at 12:30:45, version 1.2.3", "purge at 12:30:45, version 1.2.3"),
])
def test_redaction(line, expected):
    assert redact(line) == expected


def test_application_log_lines_carry_the_request_id_and_no_address(tmp_path, monkeypatch,
                                                                   capsys):
    monkeypatch.setenv("TEVREDEN_INSTANCE", str(tmp_path / "instance"))
    if database.db.obj is not None:
        database.db.close()
    app = create_app(settings_for(f"sqlite:///{tmp_path}/log.db", TESTING=False,
                                  HOUSEKEEPING=False, PROPAGATE_EXCEPTIONS=False))

    @app.get("/explode")
    def explode():
        app.logger.warning("about to fail for %s on /w/x?token=secret", VISITOR)
        raise RuntimeError(f"client {VISITOR} sent /w/x?token=secret")

    capsys.readouterr()
    response = app.test_client().get("/explode?token=secret",
                                     headers={"X-Forwarded-For": VISITOR})
    assert response.status_code == 500
    err = capsys.readouterr().err
    rid = response.headers["X-Request-Id"]
    assert f"rid={rid}" in err and "unhandled error" in err and "RuntimeError" in err
    assert VISITOR not in err and "token=secret" not in err


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from tests.browser.conftest import start_server, stop_server

    server = start_server(tmp_path_factory.mktemp("logging"))
    yield server
    stop_server(server)


def fetch(url: str, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def access_lines(log: str, marker: str) -> list[str]:
    return [line for line in log.splitlines() if marker in line and '"GET ' in line]


def test_the_access_log_has_no_address_no_query_string_but_a_request_id(live):
    given = "probe-" + uuid.uuid4().hex
    status, headers = fetch(
        f"{live.url}/healthz?invite=geheim-token&email=jan%40example.nl",
        {"X-Forwarded-For": VISITOR, "User-Agent": AGENT, "Referer": REFERRER,
         "X-Request-Id": given},
    )
    assert status == 200 and headers["X-Request-Id"] == given
    status, headers = fetch(f"{live.url}/healthz?second=1", {"User-Agent": AGENT})
    generated = headers["X-Request-Id"]
    wait_for_line(live, f"rid={given}")  # workers may write their lines in any order
    log = wait_for_line(live, generated)
    lines = access_lines(log, "/healthz")
    assert len(lines) >= 2, log
    assert any(f"rid={given}" in line for line in lines)
    assert any(f"rid={generated}" in line for line in lines)
    for line in lines:
        assert "127.0.0.1" not in line and "?" not in line
    for secret in (VISITOR, "geheim-token", "jan@example.nl", "jan%40example.nl", AGENT,
                   "Zeldzame", "bestelling", "klant=jan"):
        assert secret not in log


def test_receipt_links_are_not_logged(live):
    token = "eyJyZXNwb25zZSI6NDF9.aBcD.receipt-signature"
    _, first = fetch(f"{live.url}/no-such-page/responses/{token}", {})  # a 404, whatever exists
    status, headers = fetch(f"{live.url}/r/{token}/delete", {})
    wait_for_line(live, first["X-Request-Id"])  # workers may write their lines in any order
    log = wait_for_line(live, headers["X-Request-Id"])
    assert token not in log
    assert '"GET /r/[receipt]/delete ' in log
    assert '"GET /no-such-page/responses/[receipt] ' in log


def test_gunicorns_own_errors_name_no_address(live):
    port = int(live.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        raw.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        raw.recv(1024)
    status, headers = fetch(f"{live.url}/healthz", {})
    log = wait_for_line(live, headers["X-Request-Id"])
    invalid = [line for line in log.splitlines() if "Invalid request" in line]
    assert invalid and all("127.0.0.1" not in line for line in invalid), invalid


def wait_for_line(live, text: str, timeout: float = 5.0) -> str:
    """The server's output once it contains `text` (log lines are flushed per line)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        log = live.output()
        if text in log or time.monotonic() > deadline:
            return log
        time.sleep(0.05)


def test_personal_atoms_are_blank_whatever_format_is_configured():
    """Even an operator's own access_log_format cannot put a visitor back in the log."""
    import datetime as dt
    from types import SimpleNamespace

    from gunicorn.config import Config

    from server.serve import PrivateLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = PrivateLogger(cfg)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/r/tok.en.sig?x=1", "PATH_INFO": "/r/tok",
               "QUERY_STRING": "x=1", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": VISITOR,
               "HTTP_USER_AGENT": AGENT, "HTTP_REFERER": REFERRER}
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", VISITOR), ("USER-AGENT", AGENT)])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[("X-Request-Id", "rid-1")])
    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=5))
    line = " ".join(str(value) for value in atoms.values())
    for secret in (VISITOR, AGENT, "bestelling", "x=1", "tok"):
        assert secret not in line
    assert atoms["U"] == "/r/[receipt]" and atoms["{x-request-id}o"] == "rid-1"
