"""Reliability fixtures: databases for live servers, and a view of what they stored."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from server import db as database
from server.models import Owner, Response, Site, Survey, UsedToken

PG_URL = os.environ.get("TEVREDEN_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEVREDEN_TEST_REDIS_URL")
BACKENDS = ["sqlite", "postgres"]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.slow)


def require(variable: str) -> None:
    """Skip without the service, except in CI, where a missing service is a failure."""
    if os.environ.get(variable):
        return
    message = f"{variable} is not set"
    if os.environ.get("TEVREDEN_TEST_REQUIRE_SERVICES"):
        pytest.fail(message + " (TEVREDEN_TEST_REQUIRE_SERVICES is set)")
    pytest.skip(message)


@contextlib.contextmanager
def pg_schema() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema (as a database URL), dropped afterwards."""
    require("TEVREDEN_TEST_DATABASE_URL")
    import psycopg

    schema = f"tevreden_rel_{secrets.token_hex(4)}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def pg_url() -> Iterator[str]:
    with pg_schema() as url:
        yield url


@pytest.fixture
def redis_url() -> str:
    require("TEVREDEN_TEST_REDIS_URL")
    return REDIS_URL


@pytest.fixture(params=BACKENDS)
def backend_url(request, tmp_path) -> str:
    """SQLite always; PostgreSQL when TEVREDEN_TEST_DATABASE_URL is set (required in CI)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/live.db"
    return request.getfixturevalue("pg_url")


@contextlib.contextmanager
def opened(url: str) -> Iterator[None]:
    """The test process's own connection to a live server's database."""
    database.bind(database.open_database(url))
    with database.connection():
        yield


def make_survey(url: str) -> str:
    """An owner, a site and an NPS survey with touchpoints, made in the live database."""
    with opened(url):
        owner = Owner(email=f"owner-{secrets.token_hex(4)}@example.nl")
        owner.set_password("correct horse battery")
        owner.save()
        site = Site.create(owner=owner, name="Bakkerij de Vries",
                           origins=["https://shop.example.nl"])
        return Survey.create_for(site, metric="nps",
                                 touchpoints=["checkout", "klantenservice"]).id


def stored_scores(url: str, survey: str) -> dict[int, int]:
    """Response id -> score, for every answer stored for the survey."""
    with opened(url):
        return dict(Response.select(Response.id, Response.score)
                    .where(Response.survey == survey).tuples())


def spent_tokens(url: str) -> int:
    """Form tokens spent: held by their answers, or recorded on their own."""
    with opened(url):
        held = Response.select().where(Response.token_id.is_null(False)).count()
        return held + UsedToken.select().count()
