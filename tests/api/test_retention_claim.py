"""The daily purge inside the server: one claimant at a time, once a day, across connections."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from server import db as database
from server import retention
from server.jobs import housekeeping
from server.jobs.housekeeping import PURGE, claim, run_due_purge
from server.models import Job, Response

NOW = dt.datetime(2026, 6, 15, 3, 0, 0)


def in_threads(count: int, work) -> list:
    """Run `work` in `count` threads, each on its own database connection, released at once."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        with database.connection():
            barrier.wait()
            results[index] = work()
        database.db.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_of_several_simultaneous_claims_exactly_one_wins(app):
    assert sorted(in_threads(4, lambda: claim(PURGE, NOW))) == [False, False, False, True]


def test_a_claim_waits_for_an_open_one_and_then_loses(app):
    """Instance A holds its claim uncommitted; instance B, on another connection, must lose."""
    a_claimed, outcome = threading.Event(), {}

    def instance_a() -> None:
        with database.connection(), database.write_transaction():
            outcome["a"] = claim(PURGE, NOW)
            a_claimed.set()
            time.sleep(0.3)  # B's UPDATE now waits on our lock
        database.db.close()

    first = threading.Thread(target=instance_a)
    first.start()
    assert a_claimed.wait(10)
    with database.connection():
        outcome["b"] = claim(PURGE, NOW + dt.timedelta(seconds=1))
    first.join(10)
    assert outcome == {"a": True, "b": False}


def test_simultaneous_runs_purge_once_and_not_again_within_a_day(app, make, monkeypatch):
    survey = make.survey(retention_days=10)
    Response.create(survey=survey, score=1, created_at=NOW - dt.timedelta(days=11))
    calls = []
    real_purge = retention.purge
    monkeypatch.setattr(retention, "purge", lambda now: calls.append(now) or real_purge(now))
    results = in_threads(3, lambda: run_due_purge(NOW))
    assert sorted(results, key=bool) == [None, None, {"deleted": 1, "tokens": 0, "invitations": 0}]
    assert calls == [NOW]
    job = Job.get_by_id(PURGE)
    assert (job.last_run_at, job.claimed_until) == (NOW, None)
    assert run_due_purge(NOW + dt.timedelta(hours=23, minutes=59)) is None
    assert run_due_purge(NOW + dt.timedelta(hours=24)) == {"deleted": 0, "tokens": 0,
                                                           "invitations": 0}
    assert len(calls) == 2


def test_a_claim_left_by_a_crashed_worker_expires_after_its_lease(app):
    assert claim(PURGE, NOW)  # ... and the worker dies before finishing
    assert run_due_purge(NOW + dt.timedelta(minutes=30)) is None
    assert run_due_purge(NOW + housekeeping.LEASE + dt.timedelta(seconds=1)) is not None


def test_a_failed_purge_releases_the_claim_and_stays_due(app, monkeypatch):
    def broken(now):
        raise RuntimeError("disk full")

    monkeypatch.setattr(retention, "purge", broken)
    with pytest.raises(RuntimeError):
        run_due_purge(NOW)
    job = Job.get_by_id(PURGE)
    assert (job.last_run_at, job.claimed_until) == (None, None)
    monkeypatch.undo()
    assert run_due_purge(NOW + dt.timedelta(minutes=1)) is not None
