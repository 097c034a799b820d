"""The database: a proxy bound at start-up, a connection per request, migrations."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from flask import Flask, request
from peewee import Database, DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect as connect_url
from playhouse.migrations import Runner

import migrations as migrations_package

db = DatabaseProxy()

MIGRATIONS_DIR = str(Path(migrations_package.__file__).parent)

# WAL lets readers and the writer work at once; NORMAL is durable in WAL mode
# except on power loss; the busy timeout lets concurrent workers queue for the lock.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "normal",
}


def open_database(url: str, **connect_params) -> Database:
    """A peewee database for a sqlite:/// or postgresql:// URL."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, **connect_params)
    url = url.replace("postgres://", "postgresql://", 1)
    return connect_url(url, **connect_params)


def bind(database: Database) -> None:
    """Point the proxy at a database, closing the connection of the one it replaces."""
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    db.initialize(database)


def is_sqlite() -> bool:
    return isinstance(db.obj, SqliteDatabase)


def is_postgres() -> bool:
    return isinstance(db.obj, PostgresqlDatabase)


def write_transaction():
    """A transaction that takes SQLite's write lock up front (no deadlocked upgrades)."""
    return db.atomic("IMMEDIATE") if is_sqlite() else db.atomic()


@contextlib.contextmanager
def connection() -> Iterator[None]:
    """Open a connection for a CLI command or a background job."""
    opened = db.connect(reuse_if_open=True)
    try:
        yield
    finally:
        if opened:
            db.close()


def migrate() -> list[str]:
    """Apply pending migrations; returns the names applied."""
    with connection():
        return Runner(db.obj, directory=MIGRATIONS_DIR).up()


def schema_version() -> str | None:
    """The name of the newest applied migration, or None on an empty database."""
    with connection():
        applied = Runner(db.obj, directory=MIGRATIONS_DIR).applied()
    return max(applied) if applied else None


def pending_migrations() -> list[str]:
    with connection():
        status = Runner(db.obj, directory=MIGRATIONS_DIR).status()
    return [m.name for m in status if m.path and not m.applied]


def init_app(app: Flask) -> None:
    bind(open_database(app.config["DATABASE_URL"]))

    @app.before_request
    def open_connection() -> None:
        # /healthz opens its own, so a database that is down answers 503, not 500.
        if request.endpoint != "healthz":
            db.connect(reuse_if_open=True)

    @app.teardown_request
    def close_connection(exc: BaseException | None) -> None:
        if not db.is_closed():
            db.close()

