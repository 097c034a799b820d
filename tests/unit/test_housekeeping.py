"""The background housekeeping thread: one per worker process, injectable clock, never dies."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading

import pytest
from flask import Flask

from server.jobs import background, housekeeping
from server.jobs.housekeeping import Housekeeping

NOW = dt.datetime(2026, 1, 2, 3, 4, 5)


@pytest.fixture
def keeper(monkeypatch):
    """Housekeeping on a bare Flask app, with the database step replaced by a recorder."""
    calls: list[dt.datetime] = []
    ran = threading.Event()

    def fake_run(now):
        calls.append(now)
        ran.set()
        return {"deleted": 0, "tokens": 0}

    monkeypatch.setattr(housekeeping, "run_due_purge", fake_run)
    monkeypatch.setattr(housekeeping, "connection", contextlib.nullcontext)
    keeper = Housekeeping(Flask(__name__), clock=lambda: NOW, interval=3600)
    keeper.calls, keeper.ran = calls, ran
    yield keeper
    keeper.stop()


def test_one_thread_per_process_and_a_new_one_after_a_fork(keeper, monkeypatch):
    keeper.ensure_started()
    first = keeper.thread
    assert keeper.ran.wait(5)
    keeper.ensure_started()
    keeper.ensure_started()
    assert keeper.thread is first and keeper.calls == [NOW]
    # gunicorn forks workers: a process with another pid needs a thread of its own.
    monkeypatch.setattr(background.os, "getpid", lambda: -1)
    keeper.ran.clear()
    keeper.ensure_started()
    assert keeper.thread is not first and keeper.ran.wait(5)


def test_tick_uses_the_injected_clock(keeper):
    assert keeper.tick() == {"deleted": 0, "tokens": 0}
    assert keeper.calls == [NOW]


def test_a_failing_check_is_logged_and_the_thread_lives_on(keeper, monkeypatch, caplog):
    def broken(now):
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(housekeeping, "run_due_purge", broken)
    with caplog.at_level(logging.ERROR, logger="tevreden.housekeeping"):
        assert keeper.tick() is None
    assert "purge check failed" in caplog.text


def test_the_thread_only_runs_where_requests_are_served():
    quiet, served = Flask("quiet"), Flask("served")
    quiet.config["TESTING"] = True
    housekeeping.init_app(quiet)
    housekeeping.init_app(served)
    assert quiet.before_request_funcs.get(None, []) == []
    assert served.before_request_funcs[None] == [
        served.extensions["tevreden.housekeeping"].ensure_started]
