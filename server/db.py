"""The database: a proxy bound at start-up, pooled connections for requests, migrations."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from flask import Flask
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
from playhouse.pool import PooledDatabase, PooledPostgresqlDatabase, PooledSqliteDatabase

import migrations as migrations_package

from .jobs.background import WorkerThread

db = DatabaseProxy()
log = logging.getLogger(__name__)

MIGRATIONS_DIR = str(Path(migrations_package.__file__).parent)

# WAL lets readers and the writer work at once; NORMAL is durable in WAL mode
# except on power loss; the busy timeout lets concurrent workers queue for the lock.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "normal",
    # Deleted and overwritten rows are zeroed in their pages, not only marked free (AVG erasure).
    "secure_delete": 1,
}
# A thread of each worker copies the write-ahead log into the database (WalCheckpointer), so
# no visitor's commit waits for the disk to copy it; SQLite's own 1,000-page automatic
# checkpoint stays as the ceiling should the thread fall behind.
CHECKPOINT_EVERY_SECONDS = 0.1


# A request that uses the database connects and closes, but closing returns the connection
# to a pool: no new PostgreSQL backend per request, and SQLite keeps its WAL files and PRAGMAs.
# gunicorn runs 4 threads per worker; the rest is headroom for background jobs and the
# CLI. A request waits up to 10 s for a free connection instead of failing at once.
POOL = {"max_connections": 16, "stale_timeout": 300, "timeout": 10}


def open_database(url: str, **connect_params) -> Database:
    """A pooled peewee database for a sqlite:/// or postgresql:// URL."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if not path or path == ":memory:":
            # Every pooled connection would be a separate, empty in-memory database.
            return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, **connect_params)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Pooled connections move between gunicorn's threads, one thread at a time.
        return PooledSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, check_same_thread=False,
                                    **{**POOL, **connect_params})
    url = url.replace("postgres://", "postgresql://", 1)
    if url.startswith("postgresql://"):
        return PooledPostgresqlDatabase(**{**parse_url(url), **POOL, **connect_params})
    return connect_url(url, **connect_params)


def bind(database: Database) -> None:
    """Point the proxy at a database, closing the connections of the one it replaces."""
    old = db.obj
    if old is not None and old is not database:
        if not old.is_closed():
            old.close()
        if isinstance(old, PooledDatabase):
            old.close_idle()
    db.initialize(database)


class WalCheckpointer(WorkerThread):
    """Copies SQLite's write-ahead log into the database from a thread of each worker.

    PASSIVE: it never waits for readers or writers, and a request never waits for it. Once
    every frame is copied, the next commit starts the log from its beginning again, so the
    file stays small.
    """

    name = "tevreden-checkpoint"

    def __init__(self, path: str, interval: float = CHECKPOINT_EVERY_SECONDS):
        super().__init__(interval)
        self.path = path
        self.conn: sqlite3.Connection | None = None

    def forked(self) -> None:
        self.conn = None  # the parent's connection is not this process's to use

    def step(self) -> tuple[int, int] | None:
        return self.checkpoint()

    def finished(self) -> None:
        self.close()

    def checkpoint(self) -> tuple[int, int] | None:
        """One PASSIVE checkpoint: (frames in the log, frames copied); None if it failed."""
        try:
            if self.conn is None:
                self.conn = sqlite3.connect(self.path, timeout=1, check_same_thread=False)
            _, frames, copied = self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            return frames, copied
        except sqlite3.Error as exc:  # the next round tries again; commits still cap the log
            log.warning("checkpoint of %s failed: %s", self.path, exc)
            self.close()
            return None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def is_postgres() -> bool:
    return isinstance(db.obj, PostgresqlDatabase)


def write_transaction() -> contextlib.AbstractContextManager:
    """A transaction; on SQLite it takes the write lock at its start (BEGIN IMMEDIATE), so
    two transactions never deadlock upgrading from reading to writing."""
    if isinstance(db.obj, SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()


def scrub_erased(*tables: str) -> None:
    """After an erasure, leave the erased rows readable nowhere the database can reach.

    SQLite (secure_delete on) zeroed them in its pages (the comment index is merged first so
    that it lets go of their words), but its write-ahead log still holds
    the pages as they were: a TRUNCATE checkpoint copies the log into the database and empties
    it, waiting for readers as long as the busy timeout. PostgreSQL: VACUUM of `tables` frees
    the dead rows' space in the tables and their indexes (README, "AVG"); it cannot run
    inside a transaction, and takes time, so callers name tables only off the visitor's path.
    """
    if db.in_transaction():
        return
    if isinstance(db.obj, SqliteDatabase):
        if db.table_exists("response_search"):
            # The comment index only marks erased words deleted; merging its segments drops
            # them, and secure_delete zeroes the pages they were on.
            db.execute_sql("INSERT INTO response_search(response_search) VALUES ('optimize')")
        busy, _, _ = db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            log.warning("the log could not be emptied after an erasure: a reader held it")
    elif tables and is_postgres():
        db.execute_sql("VACUUM " + ", ".join(f'"{table}"' for table in tables))


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
    if isinstance(db.obj, PooledSqliteDatabase) and app.config.get(
            "WAL_CHECKPOINTER", not app.testing):
        checkpointer = WalCheckpointer(db.obj.database)
        app.extensions["tevreden.checkpointer"] = checkpointer
        app.before_request(checkpointer.ensure_started)

    # A request connects with its first query (peewee's autoconnect) and gives the
    # connection back to the pool when it ends.
    @app.teardown_request
    def close_connection(exc: BaseException | None) -> None:
        if db.is_closed():
            return
        if isinstance(exc, (OperationalError, InterfaceError)) and isinstance(
                db.obj, PooledDatabase):
            db.obj.manual_close()  # a connection that failed may be broken: not pooled again
        else:
            db.close()
