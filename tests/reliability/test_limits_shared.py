"""Rate limits hold for the whole server: `tevreden serve --workers 2` with the default
storage lets 20 answers a minute through from one address, not 20 per worker."""

from __future__ import annotations

import http.client
import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest

from tests.helpers import assert_error

from .conftest import make_survey
from .live import TOKEN, instance


@dataclass
class Reply:
    """What one request on a connection of its own got back (what assert_error reads)."""

    status_code: int
    headers: dict
    body: bytes

    @property
    def mimetype(self) -> str:
        return self.headers.get("content-type", "").split(";")[0]

    def get_json(self):
        return json.loads(self.body)

    def get_data(self, as_text: bool = False):
        return self.body.decode() if as_text else self.body


def fresh(base: str, method: str, path: str, body: bytes | None = None,
          headers: dict | None = None) -> Reply:
    """A new connection per request, closed after it, so requests land on either worker."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Connection": "close", **(headers or {})})
        response = conn.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                     response.read())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Two workers, limits on as configured by default: memory:// storage."""
    directory = tmp_path_factory.mktemp("limits")
    url = f"sqlite:///{directory}/live.db"
    live = instance(directory, url, workers=2, TEVREDEN_RATELIMIT="20/minute").start()
    try:
        yield live, url
    finally:
        live.stop()


def assert_refused(reply: Reply) -> None:
    error = assert_error(reply, 429, "rate_limited")
    assert 1 <= int(reply.headers["retry-after"]) <= 60, reply.headers
    assert "try again" in error["message"]


def test_the_21st_answer_of_a_minute_is_refused_whichever_worker_takes_it(server):
    live, url = server
    survey = make_survey(url)
    replies = []
    for score in range(30):
        page = fresh(live.url, "GET", f"/w/{survey}", headers={"Accept": "text/html"})
        token = TOKEN.search(page.get_data(as_text=True)).group(1)
        body = json.dumps({"token": token, "score": score % 11}).encode()
        replies.append(fresh(live.url, "POST", f"/w/{survey}/responses", body,
                             {"Content-Type": "application/json",
                              "Accept": "application/json"}))
    statuses = [reply.status_code for reply in replies]
    assert statuses == [201] * 20 + [429] * 10, (statuses, live.output()[-2000:])
    for reply in replies[20:]:
        assert_refused(reply)


def test_the_login_limit_holds_for_the_whole_server_too(server):
    live, _ = server
    page = fresh(live.url, "GET", "/dashboard/login", headers={"Accept": "text/html"})
    cookie = page.headers["set-cookie"].split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]
    form = urlencode({"email": "raden@example.nl", "password": "fout", "csrf_token": token})
    replies = [fresh(live.url, "POST", "/dashboard/login", form.encode(),
                     {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
                      "Accept": "application/json"})
               for _ in range(16)]
    statuses = [reply.status_code for reply in replies]
    assert statuses == [401] * 10 + [429] * 6, statuses
    for reply in replies[10:]:
        assert_refused(reply)
