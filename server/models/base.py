"""What every model shares: the database, naive UTC times, versions, list columns."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from flask import has_request_context
from flask_babel import force_locale, get_locale, gettext
from peewee import (
    CharField,
    DateTimeField,
    IntegerField,
    Model,
    TextField,
)

from ..db import db, write_transaction


def utcnow() -> dt.datetime:
    """Naive UTC, the one time zone stored."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_public_id() -> str:
    # 96 random bits: the survey id appears in public snippets, so it must not be guessable.
    # Never a leading '-': a command line would read the id as an option.
    while (value := secrets.token_urlsafe(12)).startswith("-"):
        pass
    return value


class ListField(TextField):
    """A list of short strings, kept as JSON text (origins, touchpoints)."""

    def db_value(self, value):
        return json.dumps(list(value or []))

    def python_value(self, value):
        return json.loads(value) if value else []


def translated(lang: str, text: str) -> str:
    """`text` from the catalogue in `lang`, forcing the locale only when it is not the request's
    (Flask-Babel's force_locale swaps a setting that all threads share)."""
    if has_request_context() and str(get_locale()) == lang:
        return gettext(text)
    with force_locale(lang):
        return gettext(text)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Versioned(BaseModel):
    """A row whose every change bumps `version`: what is rendered from it is kept by version."""

    version = IntegerField(default=1)

    @classmethod
    def update(cls, __data=None, **update):
        # save() writes through update() too, so every way of changing the row bumps it.
        changes = {**(__data or {}), **update}
        changes.pop("version", None)
        changes.pop(cls.version, None)
        return super().update(changes, version=cls.version + 1)


class Leased(BaseModel):
    """Work a worker claims for a while (a mail, a webhook delivery): the next due row that
    nobody holds, taken by one conditional UPDATE, so two workers never take the same one.
    A worker that dies holding it gives it up when `LEASE` runs out."""

    LEASE = dt.timedelta(minutes=10)
    status = CharField(max_length=10, default="waiting")  # waiting | sent | failed
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(index=True)
    claimed_until = DateTimeField(null=True)
    last_error = CharField(max_length=300, null=True)
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)

    @classmethod
    def claim_next(cls, now: dt.datetime):
        """The next row that is due and held by nobody, now held; None when there is none."""
        due = ((cls.status == "waiting") & (cls.next_attempt_at <= now)
               & (cls.claimed_until.is_null() | (cls.claimed_until < now)))
        with write_transaction():
            row = cls.select().where(due).order_by(cls.next_attempt_at, cls.id).first()
            if row is None:
                return None
            taken = (cls.update(claimed_until=now + cls.LEASE, attempts=cls.attempts + 1)
                     .where(due & (cls.id == row.id)).execute())
        return cls.get_by_id(row.id) if taken else cls.claim_next(now)
