"""Order webhooks, the invitations they schedule, and the addresses that unsubscribed.

An invitation holds the customer's address only until its last mail is sent or it is
answered; a keyed hash of the address (HMAC with the secret key) stays, for throttling and
unsubscribes, and cannot be turned back into the address without the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from flask import current_app
from peewee import (
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegrityError,
)

from ..db import db, write_transaction
from ..schemas import normalise_contact
from .base import BaseModel, new_public_id, utcnow
from .sites import Site
from .surveys import Survey

HOOK_KINDS = ("generic", "woocommerce", "shopify")


def normalise_email(email: str) -> str:
    """The same spelling answers' contacts get, so forget and show-contact find both."""
    return normalise_contact(email)


def email_hashes(email: str) -> list[str]:
    """The keyed hash of an address under every configured key, the signing key's first
    (so a rotated key still finds earlier invitations and unsubscribes)."""
    text = ("tevreden.email.v1:" + normalise_email(email)).encode()
    return [hmac.new(key.encode(), text, hashlib.sha256).hexdigest()
            for key in current_app.config["SECRET_KEYS"]]


class Hook(BaseModel):
    """An incoming order webhook of a site, feeding one of its surveys."""

    id = CharField(primary_key=True, max_length=32, default=new_public_id)
    site = ForeignKeyField(Site, backref="hooks", on_delete="CASCADE")
    survey = ForeignKeyField(Survey, backref="hooks", on_delete="CASCADE")
    kind = CharField(max_length=12)  # generic | woocommerce | shopify
    # Stored as given: checking an HMAC signature needs the secret itself (a hash of it
    # could not verify anything). Whoever reads the database could sign orders with it, which
    # schedules invitations and nothing more; answers and addresses are not behind it.
    secret = CharField(max_length=128)
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)

    @classmethod
    def issue(cls, survey: Survey, kind: str, secret: str | None = None) -> Hook:
        return cls.create(site=survey.site_id, survey=survey, kind=kind,
                          secret=secret or secrets.token_urlsafe(32))

    def url(self, base_url: str) -> str:
        return f"{base_url}/hooks/{self.id}"


class Unsubscribe(BaseModel):
    """An address (as its keyed hash) that never again gets a site's invitations."""

    site = ForeignKeyField(Site, backref="unsubscribes", on_delete="CASCADE")
    email_hash = CharField(max_length=64)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("site", "email_hash"), True),)

    @classmethod
    def holds(cls, site_id: int, hashes: list[str]) -> bool:
        return cls.select().where(cls.site == site_id, cls.email_hash.in_(hashes)).exists()


class Invitation(BaseModel):
    """One completed order's invitation (and reminder) to answer a survey."""

    survey = ForeignKeyField(Survey, backref="invitations", on_delete="CASCADE")
    order_id = CharField(max_length=128)
    # Kept until the last mail is sent or the invitation answered, then erased (set to None).
    email = CharField(max_length=254, null=True)
    name = CharField(max_length=200, null=True)
    email_hash = CharField(max_length=64, index=True)
    language = CharField(max_length=2, default="nl")
    touchpoint = CharField(max_length=64, null=True)
    completed_at = DateTimeField()
    # The id inside the signed links of its mails: the answer spends "invite:<invite_id>".
    invite_id = CharField(max_length=32, unique=True, default=lambda: secrets.token_urlsafe(12))
    # scheduled | sent | answered | unsubscribed | failed
    status = CharField(max_length=12, default="scheduled")
    invite_due_at = DateTimeField(index=True)
    reminder_due_at = DateTimeField(null=True, index=True)
    sent_at = DateTimeField(null=True)
    reminded_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("survey", "order_id"), True),)

    @classmethod
    def skip_reason(cls, survey: Survey, order: dict, hashes: list[str],
                    due: dt.datetime) -> str | None:
        """Why this order gets no invitation, or None when it gets one."""
        if survey.archived:  # its widget takes no answers: an invitation would lead nowhere
            return "archived"
        if not order.get("completed"):
            return "not_completed"
        if not order.get("email"):
            return "no_email"
        if cls.select().where(cls.survey == survey, cls.order_id == order["order_id"]).exists():
            return "duplicate"
        if Unsubscribe.holds(survey.site_id, hashes):
            return "unsubscribed"
        window = dt.timedelta(days=survey.invite_every_days)
        if window:
            # One statement: a copy of this order committed since the check above (PostgreSQL
            # reads each statement's own moment) is a duplicate, not a throttled address.
            recent = [row.order_id for row in cls.select(cls.order_id).where(
                cls.survey == survey, cls.email_hash.in_(hashes),
                cls.invite_due_at > due - window, cls.invite_due_at < due + window)]
            if recent:
                return "duplicate" if order["order_id"] in recent else "throttled"
        return None

    @classmethod
    def schedule(cls, survey: Survey, order: dict) -> tuple[Invitation | None, str | None]:
        """Schedule an order's invitation: (the invitation, None) or (None, the reason)."""
        completed = order.get("completed_at") or utcnow()
        due = completed + dt.timedelta(days=survey.invite_delay_days)
        hashes = email_hashes(order["email"]) if order.get("email") else []
        with write_transaction():
            reason = cls.skip_reason(survey, order, hashes, due)
            if reason:
                return None, reason
            touchpoint = order.get("touchpoint")
            try:
                with db.atomic():  # a savepoint: PostgreSQL goes on after the refusal
                    invitation = cls.create(
                        survey=survey, order_id=order["order_id"],
                        email=normalise_email(order["email"]), name=order.get("name") or None,
                        email_hash=hashes[0], language=order.get("language") or "nl",
                        touchpoint=touchpoint if touchpoint in survey.touchpoints else None,
                        completed_at=completed, invite_due_at=due)
            except IntegrityError:  # the same order, arriving twice at once
                return None, "duplicate"
        return invitation, None

    def delivered(self, kind: str, now: dt.datetime) -> None:
        """Its invitation or reminder was accepted by the mail server."""
        if kind == "reminder":
            Invitation.update(reminded_at=now).where(Invitation.id == self.id).execute()
            return
        changes: dict = {"sent_at": now}
        if self.status == "scheduled":
            changes["status"] = "sent"
            days = self.survey.reminder_after_days
            # The address was kept at composing only when a reminder is to follow.
            if days and self.email is not None:
                changes["reminder_due_at"] = now + dt.timedelta(days=days)
        Invitation.update(changes).where(Invitation.id == self.id).execute()

    def failed(self) -> None:
        """The mail server refused the address for good: no reminder, and it is erased."""
        (Invitation.update(status="failed", email=None, name=None, reminder_due_at=None)
         .where(Invitation.id == self.id, Invitation.status.in_(("scheduled", "sent")))
         .execute())
