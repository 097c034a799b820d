"""The database: a proxy bound at start-up, pooled connections for requests, migrations."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import sqlite3
import threading
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

from .background import WorkerThread

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
}
# A server copies the write-ahead log into the database from a background thread every
# tenth of a second (WalCheckpointer), instead of in the commit that fills 1,000 pages of
# log: that commit waits for the disk, and it made 1 % of answers take 2/3 of all commit
# time (up to 13 ms each). The 1,000 pages stay as the ceiling should the thread fall behind.
CHECKPOINT_EVERY_SECONDS = 0.1


# A request that uses the database connects and closes, but closing returns the connection
# to a pool: no new PostgreSQL backend per request, and SQLite keeps its WAL files and PRAGMAs.
# gunicorn runs 4 threads per worker; the rest is headroom for background jobs and the
# CLI. A request waits up to 10 s for a free connection instead of failing at once.
POOL = {"max_connections": 16, "stale_timeout": 300, "timeout": 10}


class ProcessFile:
    """A file beside the database, opened once by each process that uses it.

    Not inherited across fork: an flock belongs to the open file, so a parent's descriptor
    would be shared with its workers.
    """

    def __init__(self, path: str):
        self.path = path
        self.lock = threading.Lock()
        self.fd: int | None = None
        self.pid: int | None = None

    def fileno(self) -> int:
        if self.pid != os.getpid():
            with self.lock:
                if self.pid != os.getpid():
                    self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                    self.pid = os.getpid()
        return self.fd


class WriteLock:
    """SQLite's write lock, queued for in the kernel rather than in SQLite's busy handler.

    A writer that finds the database locked sleeps 1, 2, 5, 10 ms... before it asks again,
    while a visitor's answer holds the lock for a tenth of a millisecond: under load, answers
    waited mostly for nothing. Threads of a process queue on a lock, processes on an flock of
    a file beside the database, and each is handed over the moment it is released (by the
    kernel, too, when a process dies). Writers that do not take it (migrations, other tools)
    are still kept out by SQLite itself.
    """

    def __init__(self, database_path: str, timeout: float):
        self.file = ProcessFile(database_path + "-writer")
        self.timeout = timeout
        self.threads = threading.Lock()
        self.local = threading.local()

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        if getattr(self.local, "held", False):  # a transaction inside one: already ours
            yield
            return
        if not self.threads.acquire(timeout=self.timeout):
            raise OperationalError("database is locked")
        try:
            fd = self.file.fileno()
            fcntl.flock(fd, fcntl.LOCK_EX)
            self.local.held = True
            try:
                yield
            finally:
                self.local.held = False
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            self.threads.release()


class Generation:
    """Sixteen bytes in a file beside the database, new whenever a survey or site changes.

    Widget requests keep survey rows in memory (widget.SurveyRows) and ask this file, one
    system call, whether they may still use them: every process on the database's machine
    sees the same file, where a database read would first have to reload its cache after
    each answer another worker stored. None means "do not keep anything" (no file).
    """

    SIZE = 16

    def __init__(self, database_path: str):
        self.file = ProcessFile(database_path + "-surveys")
        self.path = self.file.path

    def read(self) -> bytes | None:
        try:
            return os.pread(self.file.fileno(), self.SIZE, 0)
        except OSError:
            return None

    def bump(self) -> None:
        try:
            os.pwrite(self.file.fileno(), secrets.token_bytes(self.SIZE), 0)
        except OSError as exc:  # readers then keep rows for at most SurveyRows.MAX_AGE
            log.warning("could not mark surveys changed in %s: %s", self.path, exc)


_changes = threading.local()


def surveys_changed() -> None:
    """A survey, site or owner is being written: kept rows are stale from now on.

    Marked now, and again once the work is committed (`after_changes`, at the end of the
    request or command): a row read in between, before the commit, is not kept past it.
    """
    generation = getattr(db.obj, "generation", None)
    if generation is not None:
        generation.bump()
        _changes.pending = True


def after_changes() -> None:
    if getattr(_changes, "pending", False):
        _changes.pending = False
        generation = getattr(db.obj, "generation", None)
        if generation is not None:
            generation.bump()


class PooledSqlite(PooledSqliteDatabase):
    """SQLite connections kept open between requests, used by whichever thread takes one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pid = os.getpid()
        self.write_lock = WriteLock(self.database, SQLITE_PRAGMAS["busy_timeout"] / 1000)
        self.generation = Generation(self.database)


UNDEFINED_TABLE = "42P01"  # PostgreSQL's SQLSTATE; psycopg is only there with the extra


class CheckedGeneration:
    """PostgreSQL's generation of surveys and sites, as read when this thread last took a
    pooled connection (migration 0006: triggers renew it with every committed change).

    PostgreSQL may serve several machines, so no file can tell them apart; the round trip
    that checks a pooled connection is alive reads the number instead of `SELECT 1`. A
    request starts by forgetting the last one (`forget`), so a number is only ever used by
    the request that read it, after every change committed before that request began. None
    (a new connection, not checked; a database not yet migrated) means "read the survey".
    """

    QUERY = 'SELECT "value" FROM "survey_generation" WHERE "id" = 1'

    def __init__(self, key: str):
        self.path = key  # tells databases apart, as the file's path does on SQLite
        self.local = threading.local()

    def read(self) -> int | None:
        return getattr(self.local, "value", None)

    def forget(self) -> None:
        self.local.value = None

    def check(self, conn) -> None:
        """Read the number on a pooled connection; raises if the connection is dead."""
        try:
            row = conn.execute(self.QUERY).fetchone()
        except Exception as exc:
            if getattr(exc, "sqlstate", None) != UNDEFINED_TABLE:
                raise
            row = None  # not migrated yet: the connection answered, nothing is kept
        self.local.value = row[0] if row else None

    def bump(self) -> None:
        # This thread wrote a survey or site: the triggers renew the number when it commits;
        # until the next request, it reads surveys again.
        self.forget()


class PooledPostgresql(PooledPostgresqlDatabase):
    """PostgreSQL connections kept open between requests; dead ones are replaced."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pid = os.getpid()
        params = self.connect_params
        self.generation = CheckedGeneration(
            f"postgresql://{params.get('host', '')}:{params.get('port', '')}/{self.database}"
            f"?{params.get('options', '')}")

    def _is_closed(self, conn) -> bool:
        # A restarted server leaves every pooled connection looking idle but dead: ask it
        # before handing it out, so no request fails on a stale one. peewee's own check
        # asks with `SELECT 1`; this one round trip reads the generation instead.
        adapter = self._adapter
        if conn.closed or (status := adapter.txn_status(conn)) == adapter.txn_unknown:
            self.generation.forget()
            return True
        try:
            if status != adapter.txn_idle:
                adapter.rollback(conn)
            self.generation.check(conn)
        except Exception:
            self.generation.forget()
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


def is_sqlite() -> bool:
    return isinstance(db.obj, SqliteDatabase)


def is_postgres() -> bool:
    return isinstance(db.obj, PostgresqlDatabase)


def write_lock() -> contextlib.AbstractContextManager:
    """SQLite's write lock, taken for one statement that writes (it commits on its own)."""
    lock = getattr(db.obj, "write_lock", None)
    if lock is None:
        return contextlib.nullcontext()
    # A request takes its connection with its first query: here before the lock, so that
    # other writers do not wait for the pool as well.
    db.connect(reuse_if_open=True)
    return lock.held()


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """A transaction that takes SQLite's write lock up front (no deadlocked upgrades)."""
    # The database itself, not the proxy: peewee's transaction reads a dozen of its
    # attributes, and every read through the proxy is a call.
    database = db.obj
    if not isinstance(database, SqliteDatabase):
        with database.atomic():
            yield
        return
    with write_lock(), database.atomic("IMMEDIATE"):
        yield


@contextlib.contextmanager
def connection() -> Iterator[None]:
    """Open a connection for a CLI command or a background job."""
    opened = db.connect(reuse_if_open=True)
    try:
        yield
    finally:
        after_changes()
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
    if isinstance(db.obj, PooledSqlite) and app.config.get("WAL_CHECKPOINTER", not app.testing):
        checkpointer = WalCheckpointer(db.obj.database)
        app.extensions["tevreden.checkpointer"] = checkpointer
        app.before_request(checkpointer.ensure_started)

    @app.before_request
    def open_connection() -> None:
        # PostgreSQL: taking the connection reads the survey generation, which kept survey
        # rows are checked against (widget.SurveyRows). SQLite's connection is taken by the
        # first query instead: widget pages served from kept rows need none. /healthz opens
        # its own, so a database that is down answers 503, not 500.
        if isinstance(db.obj, PooledPostgresql) and request.endpoint != "healthz":
            db.obj.generation.forget()  # read anew as the connection is taken
            db.connect(reuse_if_open=True)

    @app.teardown_request
    def close_connection(exc: BaseException | None) -> None:
        after_changes()
        if db.is_closed():
            return
        if isinstance(exc, (OperationalError, InterfaceError)) and hasattr(db.obj, "manual_close"):
            # A connection that failed may be broken: drop it rather than pool it.
            db.obj.manual_close()
        else:
            db.close()  # back to the pool
