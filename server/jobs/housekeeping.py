"""The daily purge inside the server: one run at a time across workers and instances.

Every worker process starts one daemon thread (lazily, at its first request, so after
gunicorn forks). The thread wakes every few minutes and tries to claim the `purge` job
row with one conditional UPDATE; the database lets exactly one claimant win, whichever
process or machine it runs on. Requests themselves never touch the job table.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from flask import Flask

from .. import retention
from ..db import connection, write_transaction
from ..models import Job, utcnow
from .background import WorkerThread

log = logging.getLogger("tevreden.housekeeping")

PURGE = "purge"
EVERY = dt.timedelta(hours=24)
# A claim outlives a crashed worker by at most this long; a purge takes seconds.
LEASE = dt.timedelta(hours=1)
CHECK_EVERY_SECONDS = 15 * 60

Clock = Callable[[], dt.datetime]


def claim(name: str, now: dt.datetime, every: dt.timedelta = EVERY,
          lease: dt.timedelta = LEASE) -> bool:
    """Take the job if it is due and nobody holds it; True for exactly one claimant."""
    with write_transaction():
        Job.insert(name=name).on_conflict_ignore().execute()
        taken = (Job.update(claimed_until=now + lease)
                 .where((Job.name == name)
                        & (Job.claimed_until.is_null() | (Job.claimed_until < now))
                        & (Job.last_run_at.is_null() | (Job.last_run_at <= now - every)))
                 .execute())
    return taken == 1


def finish(name: str, now: dt.datetime | None) -> None:
    """Release the claim; `now` records a completed run, None leaves the job due."""
    fields = {Job.claimed_until: None}
    if now is not None:
        fields[Job.last_run_at] = now
    with write_transaction():
        Job.update(fields).where(Job.name == name).execute()


def run_due_purge(now: dt.datetime | None = None) -> dict[str, int] | None:
    """Purge when a day has passed since the last purge and no one else is purging."""
    now = now or utcnow()
    if not claim(PURGE, now):
        return None
    try:
        result = retention.purge(now)
    except Exception:
        finish(PURGE, None)  # let another worker try at its next check
        raise
    finish(PURGE, now)
    return result


class Housekeeping(WorkerThread):
    """Starts the background check once per worker process; the clock is injectable."""

    name = "tevreden-housekeeping"

    def __init__(self, app: Flask, clock: Clock = utcnow,
                 interval: float = CHECK_EVERY_SECONDS):
        super().__init__(interval)
        self.app = app
        self.clock = clock

    def step(self) -> dict[str, int] | None:
        return self.tick()

    def tick(self) -> dict[str, int] | None:
        """One check; never raises, so the thread survives a database hiccup."""
        try:
            with self.app.app_context(), connection():
                return run_due_purge(self.clock())
        except Exception:
            log.exception("housekeeping: purge check failed")
            return None


def init_app(app: Flask) -> None:
    """Run the daily purge in the background unless HOUSEKEEPING is False (tests)."""
    housekeeping = Housekeeping(app, clock=app.config.get("HOUSEKEEPING_CLOCK", utcnow))
    app.extensions["tevreden.housekeeping"] = housekeeping
    if app.config.get("HOUSEKEEPING", not app.testing):
        app.before_request(housekeeping.ensure_started)
