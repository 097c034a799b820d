"""The database: a proxy bound at start-up, a pooled connection per request, migrations."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from flask import Flask, request
from peewee import (
    Database,
    DatabaseProxy,
    InterfaceError,
    OperationalError,
    PostgresqlDatabase,
    SqliteDatabase,
)
from playhouse.db_url import connect as connect_url
from playhouse.db_url import parse as parse_url
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

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


# Each request still connects and closes, but closing returns the connection to a pool:
# no new PostgreSQL backend per request, and SQLite keeps its WAL files and PRAGMAs.
# gunicorn runs 4 threads per worker; the rest is headroom for background jobs and the
# CLI. A request waits up to 10 s for a free connection instead of failing at once.
POOL = {"max_connections": 16, "stale_timeout": 300, "timeout": 10}


class PooledSqlite(PooledSqliteDatabase):
    """SQLite connections kept open between requests, used by whichever thread takes one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pid = os.getpid()


class PooledPostgresql(PooledPostgresqlDatabase):
    """PostgreSQL connections kept open between requests; dead ones are replaced."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pid = os.getpid()

    def _is_closed(self, conn) -> bool:
        # A restarted server leaves every pooled connection looking idle but dead: ask it
        # (one round trip) before handing it out, so no request fails on a stale one.
        if super()._is_closed(conn):
            return True
        try:
            conn.cursor().execute("SELECT 1")
        except Exception:
            return True
        return False


def open_database(url: str, **connect_params) -> Database:
    """A pooled peewee database for a sqlite:/// or postgresql:// URL."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if not path or path == ":memory:":
            # Every pooled connection would be a separate, empty in-memory database.
            return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, **connect_params)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Pooled connections move between gunicorn's threads, one thread at a time.
        return PooledSqlite(path, pragmas=SQLITE_PRAGMAS, check_same_thread=False,
                            **{**POOL, **connect_params})
    url = url.replace("postgres://", "postgresql://", 1)
    if url.startswith("postgresql://"):
        return PooledPostgresql(**{**parse_url(url), **POOL, **connect_params})
    return connect_url(url, **connect_params)


def bind(database: Database) -> None:
    """Point the proxy at a database, closing the connections of the one it replaces."""
    old = db.obj
    if old is not None:
        if not old.is_closed():
            old.close()
        # Idle pooled connections of this process (never a parent's, after a fork).
        if getattr(old, "pid", None) == os.getpid() and old is not database:
            old.close_idle()
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
        if db.is_closed():
            return
        if isinstance(exc, (OperationalError, InterfaceError)) and hasattr(db.obj, "manual_close"):
            # A connection that failed may be broken: drop it rather than pool it.
            db.obj.manual_close()
        else:
            db.close()  # back to the pool
