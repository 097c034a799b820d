"""Rate-limit counters that every worker of one server shares: a small SQLite file.

gunicorn forks its workers, and the `limits` library's memory storage lives in one process:
each worker would count on its own, and two workers let twice the limit through. This
storage implements the library's public Storage interface (registered by its scheme) on a
file in the instance folder, so all workers, and a restarted worker, count together. It holds
keyed hashes of addresses (server/limits.py) only for as long as their window lasts.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urlsplit

from limits.storage import MovingWindowSupport, Storage

SCHEME = "tevreden+sqlite"
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS hit (key TEXT NOT NULL, at REAL NOT NULL, "
    "expires REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS hit_key_at ON hit (key, at)",
    "CREATE INDEX IF NOT EXISTS hit_expires ON hit (expires)",
    "CREATE TABLE IF NOT EXISTS counter (key TEXT PRIMARY KEY, value INTEGER NOT NULL, "
    "expires REAL NOT NULL)",
)
# Hits of keys that are not hit again are swept this often (seconds), by whichever worker.
SWEEP_EVERY = 60.0

T = TypeVar("T")


def uri_for(path: Path) -> str:
    return f"{SCHEME}://{path.resolve()}"


class SharedFileStorage(Storage, MovingWindowSupport):
    """Moving windows (and fixed-window counters) in SQLite, safe across processes."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = Path(unquote(urlsplit(uri).path))
        self.local = threading.local()
        self.swept_at = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened again in a forked worker."""
        conn = getattr(self.local, "conn", None)
        if conn is None or self.local.pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit: every write below is one explicit BEGIN IMMEDIATE ... COMMIT.
            conn = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            conn.execute("PRAGMA journal_mode=wal")
            conn.execute("PRAGMA synchronous=off")  # counters need not survive a power cut
            for statement in SCHEMA:
                conn.execute(statement)
            self.local.conn, self.local.pid = conn, os.getpid()
        return conn

    def write(self, work: Callable[[sqlite3.Connection, float], T]) -> T:
        """Run work(conn, now) in one write transaction; its result."""
        conn = self.connection()
        now = time.time()
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = work(conn, now)
            if now - self.swept_at > SWEEP_EVERY:
                conn.execute("DELETE FROM hit WHERE expires <= ?", (now,))
                conn.execute("DELETE FROM counter WHERE expires <= ?", (now,))
                self.swept_at = now
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return result

    # The moving window: one row per hit.
    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False

        def acquire(conn: sqlite3.Connection, now: float) -> bool:
            conn.execute("DELETE FROM hit WHERE key = ? AND at <= ?", (key, now - expiry))
            (count,) = conn.execute("SELECT count(*) FROM hit WHERE key = ?", (key,)).fetchone()
            if count + amount > limit:
                return False
            conn.executemany("INSERT INTO hit (key, at, expires) VALUES (?, ?, ?)",
                             [(key, now, now + expiry)] * amount)
            return True

        return self.write(acquire)

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        oldest, count = self.connection().execute(
            "SELECT min(at), count(*) FROM hit WHERE key = ? AND at > ?",
            (key, now - expiry)).fetchone()
        return (oldest, count) if count else (now, 0)

    # Fixed windows: one counter per key.
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        def increment(conn: sqlite3.Connection, now: float) -> int:
            conn.execute("DELETE FROM counter WHERE key = ? AND expires <= ?", (key, now))
            conn.execute("INSERT INTO counter (key, value, expires) VALUES (?, ?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
                         (key, amount, now + expiry))
            return conn.execute("SELECT value FROM counter WHERE key = ?", (key,)).fetchone()[0]

        return self.write(increment)

    def get(self, key: str) -> int:
        row = self.connection().execute(
            "SELECT value FROM counter WHERE key = ? AND expires > ?",
            (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self.connection().execute(
            "SELECT expires FROM counter WHERE key = ?", (key,)).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        try:
            self.connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        def empty(conn: sqlite3.Connection, now: float) -> int:
            removed = conn.execute("DELETE FROM hit").rowcount
            return removed + conn.execute("DELETE FROM counter").rowcount

        return self.write(empty)

    def clear(self, key: str) -> None:
        def forget(conn: sqlite3.Connection, now: float) -> None:
            conn.execute("DELETE FROM hit WHERE key = ?", (key,))
            conn.execute("DELETE FROM counter WHERE key = ?", (key,))

        self.write(forget)
