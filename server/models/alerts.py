"""Alerts on answers (a rule, e-mail addresses and/or a webhook) and their deliveries: one
row per alert, answer and channel, with its attempts, so the dashboard shows each one."""

from __future__ import annotations

import datetime as dt
import secrets

from peewee import CharField, DateTimeField, ForeignKeyField

from ..db import write_transaction
from .base import BaseModel, Leased, ListField, new_public_id, utcnow
from .responses import Response
from .surveys import Survey

CHANNELS = ("email", "webhook")
# A webhook receiver that is down gets the alert again with waits doubling from 30 seconds
# (the first retry comes within a minute) up to an hour, for a day; then it is given up.
FIRST_WAIT = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(hours=1)
GIVE_UP_AFTER = dt.timedelta(hours=24)
LEASE = dt.timedelta(minutes=5)  # a worker that died holding a delivery gives it up after this


def watched_changed(survey_id: str) -> None:
    """Bump the survey's version: each process then reads again whether alerts watch it."""
    Survey.update().where(Survey.id == survey_id).execute()


def backoff(attempts: int) -> dt.timedelta:
    return min(FIRST_WAIT * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


class Alert(BaseModel):
    id = CharField(primary_key=True, max_length=32, default=new_public_id)
    survey = ForeignKeyField(Survey, backref="alerts", on_delete="CASCADE")
    rule = CharField(max_length=80)  # detractor | score-at-most:N | keyword:WORD
    emails = ListField(default=list)
    webhook_url = CharField(max_length=2000, null=True)
    # Stored as given: signing needs the secret itself; it is shown once, when created.
    secret = CharField(max_length=64, null=True)
    created_at = DateTimeField(default=utcnow)
    # Answers up to this time have been looked at: an alert never fires for older ones.
    checked_until = DateTimeField()

    @classmethod
    def issue(cls, survey: Survey, rule: str, emails: list[str], webhook_url: str | None
              ) -> Alert:
        now = utcnow()
        with write_transaction():
            alert = cls.create(survey=survey, rule=rule, emails=emails, webhook_url=webhook_url,
                               secret=secrets.token_urlsafe(32) if webhook_url else None,
                               created_at=now, checked_until=now)
            watched_changed(survey.id)
        return alert

    @classmethod
    def withdraw(cls, *where) -> int:
        """Delete the alerts that match (with their deliveries); how many there were."""
        with write_transaction():
            surveys = [a.survey_id for a in cls.select(cls.survey).where(*where)]
            deleted = cls.delete().where(*where).execute()
            for survey_id in set(surveys):
                watched_changed(survey_id)
        return deleted

    def channels(self) -> list[str]:
        return [c for c, held in zip(CHANNELS, (self.emails, self.webhook_url), strict=True)
                if held]

    def advance(self, seen: dt.datetime, until: dt.datetime) -> bool:
        """Mark answers up to `until` as looked at, unless another worker did since `seen`."""
        return bool(Alert.update(checked_until=until).where(
            Alert.id == self.id, Alert.checked_until == seen).execute())


class AlertDelivery(Leased):
    LEASE = LEASE
    alert = ForeignKeyField(Alert, backref="deliveries", on_delete="CASCADE")
    # An erased answer takes its deliveries with it: they name its score and comment.
    response = ForeignKeyField(Response, on_delete="CASCADE")
    channel = CharField(max_length=8)  # email | webhook

    class Meta:
        indexes = ((("alert", "response", "channel"), True),)

    def mark_sent(self, now: dt.datetime) -> None:
        AlertDelivery.update(status="sent", sent_at=now, claimed_until=None,
                             last_error=None).where(AlertDelivery.id == self.id).execute()

    def mark_failed(self, now: dt.datetime, error: str) -> None:
        """Tried again after a wait, until a day after the answer; then failed for good."""
        changes: dict = {"claimed_until": None, "last_error": error[:300]}
        next_attempt = now + backoff(self.attempts)
        if next_attempt - self.created_at > GIVE_UP_AFTER:
            changes["status"] = "failed"
        else:
            changes["next_attempt_at"] = next_attempt
        AlertDelivery.update(changes).where(AlertDelivery.id == self.id).execute()
