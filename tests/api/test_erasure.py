"""Erased answers are gone from the disk too: after `forget`, a receipt's delete and `purge`,
no byte of the SQLite files (database, write-ahead log, shared memory) holds the comment or
the address; on PostgreSQL the erasure is followed by a VACUUM."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import sys
from urllib.parse import urlsplit

import pytest

from server import db as database
from server.cli import main
from server.models import Response, utcnow
from tests.api.test_privacy_flow import sqlite_bytes, token_from
from tests.conftest import BACKENDS, TEST_KEY

CONTACT = "wis-mij-7c1e@example.nl"
SECRET_COMMENT = "Geheimzinnige opmerking 4f9d2b over mijn bestelling"
KEPT_COMMENT = "Blijvende opmerking 88aa31"
TRACES = [CONTACT, "wis-mij-7c1e", SECRET_COMMENT, "Geheimzinnige", "4f9d2b"]


@pytest.fixture
def survey(make):
    site = make.site(name="Webwinkel Wissen", origins=["https://shop.example.nl"])
    return make.survey(site, consent_mode="optional", touchpoints=["checkout"])


@pytest.fixture
def tevreden(app, database_url, monkeypatch, capsys):
    """`tevreden ARGS --json` in-process on the test database; returns the printed object."""
    monkeypatch.setenv("TEVREDEN_DATABASE_URL", database_url)
    monkeypatch.setenv("TEVREDEN_SECRET_KEY", TEST_KEY)

    def run(*args: str) -> str:
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        with pytest.raises(SystemExit) as exit_info:
            main([*args, "--json"])
        out, err = capsys.readouterr()
        assert exit_info.value.code == 0, (out, err)
        database.bind(database.open_database(database_url))  # the CLI bound its own
        return out

    return run


def answer(client, survey, comment: str, contact: str | None = None) -> str:
    """An answer through the widget, as JSON; the path of its receipt."""
    page = client.get(f"/w/{survey.id}")
    body = {"token": token_from(page.get_data(as_text=True)), "score": 4, "comment": comment,
            "touchpoint": "checkout"}
    if contact:
        body.update(consent=True, contact=contact)
    created = client.post(f"/w/{survey.id}/responses", json=body,
                          headers={"Accept": "application/json"})
    assert created.status_code == 201, created.get_data(as_text=True)
    return urlsplit(created.get_json()["receipt"]).path


on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
on_postgres = pytest.mark.parametrize(
    "database_url", [name for name in BACKENDS if name == "postgres"], indirect=True)


@pytest.fixture
def running_server(app, database_url):
    """A connection held open, as a running server's workers hold theirs: SQLite then keeps
    its write-ahead log (the last connection to close would copy it in and delete it)."""
    connection = sqlite3.connect(database_url[len("sqlite:///"):])
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    yield
    connection.close()


def assert_erased_from_disk(database_url: str) -> None:
    stored = sqlite_bytes(database_url)
    assert KEPT_COMMENT.encode() in stored  # the files read are the ones in use
    for trace in TRACES:
        assert trace.encode() not in stored, trace


def assert_on_disk(database_url: str) -> None:
    stored = sqlite_bytes(database_url)
    assert SECRET_COMMENT.encode() in stored and CONTACT.encode() in stored


def with_others(client, survey) -> None:
    for number in range(20):
        answer(client, survey, f"{KEPT_COMMENT} nummer {number}", f"ander{number}@example.nl")


@on_sqlite
@pytest.mark.usefixtures("running_server")
def test_forget_leaves_no_trace_in_the_sqlite_files(client, survey, database_url, tevreden):
    with_others(client, survey)
    for _ in range(3):
        answer(client, survey, SECRET_COMMENT, CONTACT)
    with_others(client, survey)
    assert_on_disk(database_url)
    assert '"deleted": 3' in tevreden("forget", "--contact", CONTACT)
    assert_erased_from_disk(database_url)


@on_sqlite
@pytest.mark.usefixtures("running_server")
def test_a_receipts_delete_leaves_no_trace_in_the_sqlite_files(client, survey, database_url):
    with_others(client, survey)
    receipt = answer(client, survey, SECRET_COMMENT, CONTACT)
    assert_on_disk(database_url)
    deleted = client.delete(receipt, headers={"Accept": "application/json"})
    assert deleted.status_code == 200 and deleted.get_json() == {"deleted": 1}
    assert_erased_from_disk(database_url)


@on_sqlite
@pytest.mark.usefixtures("running_server")
def test_purge_leaves_no_trace_in_the_sqlite_files(client, survey, database_url, tevreden):
    with_others(client, survey)
    old = utcnow() - dt.timedelta(days=survey.retention_days + 1)
    for _ in range(3):
        Response.create(survey=survey, score=2, comment=SECRET_COMMENT, contact=CONTACT,
                        consent_at=old, consent_version=1, created_at=old)
    assert_on_disk(database_url)
    assert '"deleted": 3' in tevreden("purge")
    assert_erased_from_disk(database_url)


def last_vacuum(table: str) -> dt.datetime | None:
    database.db.execute_sql("SELECT pg_stat_clear_snapshot()")
    return database.db.execute_sql(
        "SELECT last_vacuum FROM pg_stat_user_tables "
        "WHERE relname = %s AND schemaname = current_schema()", (table,)).fetchone()[0]


@on_postgres
@pytest.mark.parametrize("command", ["forget", "purge"])
def test_forget_and_purge_vacuum_on_postgresql(client, survey, database_url, tevreden,
                                               command):
    old = utcnow() - dt.timedelta(days=survey.retention_days + 1)
    Response.create(survey=survey, score=2, comment=SECRET_COMMENT, contact=CONTACT,
                    consent_at=old, consent_version=1, created_at=old)
    before = last_vacuum("response")
    started = dt.datetime.now(dt.UTC)
    tevreden(*(["forget", "--contact", CONTACT] if command == "forget" else ["purge"]))
    after = last_vacuum("response")
    assert after is not None and after != before and after >= started
