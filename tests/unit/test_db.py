"""SQLite under a server: writers wait for SQLite's own lock, checkpoints happen off the request."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from server import db as database
from server.db import WalCheckpointer, connection, write_transaction

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sqlite_file(tmp_path):
    """A pooled SQLite database with one table, bound to the proxy for the test."""
    path = tmp_path / "lock.db"
    database.bind(database.open_database(f"sqlite:///{path}"))
    with connection():
        database.db.execute_sql("CREATE TABLE answer (id INTEGER PRIMARY KEY, n INTEGER)")
    yield path
    database.bind(database.open_database("sqlite:///:memory:"))


def count(table: str = "answer") -> int:
    with connection():
        return database.db.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_threads_writing_at_once_lose_nothing(sqlite_file):
    failures = []

    def writer(number: int) -> None:
        try:
            for i in range(40):
                with connection(), write_transaction():
                    database.db.execute_sql("INSERT INTO answer (n) VALUES (?)",
                                            (number * 100 + i,))
        except Exception as exc:  # any failure fails the test below
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert count() == 320


def test_a_transaction_inside_one_does_not_wait_for_itself(sqlite_file):
    with connection(), write_transaction():
        database.db.execute_sql("INSERT INTO answer (n) VALUES (1)")
        with write_transaction():
            database.db.execute_sql("INSERT INTO answer (n) VALUES (2)")
    assert count() == 2


def test_a_failed_transaction_rolls_back_and_lets_the_next_writer_in(sqlite_file):
    with pytest.raises(RuntimeError), connection(), write_transaction():
        database.db.execute_sql("INSERT INTO answer (n) VALUES (1)")
        raise RuntimeError("the answer could not be stored")
    done = threading.Event()

    def writer() -> None:
        with connection(), write_transaction():
            database.db.execute_sql("INSERT INTO answer (n) VALUES (2)")
        done.set()

    threading.Thread(target=writer).start()
    assert done.wait(5), "the lock was not released after the failure"
    assert count() == 1


def test_another_process_waits_for_the_lock_and_then_writes(sqlite_file):
    """A write transaction holds a writer in another process until it commits (SQLite's own
    lock, waited for with busy_timeout)."""
    script = (
        "import sys, time\n"
        "from server import db\n"
        "db.bind(db.open_database(sys.argv[1]))\n"
        "print('ready', flush=True)\n"
        "start = time.monotonic()\n"
        "with db.connection(), db.write_transaction():\n"
        "    db.db.execute_sql('INSERT INTO answer (n) VALUES (99)')\n"
        "print(round(time.monotonic() - start, 3))\n"
    )
    with database.connection(), database.write_transaction():
        database.db.execute_sql("INSERT INTO answer (n) VALUES (1)")
        child = subprocess.Popen([sys.executable, "-c", script, f"sqlite:///{sqlite_file}"],
                                 cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline() == "ready\n"
        time.sleep(0.5)
        assert child.poll() is None, "the other process wrote while the lock was held"
    out, _ = child.communicate(timeout=30)
    assert child.returncode == 0
    assert float(out) >= 0.4
    assert count() == 2


def test_a_checkpoint_copies_the_whole_log(sqlite_file):
    with connection():
        assert database.db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    checkpointer = WalCheckpointer(str(sqlite_file))
    for i in range(200):  # each commit adds frames to the log, under the 1,000 of a commit
        with connection(), write_transaction():
            database.db.execute_sql("INSERT INTO answer (n) VALUES (?)", (i,))
    frames, copied = checkpointer.checkpoint()
    assert frames >= 200 and copied == frames
    checkpointer.close()


def test_the_checkpointer_thread_runs_and_survives_a_bad_round(sqlite_file, tmp_path, caplog):
    broken = WalCheckpointer(str(tmp_path / "missing" / "x.db"))
    assert broken.checkpoint() is None  # logged, not raised
    assert "checkpoint of" in caplog.text
    checkpointer = WalCheckpointer(str(sqlite_file), interval=0.05)
    rounds = []
    original = checkpointer.checkpoint
    checkpointer.checkpoint = lambda: rounds.append(original()) or rounds[-1]
    checkpointer.ensure_started()
    thread = checkpointer.thread
    checkpointer.ensure_started()  # once per process
    assert checkpointer.thread is thread and thread.is_alive()
    with connection(), write_transaction():
        database.db.execute_sql("INSERT INTO answer (n) VALUES (1)")
    deadline = time.monotonic() + 5
    while not any(r and r[0] and r[0] == r[1] for r in rounds) and time.monotonic() < deadline:
        time.sleep(0.02)
    checkpointer.stop()
    assert any(r and r[0] and r[0] == r[1] for r in rounds)
    thread.join(timeout=5)
    assert not thread.is_alive()
