"""Fixtures: an app on a fresh database (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import os
import secrets
import tempfile
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from server import db as database
from server.app import create_app
from server.models import MODELS, ApiToken, Owner, Site, Survey

PG_URL = os.environ.get("TEVREDEN_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])
TEST_KEY = "test-secret-key-" + "x" * 32


def pytest_report_header(config):
    return f"database backends: {', '.join(BACKENDS)}"


def pytest_configure(config):
    # CI sets this so that PostgreSQL and Redis tests can never be skipped quietly.
    if os.environ.get("TEVREDEN_TEST_REQUIRE_SERVICES"):
        missing = [name for name in ("TEVREDEN_TEST_DATABASE_URL", "TEVREDEN_TEST_REDIS_URL")
                   if not os.environ.get(name)]
        if missing:
            raise pytest.UsageError(f"TEVREDEN_TEST_REQUIRE_SERVICES is set but {missing} not")


@pytest.fixture(scope="session")
def pg_schema_url():
    """A fresh PostgreSQL schema for this test run, dropped at the end."""
    import psycopg

    schema = f"tevreden_test_{secrets.token_hex(4)}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    database.bind(database.open_database(url))
    database.migrate()
    yield url
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/tevreden.db"
    url = request.getfixturevalue("pg_schema_url")
    database.bind(database.open_database(url))
    with database.connection():
        tables = ", ".join(m._meta.table_name for m in MODELS)
        database.db.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    return url


def queue_beside(database_url: str) -> str:
    """The queue's SQLite file next to a test's SQLite database, or in a shared temp dir."""
    if database_url.startswith("sqlite:///"):
        return database_url.rsplit("/", 1)[0] + "/queue.db"
    return f"sqlite:///{tempfile.gettempdir()}/tevreden-test-queue-{os.getpid()}.db"


def settings_for(database_url: str, **overrides) -> dict:
    return {
        "DATABASE_URL": database_url,
        "QUEUE_URL": queue_beside(database_url),
        "SECRET_KEYS": [TEST_KEY],
        "BASE_URL": "http://tevreden.test",
        "RATELIMIT": None,
        "RATELIMIT_ENABLED": False,
        "TESTING": True,
        **overrides,
    }


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (and `g`), as in production, even though the
    fixture keeps one open for the test's own use of the models and signing."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("TEVREDEN_INSTANCE", str(tmp_path / "instance"))
    app = create_app(settings_for(database_url))
    app.test_client_class = FreshContextClient
    database.migrate()
    with app.app_context():
        database.db.connect(reuse_if_open=True)
        yield app
        if not database.db.is_closed():
            database.db.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Factory:
    """Short ways to make owners, sites, surveys and tokens in tests."""

    def owner(self, email: str | None = None, password: str = "correct horse battery") -> Owner:
        owner = Owner(email=email or f"owner-{secrets.token_hex(3)}@example.nl")
        owner.set_password(password)
        owner.save()
        return owner

    def site(self, owner: Owner | None = None, **fields) -> Site:
        fields.setdefault("name", "Bakkerij de Vries")
        fields.setdefault("origins", ["https://shop.example.nl"])
        return Site.create(owner=owner or self.owner(), **fields)

    def survey(self, site: Site | None = None, **fields) -> Survey:
        fields.setdefault("metric", "nps")
        fields.setdefault("touchpoints", ["checkout", "klantenservice"])
        return Survey.create_for(site or self.site(), **fields)

    def token(self, site: Site, scope: str = "read") -> str:
        return ApiToken.issue(site, scope=scope, name="test")[1]


@pytest.fixture
def make(app) -> Factory:
    return Factory()
