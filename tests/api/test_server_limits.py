"""`tevreden serve`: what a browser or client sends reaches the application; what gunicorn
refuses before it (too long, too large, not HTTP) is answered in the one error shape too."""

from __future__ import annotations

import json
import socket

import pytest

from server.errors import error_body


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from tests.browser.conftest import start_server, stop_server

    server = start_server(tmp_path_factory.mktemp("limits"))
    yield server
    stop_server(server)


class Answer:
    """A raw HTTP response: status, headers (lower-case names) and the body."""

    def __init__(self, raw: bytes):
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {name.lower(): value.strip() for name, _, value in
                        (line.partition(":") for line in lines[1:])}

    def error(self) -> dict:
        """The error of a response in the one shape (as tests/helpers.py checks it)."""
        assert self.headers["content-type"].startswith("application/json"), self.headers
        body = json.loads(self.body)
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
        assert body["error"]["message"] and body["error"]["fields"] == {}
        return body["error"]


def send(live, request: bytes) -> Answer:
    """One request on its own connection, read until the server closes it."""
    port = int(live.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(request)
        chunks = []
        while chunk := raw.recv(65536):
            chunks.append(chunk)
    return Answer(b"".join(chunks))


def get_line(path: str, *headers: str) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: tevreden.test", "Accept: application/json",
             "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def get(live, path: str, *headers: str) -> Answer:
    return send(live, get_line(path, *headers))


def test_long_addresses_and_large_headers_that_clients_send_reach_the_application(live):
    # An 8 KB address (a long invitation or filter) and a 12 KB cookie of a parent domain.
    answer = get(live, "/api/v1/surveys?x=" + "a" * 8000, "Cookie: shop=" + "c" * 12_000,
                 *(f"X-Extra-{n}: {n}" for n in range(80)))
    assert answer.status == 401 and answer.error()["code"] == "unauthorized"
    page = get(live, "/w/none?lang=" + "a" * 8000)
    assert page.status == 404


@pytest.mark.parametrize(("request_", "status", "code"), [
    (get_line("/api/v1/surveys?x=" + "a" * 9000), 414, "uri_too_long"),
    (get_line("/w/x?" + "a" * 20_000), 414, "uri_too_long"),
    (get_line("/api/v1/surveys", "Cookie: " + "c" * 20_000), 431, "headers_too_large"),
    (get_line("/api/v1/surveys", *(f"X-{n}: {n}" for n in range(150))), 431,
     "headers_too_large"),
    (get_line("/api/v1/surveys", "Bad Header: x"), 400, "bad_request"),
    (get_line("/api/v1/surveys", "X-Bad: a\x00b"), 400, "bad_request"),
    (get_line("/api/v1/surveys", "X-Folded: a", " folded"), 400, "bad_request"),
    (b"THIS IS NOT HTTP\r\n\r\n", 400, "bad_request"),
    (b"GET /api/v1/surveys HTTP/9.9\r\nHost: x\r\n\r\n", 400, "bad_request"),
], ids=["line-api", "line-widget", "header-size", "header-count", "header-name", "header-nul",
        "header-folding", "not-http", "http-version"])
def test_what_gunicorn_refuses_is_answered_in_the_error_shape(live, request_, status, code):
    answer = send(live, request_)
    assert answer.status == status, answer.body[:300]
    error = answer.error()
    assert error["code"] == code
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert int(answer.headers["content-length"]) == len(answer.body)
    assert error == error_body(status, error["message"], code)["error"]
    assert b"<html" not in answer.body


def test_the_server_keeps_answering_after_refusals(live):
    for _ in range(3):
        send(live, get_line("/x?" + "a" * 9000))
    assert get(live, "/healthz").status == 200
