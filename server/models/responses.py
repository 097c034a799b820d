"""Answers, and the single-use ids they spend. Nothing identifies a visitor."""

from __future__ import annotations

import contextlib
import datetime as dt

from peewee import (
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    IntegrityError,
    Select,
    SmallIntegerField,
    TextField,
    Value,
    fn,
)

from ..core.followups import CONTACTED, OPEN, RESOLVED, STATUSES, first_status, unhappy
from ..db import scrub_erased, write_transaction
from .base import BaseModel, utcnow
from .outbox import invitation_answered
from .surveys import Survey
from .themes import ThemesField, comment_fields

FORM_MAX_AGE = 24 * 3600  # a widget form may be sent for a day after it was shown
INVITE_MAX_AGE = 30 * 24 * 3600  # an e-mail is often read days later
# How long after the click a comment, consent or contact may still be added.
SECOND_STEP_WINDOW = dt.timedelta(hours=24)


class AlreadyAnswered(Exception):
    """The form token (or the invitation) was spent before: one answer per form."""


class TooLate(Exception):
    """The second step came after its window closed; the score itself is kept."""


class NoFollowup(Exception):
    """The answer is neither unhappy nor left contact details: there is nothing to follow up."""


def consent_fields(survey: Survey, answer: dict, now: dt.datetime) -> dict:
    """Contact, consent time and consent-text version: stored only when consent is given."""
    if not (answer.get("consent") and answer.get("contact")):
        return {}
    return {"contact": answer["contact"], "consent_at": now,
            "consent_version": survey.consent_version}


class Response(BaseModel):
    """One visitor's answer. No IP address, user agent, cookie or host page: by design."""

    survey = ForeignKeyField(Survey, backref="responses", on_delete="CASCADE")
    score = SmallIntegerField()
    comment = TextField(null=True)  # scrubbed unless the survey says not (comment_fields)
    themes = ThemesField(null=True)  # ids of the themes the comment is about
    touchpoint = CharField(max_length=64, null=True)
    segment = CharField(max_length=64, null=True)
    # From an e-mail invitation: the shop's order number, so it can follow up on its side.
    reference = CharField(max_length=64, null=True)
    language = CharField(max_length=2, default="nl")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(null=True)
    consent_at = DateTimeField(null=True)
    consent_version = IntegerField(null=True)
    # Indexed for look-ups by address, but only where one is held (below).
    contact = CharField(max_length=254, null=True)
    # The id of the form token this answer spent, while that token could still be sent
    # (a day): its unique index refuses a second answer with the same form, in the one
    # statement that stores the answer. The daily purge clears it; an erased answer leaves
    # it in UsedToken (Response.erase_all).
    token_id = CharField(max_length=64, null=True)
    # The shop's follow-up (core/followups.py): open, contacted or resolved, else NULL; the
    # owner's note, the last change, the first contact and when it was resolved.
    followup = CharField(max_length=9, null=True)
    followup_note = TextField(null=True)
    followup_at = DateTimeField(null=True)
    followup_contacted_at = DateTimeField(null=True)
    followup_resolved_at = DateTimeField(null=True)

    @classmethod
    def record(cls, survey: Survey, answer: dict, token_id: str, language: str,
               invite: dict | None = None) -> Response:
        """Store an answer, spending its form token (and invitation); AlreadyAnswered if spent.

        The token id sits under a unique index, so a replay fails in the database itself,
        across workers and instances. Without an invitation this is one statement.
        """
        now = utcnow()
        fields = {
            "score": answer["score"], **comment_fields(survey, answer.get("comment")),
            "touchpoint": answer.get("touchpoint"), "segment": answer.get("segment"),
            "language": language, "created_at": now, "token_id": token_id,
            **consent_fields(survey, answer, now),
        }
        fields["followup"] = first_status(survey.metric, answer["score"], "contact" in fields)
        fields["followup_at"] = now if fields["followup"] else None
        if invite:
            fields.update(touchpoint=invite["touchpoint"] or fields["touchpoint"],
                          segment=invite["segment"] or fields["segment"],
                          reference=invite["reference"])
        try:
            with write_transaction() if invite else contextlib.nullcontext():
                if invite:
                    UsedToken.create(token_id=invite["id"],
                                     expires_at=now + dt.timedelta(seconds=INVITE_MAX_AGE))
                answer_id = cls.insert_unless_spent(survey, fields)
                if answer_id is None:
                    raise AlreadyAnswered  # inside the transaction: the invitation rolls back
                if invite:  # an e-mailed invitation: no reminder, and its address is erased
                    invitation_answered(invite["id"])
        except IntegrityError:
            raise AlreadyAnswered from None
        return cls(id=answer_id, survey=survey, **fields)

    @classmethod
    def insert_unless_spent(cls, survey: Survey, fields: dict) -> int | None:
        """INSERT ... SELECT the values while the survey is open and unless an erased answer
        left the token spent; the new id, or None."""
        given = {name: value for name, value in fields.items() if value is not None}
        columns = [cls.survey, *(getattr(cls, name) for name in given)]  # the rest stay NULL
        # unpack=False: a list (the themes) is one value for its field to convert, not a tuple.
        values = [Value(survey.id), *(Value(value, converter=getattr(cls, name).db_value,
                                            unpack=False) for name, value in given.items())]
        spent = UsedToken.select().where(UsedToken.token_id == fields["token_id"])
        # From the survey's own row: a survey closed, archived or deleted since the form was
        # shown takes no answer, without a query of its own.
        source = (Select(from_list=[Survey], columns=values)
                  .where(Survey.id == survey.id, Survey.taking_answers(), ~fn.EXISTS(spent)))
        query = cls.insert_from(source, columns)
        row = next(iter(query.returning(cls.id).tuples().execute()), None)
        return row[0] if row else None

    def second_step_open(self, now: dt.datetime | None = None) -> bool:
        """Whether a comment, consent or contact may still be added to this answer."""
        return (now or utcnow()) - self.created_at <= SECOND_STEP_WINDOW

    def second_step_closes(self) -> dt.datetime:
        return self.created_at + SECOND_STEP_WINDOW

    def add_details(self, details: dict) -> Response:
        """The second step: a comment, and contact details when consent is given."""
        now = utcnow()
        if not self.second_step_open(now):
            raise TooLate
        changes = consent_fields(self.survey, details, now)
        if details.get("comment"):
            changes.update(comment_fields(self.survey, details["comment"]))
        if "contact" in changes and self.followup is None:
            changes.update(followup=OPEN, followup_at=now)
        if changes:
            changes["updated_at"] = now
            with write_transaction():
                Response.update(**changes).where(Response.id == self.id).execute()
            for name, value in changes.items():
                setattr(self, name, value)
        return self

    def set_followup(self, status: str, note: str | None, keep_note: bool = False) -> Response:
        """The owner's move: the first contact time is set once and kept; the resolved time
        is set on resolving and cleared when the follow-up is opened again."""
        if status not in STATUSES:
            raise ValueError(f"unknown follow-up status {status!r}")
        if self.followup is None:
            raise NoFollowup
        now = utcnow()
        changes = {
            Response.followup: status, Response.followup_at: now,
            # In SQL, so two people marking the same answer keep the earliest contact.
            Response.followup_contacted_at: fn.COALESCE(Response.followup_contacted_at, now)
            if status == CONTACTED else Response.followup_contacted_at,
            Response.followup_resolved_at: fn.COALESCE(Response.followup_resolved_at, now)
            if status == RESOLVED else None,
        }
        if not keep_note:
            changes[Response.followup_note] = note or None
        with write_transaction():
            Response.update(changes).where(Response.id == self.id).execute()
        return Response.get_by_id(self.id)

    def withdraw_consent(self) -> Response:
        """Remove the contact address and the consent that came with it."""
        changes = {"contact": None, "consent_at": None, "consent_version": None,
                   "updated_at": utcnow()}
        # A content answer was followed up only to reply: with nobody left to reply to, an
        # untouched follow-up ends. One the shop acted on, or an unhappy answer's, stays.
        if (self.followup == OPEN and self.followup_contacted_at is None
                and not unhappy(self.survey.metric, self.score)):
            changes.update(followup=None, followup_at=None, followup_note=None)
        with write_transaction():
            Response.update(**changes).where(Response.id == self.id).execute()
        scrub_erased()
        for name, value in changes.items():
            setattr(self, name, value)
        return self

    def erase(self) -> int:
        """Delete the answer: it is gone from scores, listings and exports."""
        return Response.erase_all([self.id])

    @classmethod
    def erase_all(cls, ids: list[int]) -> int:
        """Delete these answers; their form tokens, while still valid, stay spent."""
        if not ids:
            return 0
        with write_transaction():
            held = (cls.select(cls.token_id, cls.created_at)
                    .where(cls.id.in_(ids), cls.token_id.is_null(False)).tuples())
            spent = [{"token_id": token_id,
                      "expires_at": created + dt.timedelta(seconds=FORM_MAX_AGE)}
                     for token_id, created in held]
            if spent:
                UsedToken.insert_many(spent).on_conflict_ignore().execute()
            deleted = cls.delete().where(cls.id.in_(ids)).execute()
        scrub_erased()
        return deleted

    class Meta:
        indexes = (
            (("survey", "created_at"), False),
            # Score counts on SQLite: one step into this index per touchpoint, score and
            # period counts the answers without reading the table or sorting (server/counts.py).
            (("survey", "touchpoint", "score", "created_at"), False),
        )


# Most answers hold no contact address: storing them then leaves this index alone.
Response.add_index(Response.index(Response.contact, name="response_contact",
                                  where=Response.contact.is_null(False)))
# The follow-up inbox and its counts read only the answers that have a follow-up.
Response.add_index(Response.index(Response.survey, Response.followup, Response.created_at,
                                  name="response_followup",
                                  where=Response.followup.is_null(False)))
# Only the answers of the last day hold a token id: the index holds nothing else.
Response.add_index(Response.index(Response.token_id, unique=True, name="response_token_id",
                                  where=Response.token_id.is_null(False)))


class UsedToken(BaseModel):
    """Spent single-use ids that no answer holds: invitations, and the form tokens of
    erased answers until they expire. The unique index makes spending atomic."""

    token_id = CharField(max_length=64, unique=True)
    expires_at = DateTimeField(index=True)
