"""The background queue (huey): SQLite storage beside the database, or Redis for several
instances. The tasks live in the database's own tables; the queue only says when to run them."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey

log = logging.getLogger("tevreden.jobs")


def queue_name(database_url: str) -> str:
    """One queue per database: instances on one database share it, while two shops (or two
    test runs) on one Redis never run each other's tasks. The password is not part of it."""
    parts = urlsplit(database_url)
    where = f"{parts.scheme}://{parts.hostname or ''}:{parts.port or ''}{parts.path}?{parts.query}"
    return "tevreden-" + hashlib.sha256(where.encode()).hexdigest()[:12]


def open_queue(url: str, name: str) -> Huey:
    """A huey instance for a sqlite:///path or redis:// URL (checked by server.config)."""
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name=name, filename=str(path), results=False)
    return RedisHuey(name=name, url=url, results=False)


def queue_of(app: Flask) -> Huey:
    return app.extensions["tevreden.queue"]


def enqueue(name: str, *args) -> None:
    """Put the task `name` on this app's queue, for the worker to run."""
    current_app.extensions["tevreden.tasks"][name](*args)


def init_app(app: Flask) -> None:
    """Open the queue and register the tasks; requests only ever enqueue."""
    from . import tasks

    queue = open_queue(app.config["QUEUE_URL"], queue_name(app.config["DATABASE_URL"]))
    app.extensions["tevreden.queue"] = queue
    app.extensions["tevreden.tasks"] = tasks.register(queue, app)


def run_worker(app: Flask, workers: int = 2) -> None:
    """Run the consumer in this process until SIGINT/SIGTERM (`tevreden worker`)."""
    consumer = queue_of(app).create_consumer(workers=workers, worker_type="thread",
                                             periodic=True)
    log.info("worker started on %s", app.config["QUEUE_URL"].split("@")[-1])
    consumer.run()


def start_worker_process(app: Flask, workers: int = 2) -> multiprocessing.Process:
    """Run the consumer in a child forked from this process (`tevreden serve`): it shares the
    modules this process has already loaded, copy-on-write, instead of loading its own."""
    queue_of(app).storage.close()  # no queue connection crosses the fork; each reopens its own
    process = multiprocessing.get_context("fork").Process(
        target=run_worker, args=(app, workers), name="tevreden-worker")
    process.start()
    return process
