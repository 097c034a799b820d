"""The background queue: `tevreden worker` and `tevreden serve` run the jobs, on SQLite or
Redis storage; the daily purge is a periodic task that one instance runs at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from server import db as database
from server.jobs.queue import open_queue, queue_name
from server.jobs.tasks import register
from server.models import Job, Response, utcnow
from tests.browser.conftest import free_port, wait_for_server
from tests.workers import QUEUES, Worker, eventually, queue_url_for, worker_env


@pytest.fixture(params=QUEUES)
def queue_url(request, tmp_path):
    return queue_url_for(request.param, tmp_path)


@pytest.fixture
def queued(app, database_url, queue_url):
    """The app's tasks on the queue under test, emptied before and after."""
    queue = open_queue(queue_url, queue_name(database_url))
    queue.flush()
    yield register(queue, app)
    queue.flush()


def expired_and_recent(make):
    survey = make.survey(retention_days=5)
    Response.create(survey=survey, score=2, created_at=utcnow() - dt.timedelta(days=6))
    return Response.create(survey=survey, score=8, created_at=utcnow() - dt.timedelta(days=1))


def purged(recent: Response):
    with database.connection():
        job = Job.get_or_none(Job.name == "purge")
        left = [r.id for r in Response.select()]
    return job is not None and job.last_run_at is not None and left == [recent.id]


def test_periodic_tasks_purge_each_quarter_hour_and_send_each_minute(queued, app):
    """…and look for due digests every five minutes."""
    queue = app.extensions["tevreden.queue"]

    def due(minute: int) -> set[str]:
        return {task.name for task in queue.read_periodic(dt.datetime(2026, 3, 1, 4, minute))}

    assert due(15) == {"purge", "send-due-periodic", "digests", "alerts-periodic"}
    assert due(16) == {"send-due-periodic", "alerts-periodic"}
    assert due(20) == {"send-due-periodic", "digests", "alerts-periodic"}


def test_the_worker_runs_a_queued_purge(queued, make, database_url, queue_url, tmp_path):
    recent = expired_and_recent(make)
    database.db.close()
    worker = Worker(worker_env(database_url, queue_url, tmp_path), tmp_path / "worker.log")
    try:
        queued["purge"]()
        eventually(lambda: purged(recent), worker)
        # A second run within the day finds the job claimed today and does nothing.
        queued["purge"]()
        eventually(lambda: "purge" in worker.output(), worker)
    finally:
        worker.stop()
    assert worker.proc.returncode == 0, worker.output()


def test_serve_runs_the_worker_unless_told_not_to(queued, make, database_url, queue_url,
                                                  tmp_path):
    recent = expired_and_recent(make)
    database.db.close()
    port = free_port()
    env = worker_env(database_url, queue_url, tmp_path, TEVREDEN_RATELIMIT="off")
    server = Worker(env, tmp_path / "serve.log",
                    ("serve", "--port", str(port), "--workers", "1"))
    try:
        wait_for_server(f"http://127.0.0.1:{port}/healthz", server.proc, server.log)
        queued["purge"]()
        eventually(lambda: purged(recent), server)
    finally:
        server.stop()


def test_serve_without_worker_leaves_the_jobs_queued(queued, app, database_url, queue_url,
                                                     tmp_path):
    database.db.close()
    port = free_port()
    env = worker_env(database_url, queue_url, tmp_path, TEVREDEN_RATELIMIT="off")
    server = Worker(env, tmp_path / "serve.log",
                    ("serve", "--port", str(port), "--workers", "1", "--no-worker"))
    try:
        wait_for_server(f"http://127.0.0.1:{port}/healthz", server.proc, server.log)
        queued["purge"]()
        queue = app.extensions["tevreden.queue"]
        probe = open_queue(queue_url_for("sqlite", tmp_path) if "sqlite" in queue_url
                           else queue_url, queue.name)
        assert probe.pending_count() == 1
    finally:
        server.stop()


def test_an_order_due_at_once_is_mailed_by_the_worker(app, client, make, database_url,
                                                      queue_url, tmp_path, monkeypatch):
    """The hook enqueues the send; the worker (on SQLite or Redis storage) delivers it."""
    from server.models import Hook, Invitation
    from tests.mailserver import MailServer
    from tests.orders import generic_order, post_order

    queue = open_queue(queue_url, queue_name(database_url))
    queue.flush()
    monkeypatch.setitem(app.extensions, "tevreden.tasks", register(queue, app))
    hook = Hook.issue(make.survey(invite_delay_days=0), "generic")
    smtp = MailServer().start()
    database.db.close()
    worker = Worker(worker_env(database_url, queue_url, tmp_path, TEVREDEN_SMTP_URL=smtp.url),
                    tmp_path / "worker.log")
    try:
        order = generic_order(completed_at=utcnow().isoformat())
        assert post_order(client, hook, order).status_code == 202
        eventually(lambda: smtp.inbox.messages, worker)
        with database.connection():
            assert eventually(lambda: Invitation.get().status == "sent", worker)
    finally:
        worker.stop()
        smtp.stop()
        queue.flush()
    assert smtp.inbox.envelopes[0][1] == ["klant@example.nl"]
