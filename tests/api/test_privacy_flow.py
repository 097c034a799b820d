"""End to end: after a full widget flow, nothing about the visitor's browser is anywhere in
the database files — not the user agent, the address, the referring page, or a cookie."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from server import db as database
from server.models import MODELS, Response

AGENT = "Zeldzame-Agent/9.9 (Privacytest; Commodore 64) Gekko/19840101"
ADDRESS = "203.0.113.77"
REFERRER = "https://shop.example.nl/bestelling/98765?klant=jan"
COOKIE = "koekje-7f3a91c2"
# What must never be stored, as text; and the address in its four packed bytes too.
NEVER = [AGENT, "Zeldzame-Agent", "Gekko/19840101", ADDRESS, "bestelling/98765", "98765",
         "klant=jan", COOKIE, "127.0.0.1"]
NEVER_BYTES = [bytes([203, 0, 113, 77])]

HEADERS = {
    "User-Agent": AGENT,
    "X-Forwarded-For": ADDRESS,
    "Referer": REFERRER,
    "Origin": "https://shop.example.nl",
    "Cookie": f"tracking={COOKIE}",
}


def token_from(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def visit(client, path: str, **kwargs):
    response = client.open(path, headers={**HEADERS, **kwargs.pop("headers", {})},
                           environ_base={"REMOTE_ADDR": ADDRESS}, **kwargs)
    assert "Set-Cookie" not in response.headers, (path, response.headers)
    return response


def full_widget_flow(client, survey) -> Response:
    """The no-JavaScript form flow: page, score, then comment + consent + contact."""
    page = visit(client, f"/w/{survey.id}?touchpoint=checkout&origin=https://shop.example.nl")
    assert page.status_code == 200
    scored = visit(client, f"/w/{survey.id}/responses", method="POST",
                   data={"token": token_from(page.get_data(as_text=True)), "score": "9",
                         "touchpoint": "checkout"})
    assert scored.status_code == 303, scored.get_data(as_text=True)
    details = urlsplit(scored.headers["Location"]).path
    second_step = visit(client, details)
    assert second_step.status_code == 200
    consent_box = re.search(r'<input[^>]*name="consent"[^>]*>', second_step.get_data(as_text=True))
    assert consent_box and "checked" not in consent_box.group(0)  # explicit, never pre-ticked
    finished = visit(client, details, method="POST",
                     data={"comment": "Snel geleverd, prima!", "consent": "yes",
                           "contact": "klant@example.nl"})
    assert finished.status_code == 200, finished.get_data(as_text=True)
    return Response.get(Response.contact == "klant@example.nl")


def json_flow(client, survey) -> int:
    """The htmx/JSON way: everything in one post."""
    page = visit(client, f"/w/{survey.id}?lang=en")
    created = visit(client, f"/w/{survey.id}/responses", method="POST",
                    json={"token": token_from(page.get_data(as_text=True)), "score": 3,
                          "comment": "Te traag", "consent": True,
                          "contact": "ander@example.nl", "segment": "zakelijk"},
                    headers={"Accept": "application/json"})
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.get_json()["id"]


@pytest.fixture
def survey(make):
    site = make.site(name="Webwinkel Privacy", origins=["https://shop.example.nl"],
                     contact_email="privacy@webwinkel.nl")
    return make.survey(site, consent_mode="optional", touchpoints=["checkout"])


def sqlite_bytes(database_url: str) -> bytes:
    """Every byte SQLite keeps: the main file, and the WAL with not-yet-checkpointed pages."""
    main = Path(database_url[len("sqlite:///"):])
    files = [main, main.with_name(main.name + "-wal"), main.with_name(main.name + "-shm"),
             main.with_name(main.name + "-journal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


def postgres_text() -> bytes:
    """Every row of every table in the test schema, as text."""
    rows = []
    for model in MODELS:
        table = model._meta.table_name
        cursor = database.db.execute_sql(f'SELECT row_to_json(t)::text FROM "{table}" t')
        rows.extend(row[0] for row in cursor.fetchall())
    return "\n".join(rows).encode()


def stored_bytes(app) -> bytes:
    url = app.config["DATABASE_URL"]
    return sqlite_bytes(url) if url.startswith("sqlite") else postgres_text()


def test_nothing_about_the_browser_is_stored(app, client, survey, caplog, capsys):
    with caplog.at_level(logging.DEBUG):
        answer = full_widget_flow(client, survey)
        other = json_flow(client, survey)
    # The answers themselves are there, with consent recorded as the survey asked it.
    assert (answer.score, answer.comment, answer.touchpoint) == (9, "Snel geleverd, prima!",
                                                                 "checkout")
    assert answer.consent_version == survey.consent_version and answer.consent_at
    assert Response.get_by_id(other).segment == "zakelijk"
    database.db.connect(reuse_if_open=True)
    stored = stored_bytes(app)
    assert b"klant@example.nl" in stored and b"Snel geleverd" in stored  # we read the data
    for text in NEVER:
        assert text.encode() not in stored, f"{text!r} was stored"
    for packed in NEVER_BYTES:
        assert packed not in stored, "the address was stored in binary form"
    logged = caplog.text + capsys.readouterr().err
    for text in (AGENT, ADDRESS, "98765", "klant=jan", COOKIE):
        assert text not in logged, f"{text!r} was logged"


def test_the_widget_links_to_the_notice_of_its_survey(client, survey):
    html = visit(client, f"/w/{survey.id}").get_data(as_text=True)
    assert f"/privacy/{survey.id}" in html


def wait_for_line(live, text: str, timeout: float = 5.0) -> str:
    """The server's output once it contains `text` (gunicorn logs just after answering)."""
    import time

    deadline = time.monotonic() + timeout
    while text not in (log := live.output()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return log


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A real gunicorn (real sockets, real access log) on its own SQLite file."""
    from tests.browser.conftest import start_server, stop_server

    server = start_server(tmp_path_factory.mktemp("privacy-live"))
    yield server
    stop_server(server)


def live_request(url: str, data: dict | None = None) -> tuple[int, dict, str]:
    """One request with the tell-tale headers, redirects not followed."""
    import urllib.error
    import urllib.parse
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=HEADERS)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_nothing_about_the_browser_is_stored_or_logged_by_the_live_server(live):
    from server.models import Owner, Site, Survey

    database.bind(database.open_database(live.database_url))
    with database.connection():
        owner = Owner.create(email="live-privacy@example.nl", password_hash="-")
        site = Site.create(owner=owner, name="Live Winkel", origins=["https://shop.example.nl"])
        survey = Survey.create_for(site, metric="nps", consent_mode="optional",
                                   touchpoints=["checkout"])
    status, _, page = live_request(f"{live.url}/w/{survey.id}?touchpoint=checkout")
    assert status == 200
    status, headers, _ = live_request(f"{live.url}/w/{survey.id}/responses",
                                      {"token": token_from(page), "score": "10",
                                       "touchpoint": "checkout"})
    assert status == 303 and "Set-Cookie" not in headers
    details = urlsplit(headers["Location"]).path
    status, headers, _ = live_request(f"{live.url}{details}",
                                      {"comment": "Heel tevreden", "consent": "yes",
                                       "contact": "live@example.nl"})
    assert status == 200 and "Set-Cookie" not in headers
    with database.connection():
        assert Response.get(Response.contact == "live@example.nl").comment == "Heel tevreden"
        stored = sqlite_bytes(live.database_url)
    assert b"live@example.nl" in stored
    for text in NEVER:
        assert text.encode() not in stored, f"{text!r} was stored"
    log = wait_for_line(live, headers["X-Request-Id"])
    assert f'"POST /w/{survey.id}/responses/[receipt] ' in log  # the receipt is not logged
    for text in (AGENT, ADDRESS, "98765", "klant=jan", COOKIE, "live@example.nl",
                 details.rsplit("/", 1)[-1]):
        assert text not in log, f"{text!r} was logged"
