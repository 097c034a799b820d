"""Digests that are due: each owner's summary composed into the outbox once per period.

Daily digests go from 07:00 Europe/Amsterdam about the day before; weekly ones from Monday
07:00 about the 7 days before. Every instance's scheduler looks every few minutes; an owner's
digest is claimed by one conditional UPDATE of `digest_sent_at` in the transaction that puts
the mail in the outbox, so it goes once however many workers look, and a crash in between
leaves it due.
"""

from __future__ import annotations

import datetime as dt
import logging

from peewee import fn

from ..core.periods import TZ
from ..db import write_transaction
from ..mail.delivery import deliver_due
from ..mail.digest import compose_digest
from ..models import OutboxMail, Owner, Site, utcnow
from ..reports.digest import owner_digest

log = logging.getLogger("tevreden.digests")

SEND_AT = dt.time(7, 0)
FREQUENCIES = ("daily", "weekly")


def send_moment(frequency: str, now: dt.datetime) -> dt.datetime:
    """The latest time (naive UTC) at or before `now` at which this frequency's digest was
    due: today's or yesterday's 07:00, or the last Monday's, on the Amsterdam clock."""
    local = now.replace(tzinfo=dt.UTC).astimezone(TZ)
    day = local.date() if local.time() >= SEND_AT else local.date() - dt.timedelta(days=1)
    if frequency == "weekly":
        day -= dt.timedelta(days=day.weekday())
    return dt.datetime.combine(day, SEND_AT, TZ).astimezone(dt.UTC).replace(tzinfo=None)


def period_of(frequency: str, moment: dt.datetime) -> tuple[dt.date, dt.date]:
    """The Amsterdam days a digest sent at `moment` is about: the day before, or the 7."""
    day = moment.replace(tzinfo=dt.UTC).astimezone(TZ).date()
    return day - dt.timedelta(days=1 if frequency == "daily" else 7), day - dt.timedelta(days=1)


def not_sent_since(moment: dt.datetime):
    return Owner.digest_sent_at.is_null() | (Owner.digest_sent_at < moment)


def due_owners(frequency: str, moment: dt.datetime) -> list[Owner]:
    """Owners with this frequency, at least one site, and no digest since `moment`."""
    has_site = fn.EXISTS(Site.select().where(Site.owner == Owner.id))
    return list(Owner.select().where(Owner.digest == frequency, not_sent_since(moment), has_site)
                .order_by(Owner.id))


def send_digest(owner: Owner, frequency: str, moment: dt.datetime, now: dt.datetime) -> bool:
    """Compose the owner's digest and put it in the outbox, unless another worker did; True
    when this one did."""
    start, end = period_of(frequency, moment)
    message = compose_digest(owner, frequency, owner_digest(owner, start, end), start, end, now)
    with write_transaction():
        claimed = (Owner.update(digest_sent_at=now)
                   .where(Owner.id == owner.id, Owner.digest == frequency,
                          not_sent_since(moment)).execute())
        if not claimed:
            return False
        OutboxMail.insert(invitation=None, kind="digest", recipient=owner.email,
                          subject=str(message["Subject"])[:300], message=message.as_string(),
                          message_id=message["Message-ID"], next_attempt_at=now,
                          created_at=now).execute()
    return True


def compose_due(now: dt.datetime) -> int:
    composed = 0
    for frequency in FREQUENCIES:
        moment = send_moment(frequency, now)
        for owner in due_owners(frequency, moment):
            try:
                composed += send_digest(owner, frequency, moment, now)
            except Exception:  # one owner's broken digest must not hold up the others
                log.exception("the digest of owner %d could not be composed", owner.id)
    return composed


def run_due_digests(now: dt.datetime | None = None) -> dict:
    """Put every due digest in the outbox and deliver the outbox; counts of what happened."""
    now = now or utcnow()
    composed = compose_due(now)
    result = deliver_due(now) if composed else {"sent": 0, "failed": 0}
    if composed:
        log.info("digests: %d composed, %d sent, %d failed", composed, result["sent"],
                 result["failed"])
    return {"composed": composed, **result}
