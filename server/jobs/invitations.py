"""Invitations and reminders that are due: composed into the outbox, then delivered.

Every mail is written to the outbox (in the same transaction that erases the invitation's
address when it is the last mail) before anything is sent, so a crash or a mail server that is
down loses nothing: the outbox is tried again with backoff.
"""

from __future__ import annotations

import datetime as dt
import logging

from peewee import fn

from ..db import write_transaction
from ..mail.compose import compose
from ..mail.delivery import deliver_due
from ..models import Invitation, OutboxMail, Site, Survey, utcnow

log = logging.getLogger("tevreden.invitations")
BATCH = 200


def without_mail(kind: str):
    return ~fn.EXISTS(OutboxMail.select().where(OutboxMail.invitation == Invitation.id,
                                                OutboxMail.kind == kind))


def due(kind: str, until: dt.datetime):
    """Invitations whose invitation (or reminder) is due and not yet in the outbox."""
    # An archived survey's invitations wait: its widget would refuse the answer.
    query = (Invitation.select(Invitation, Survey, Site).join(Survey).join(Site)
             .where(Survey.not_archived()))
    if kind == "invitation":
        query = query.where(Invitation.status == "scheduled", Invitation.invite_due_at <= until)
    else:  # only to those who have not answered: an answer closes the invitation
        query = query.where(Invitation.status == "sent", Invitation.reminder_due_at <= until,
                            Invitation.reminded_at.is_null(), Invitation.email.is_null(False))
    return query.where(without_mail(kind)).order_by(Invitation.id).limit(BATCH)


def put_in_outbox(invitation: Invitation, kind: str, now: dt.datetime) -> None:
    message = compose(invitation, kind, now)
    last = kind == "reminder" or not invitation.survey.reminder_after_days
    with write_transaction():
        OutboxMail.insert(invitation=invitation.id, kind=kind, recipient=invitation.email,
                          subject=str(message["Subject"])[:300], message=message.as_string(),
                          message_id=message["Message-ID"], next_attempt_at=now,
                          created_at=now).on_conflict_ignore().execute()
        if last:  # the outbox holds the address until the mail is sent, the invitation no more
            Invitation.update(email=None, name=None).where(Invitation.id == invitation.id,
                                                           Invitation.status.in_(("scheduled",
                                                                                  "sent"))
                                                           ).execute()


def compose_due(until: dt.datetime, now: dt.datetime) -> int:
    composed = 0
    for kind in ("invitation", "reminder"):
        while batch := list(due(kind, until)):
            for invitation in batch:
                try:
                    put_in_outbox(invitation, kind, now)
                    composed += 1
                except Exception:  # one broken invitation must not hold up the others
                    log.exception("invitation %d could not be composed", invitation.id)
                    invitation.failed()
    return composed


def send_due(until: dt.datetime | None = None, now: dt.datetime | None = None) -> dict:
    """Compose what is due by `until` and deliver the outbox; counts of what happened."""
    now = now or utcnow()
    composed = compose_due(until or now, now)
    result = deliver_due(now)
    waiting = OutboxMail.select().where(OutboxMail.status == "waiting").count()
    log.info("send-due: %d composed, %d sent, %d failed, %d waiting", composed,
             result["sent"], result["failed"], waiting)
    return {"composed": composed, **result, "waiting": waiting}
