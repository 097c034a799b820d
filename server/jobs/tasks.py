"""The queue's tasks: each runs inside the app with a database connection of its own.

Periodic tasks are enqueued by every running consumer's scheduler; the work they start claims
its rows in the database, so several instances on one Redis still purge once a day and send
each mail once.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from flask import Flask
from huey import Huey, crontab

from ..db import connection
from ..mail.accounts import send_reset
from . import alerts, digests, housekeeping, invitations

log = logging.getLogger("tevreden.jobs")


def in_app(app: Flask, func: Callable) -> Callable:
    """`func` run inside an app context, on its own database connection."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        with app.app_context(), connection():
            return func(*args, **kwargs)

    return run


def register(queue: Huey, app: Flask) -> dict[str, Callable]:
    """Register the tasks on this queue; returns them by name (to enqueue or to call)."""

    @queue.periodic_task(crontab(minute="*/15"), name="purge")
    @functools.partial(in_app, app)
    def purge() -> dict[str, int] | None:
        """The daily purge: checked every 15 minutes, claimed by one instance a day."""
        return housekeeping.run_due_purge()

    @queue.periodic_task(crontab(), name="send-due-periodic")
    @functools.partial(in_app, app)
    def send_due_periodic() -> dict:
        """Every minute: invitations and reminders that came due, and the outbox's retries."""
        return invitations.send_due()

    @queue.task(name="send-due", retries=3, retry_delay=60, retry_backoff=2)
    @functools.partial(in_app, app)
    def send_due() -> dict:
        """At once, when an order's invitation is due now (a delay of 0 days)."""
        return invitations.send_due()

    @queue.periodic_task(crontab(minute="*/5"), name="digests")
    @functools.partial(in_app, app)
    def send_digests() -> dict:
        """Owners' daily (07:00) and weekly (Monday 07:00) digests, each claimed once."""
        return digests.run_due_digests()

    @queue.task(name="retag", retries=5, retry_delay=30)
    @functools.partial(in_app, app)
    def retag(survey_id: str) -> int | None:
        """A survey's comments tagged again after its themes changed."""
        from ..models.themes import retag_survey

        return retag_survey(survey_id)

    @queue.periodic_task(crontab(), name="alerts-periodic")
    @functools.partial(in_app, app)
    def alerts_periodic() -> dict:
        """Every minute: alerts for new answers, and webhook retries that came due."""
        return alerts.run_alerts()

    @queue.task(name="alerts", retries=2, retry_delay=30)
    @functools.partial(in_app, app)
    def alerts_soon() -> dict:
        """Soon after an answer (once its comment had time to come) and for a quick retry."""
        result = alerts.run_alerts()
        retry = alerts.next_retry()
        if retry is not None and (wait := (retry - alerts.utcnow()).total_seconds()) < 60:
            alerts_soon.schedule(delay=max(wait, 1) + 1)  # the first retry within a minute
        return result

    @queue.task(name="password-reset", retries=2, retry_delay=30)
    @functools.partial(in_app, app)
    def password_reset(email: str) -> bool:
        """A reset link for the address, when it has a login (see mail.accounts.send_reset)."""
        return send_reset(email)

    return {"purge": purge, "send-due": send_due, "send-due-periodic": send_due_periodic,
            "retag": retag, "digests": send_digests, "alerts": alerts_soon,
            "alerts-periodic": alerts_periodic, "password-reset": password_reset}
