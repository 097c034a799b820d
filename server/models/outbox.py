"""The outbox: every mail waits here until the mail server took it, and shows what happened.

A mail is composed once (the same bytes and Message-ID on every attempt) and claimed for a
lease before it is sent, so two workers never send it at once; it is marked sent right after
the mail server accepted it. A worker killed in between leaves the claim to expire, and the
mail then goes once more. Once sent, its address and text are erased.
"""

from __future__ import annotations

import datetime as dt

from peewee import (
    CharField,
    DeferredForeignKey,
    ForeignKeyField,
    TextField,
)

from ..db import write_transaction
from .base import Leased, utcnow
from .invitations import Invitation, Unsubscribe
from .surveys import Survey

# A send takes seconds; a worker that died holding a mail gives it up after this long.
LEASE = dt.timedelta(minutes=10)
# Waits between attempts double from a minute up to this ceiling; a mail is never dropped.
LONGEST_WAIT = dt.timedelta(hours=6)


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), LONGEST_WAIT)


class OutboxMail(Leased):
    LEASE = LEASE
    invitation = ForeignKeyField(Invitation, backref="mails", null=True, on_delete="CASCADE")
    kind = CharField(max_length=12)  # invitation | reminder | alert
    # An alert's mail names an answer: erasing the answer takes its unsent mail with it.
    response = DeferredForeignKey("Response", null=True, on_delete="CASCADE")
    recipient = CharField(max_length=254, null=True)  # erased once sent
    subject = CharField(max_length=300)
    message = TextField(null=True)  # the whole MIME message; erased once sent
    message_id = CharField(max_length=200)

    class Meta:
        indexes = ((("invitation", "kind"), True),)

    def mark_sent(self, now: dt.datetime) -> None:
        """Record the delivery (before the job that sent it finishes) and erase the address."""
        with write_transaction():
            OutboxMail.update(status="sent", sent_at=now, claimed_until=None, recipient=None,
                              message=None, last_error=None).where(
                OutboxMail.id == self.id).execute()
            if self.invitation_id is not None:
                Invitation.get_by_id(self.invitation_id).delivered(self.kind, now)

    def mark_failed(self, now: dt.datetime, error: str, permanent: bool) -> None:
        """A temporary failure waits and tries again; a refused address fails for good."""
        changes = {"claimed_until": None, "last_error": error[:300]}
        if permanent:
            changes.update(status="failed", recipient=None, message=None)
        else:
            changes["next_attempt_at"] = now + backoff(self.attempts)
        with write_transaction():
            OutboxMail.update(changes).where(OutboxMail.id == self.id).execute()
            if permanent and self.invitation_id is not None:
                Invitation.get_by_id(self.invitation_id).failed()


OPEN = ("scheduled", "sent")


def close_invitations(invitations, status: str) -> int:
    """Answered or unsubscribed: no more mail for these invitations, and their addresses are
    erased now. `invitations` is a query of Invitation rows; returns how many were open."""
    ids = [row.id for row in invitations.where(Invitation.status.in_(OPEN))]
    if not ids:
        return 0
    OutboxMail.delete().where(OutboxMail.invitation.in_(ids),
                              OutboxMail.status == "waiting").execute()
    return (Invitation.update(status=status, email=None, name=None, reminder_due_at=None)
            .where(Invitation.id.in_(ids)).execute())


def invitation_answered(invite_id: str) -> int:
    """Called in the transaction that stores an answer from an e-mailed link."""
    return close_invitations(Invitation.select(Invitation.id).where(
        Invitation.invite_id == invite_id.removeprefix("invite:")), "answered")


def unsubscribe_address(site_id: int, email_hash: str) -> int:
    """The address (by its keyed hash) gets none of the site's invitations again: pending ones
    are closed and their addresses erased. Returns how many were still open."""
    with write_transaction():
        Unsubscribe.insert(site=site_id, email_hash=email_hash,
                           created_at=utcnow()).on_conflict_ignore().execute()
        return close_invitations(
            Invitation.select(Invitation.id).join(Survey).where(
                Survey.site == site_id, Invitation.email_hash == email_hash), "unsubscribed")
