"""The daily purge: one run at a time across workers and instances.

The queue's periodic `purge` task (server/jobs/tasks.py) checks every 15 minutes and tries to
claim the `purge` job row with one conditional UPDATE; the database lets exactly one claimant
win, whichever worker or machine it runs on. Requests themselves never touch the job table.
"""

from __future__ import annotations

import datetime as dt
import logging

from .. import retention
from ..db import write_transaction
from ..models import Job, utcnow

log = logging.getLogger("tevreden.housekeeping")

PURGE = "purge"
EVERY = dt.timedelta(hours=24)
# A claim outlives a crashed worker by at most this long; a purge takes seconds.
LEASE = dt.timedelta(hours=1)


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
