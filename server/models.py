"""The data model: owners, sites, surveys, responses, tokens. Nothing identifies a visitor."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import secrets
from html import escape

from flask import has_request_context
from flask_babel import force_locale, get_locale, gettext
from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    IntegrityError,
    Model,
    Select,
    SmallIntegerField,
    TextField,
    Value,
    fn,
)
from werkzeug.security import check_password_hash, generate_password_hash

from .db import db, write_transaction
from .i18n import N_


def utcnow() -> dt.datetime:
    """Naive UTC, the one time zone stored."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_public_id() -> str:
    # 96 random bits: the survey id appears in public snippets, so it must not be guessable.
    return secrets.token_urlsafe(12)


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


class Owner(BaseModel):  # deleting one deletes its sites and surveys
    email = CharField(max_length=254, unique=True)
    password_hash = CharField(max_length=255)
    language = CharField(max_length=2, default="nl")
    created_at = DateTimeField(default=utcnow)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @classmethod
    def by_email(cls, email: str) -> Owner | None:
        return cls.get_or_none(cls.email == email.strip().lower())


class Site(Versioned):
    owner = ForeignKeyField(Owner, backref="sites", on_delete="CASCADE")
    name = CharField(max_length=200)
    origins = ListField(default=list)
    # The controller named in the privacy notice and the address for AVG requests.
    contact_email = CharField(max_length=254, null=True)
    created_at = DateTimeField(default=utcnow)


class Survey(Versioned):
    id = CharField(primary_key=True, max_length=32, default=new_public_id)
    site = ForeignKeyField(Site, backref="surveys", on_delete="CASCADE")
    name = CharField(max_length=200)
    metric = CharField(max_length=4)  # nps | csat | ces
    default_language = CharField(max_length=2, default="nl")
    question_nl = TextField(null=True)  # None: the standard question of the metric
    question_en = TextField(null=True)
    touchpoints = ListField(default=list)
    consent_mode = CharField(max_length=10, default="anonymous")  # anonymous | optional
    consent_version = IntegerField(default=1)
    retention_days = IntegerField(default=365)
    recontact_days = IntegerField(default=90)
    sample_percent = SmallIntegerField(default=100)
    baseline_from = DateField(null=True)
    baseline_to = DateField(null=True)
    target_value = FloatField(null=True)
    target_due = DateField(null=True)
    target_set_at = DateField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    DEFAULT_CONSENT = {
        "nl": "Ja, {site} mag mij over deze feedback contact opnemen via het e-mailadres "
              "hieronder. Ik kan deze toestemming altijd intrekken.",
        "en": "Yes, {site} may contact me about this feedback at the e-mail address below. "
              "I can withdraw this consent at any time.",
    }

    # The standard wording of each metric (the widget's catalogue); owners may set their own.
    QUESTIONS = {
        "nps": N_("How likely are you to recommend us to friends or colleagues?"),
        "csat": N_("How satisfied are you with your experience with us?"),
        "ces": N_("How easy was it to arrange what you wanted?"),
    }
    SCALE_ENDS = {
        "nps": (N_("not at all likely"), N_("extremely likely")),
        "csat": (N_("very dissatisfied"), N_("very satisfied")),
        "ces": (N_("very difficult"), N_("very easy")),
    }

    def question(self, lang: str) -> str:
        """The question as the visitor reads it in `lang`: the owner's own, or the standard."""
        custom = self.question_en if lang == "en" else self.question_nl
        if custom:
            return custom
        return translated(lang, self.QUESTIONS[self.metric])

    def scale_ends(self, lang: str) -> tuple[str, str]:
        """What the lowest and the highest score mean, in `lang`."""
        low, high = self.SCALE_ENDS[self.metric]
        return translated(lang, low), translated(lang, high)

    @classmethod
    def create_for(cls, site: Site, **settings) -> Survey:
        """A new survey with its first consent text (version 1)."""
        settings.setdefault("name", settings.get("metric", "survey").upper())
        with db.atomic():
            survey = cls.create(site=site, **settings)
            ConsentText.create(
                survey=survey, version=1,
                text_nl=cls.DEFAULT_CONSENT["nl"].format(site=site.name),
                text_en=cls.DEFAULT_CONSENT["en"].format(site=site.name),
            )
        return survey

    @classmethod
    def owned_by(cls, owner: Owner):
        return cls.select(cls, Site).join(Site).where(Site.owner == owner)

    def consent_text(self, version: int | None = None) -> ConsentText | None:
        return ConsentText.get_or_none(
            ConsentText.survey == self, ConsentText.version == (version or self.consent_version)
        )

    def set_consent_text(self, text_nl: str, text_en: str) -> ConsentText:
        """A changed wording is a new version; earlier answers keep pointing at theirs."""
        current = self.consent_text()
        if current and (current.text_nl, current.text_en) == (text_nl, text_en):
            return current
        with db.atomic():
            self.consent_version = (
                ConsentText.select(fn.MAX(ConsentText.version)).where(
                    ConsentText.survey == self).scalar() or 0
            ) + 1
            self.save(only=[Survey.consent_version])
            return ConsentText.create(survey=self, version=self.consent_version,
                                      text_nl=text_nl, text_en=text_en)

    def snippet(self, base_url: str, touchpoint: str | None = None) -> str:
        """The one line an owner pastes into their site."""
        touchpoint = touchpoint or (self.touchpoints[0] if self.touchpoints else None)
        extra = f' data-touchpoint="{escape(touchpoint)}"' if touchpoint else ""
        return (f'<script src="{base_url}/embed.js" data-survey="{self.id}"{extra} '
                f'async></script>')


class ConsentText(BaseModel):
    """Every wording of a survey's consent question ever shown, kept readable."""

    survey = ForeignKeyField(Survey, backref="consent_texts", on_delete="CASCADE")
    version = IntegerField()
    text_nl = TextField()
    text_en = TextField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("survey", "version"), True),)


FORM_MAX_AGE = 24 * 3600  # a widget form may be sent for a day after it was shown
INVITE_MAX_AGE = 30 * 24 * 3600  # an e-mail is often read days later
# How long after the click a comment, consent or contact may still be added.
SECOND_STEP_WINDOW = dt.timedelta(hours=24)


class AlreadyAnswered(Exception):
    """The form token (or the invitation) was spent before: one answer per form."""


class TooLate(Exception):
    """The second step came after its window closed; the score itself is kept."""


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
    comment = TextField(null=True)
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

    @classmethod
    def record(cls, survey: Survey, answer: dict, token_id: str, language: str,
               invite: dict | None = None) -> Response:
        """Store an answer, spending its form token (and invitation); AlreadyAnswered if spent.

        The token id sits under a unique index, so a replay fails in the database itself,
        across workers and instances. Without an invitation this is one statement.
        """
        now = utcnow()
        fields = {
            "score": answer["score"], "comment": answer.get("comment"),
            "touchpoint": answer.get("touchpoint"), "segment": answer.get("segment"),
            "language": language, "created_at": now, "token_id": token_id,
            **consent_fields(survey, answer, now),
        }
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
        except IntegrityError:
            raise AlreadyAnswered from None
        return cls(id=answer_id, survey=survey, **fields)

    @classmethod
    def insert_unless_spent(cls, survey: Survey, fields: dict) -> int | None:
        """INSERT ... SELECT the values unless an erased answer left the token spent; the id."""
        columns = [cls.survey, *(getattr(cls, name) for name in fields)]
        values = [Value(survey.id), *(Value(value, converter=getattr(cls, name).db_value)
                                      for name, value in fields.items())]
        spent = UsedToken.select().where(UsedToken.token_id == fields["token_id"])
        query = cls.insert_from(Select(columns=values).where(~fn.EXISTS(spent)), columns)
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
            changes["comment"] = details["comment"]
        if changes:
            changes["updated_at"] = now
            with write_transaction():
                Response.update(**changes).where(Response.id == self.id).execute()
            for name, value in changes.items():
                setattr(self, name, value)
        return self

    def withdraw_consent(self) -> Response:
        """Remove the contact address and the consent that came with it."""
        with write_transaction():
            Response.update(contact=None, consent_at=None, consent_version=None,
                            updated_at=utcnow()).where(Response.id == self.id).execute()
        self.contact = self.consent_at = self.consent_version = None
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
            return cls.delete().where(cls.id.in_(ids)).execute()

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
# Only the answers of the last day hold a token id: the index holds nothing else.
Response.add_index(Response.index(Response.token_id, unique=True, name="response_token_id",
                                  where=Response.token_id.is_null(False)))


class UsedToken(BaseModel):
    """Spent single-use ids that no answer holds: invitations, and the form tokens of
    erased answers until they expire. The unique index makes spending atomic."""

    token_id = CharField(max_length=64, unique=True)
    expires_at = DateTimeField(index=True)


class ApiToken(BaseModel):
    site = ForeignKeyField(Site, backref="api_tokens", on_delete="CASCADE")
    name = CharField(max_length=100, default="")
    scope = CharField(max_length=10, default="read")  # read | export
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)

    PREFIX = "tvr_"

    @classmethod
    def issue(cls, site: Site, scope: str = "read", name: str = "") -> tuple[ApiToken, str]:
        """Create a token; the plain value is returned once and never stored."""
        plain = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.create(site=site, scope=scope, name=name, token_hash=cls.digest(plain))
        return token, plain

    @staticmethod
    def digest(plain: str) -> str:
        return hashlib.sha256(plain.encode()).hexdigest()


class Job(BaseModel):
    """Housekeeping runs (the daily purge), claimed atomically by one worker at a time."""

    name = CharField(max_length=32, primary_key=True)
    last_run_at = DateTimeField(null=True)
    claimed_until = DateTimeField(null=True)


MODELS = [Owner, Site, Survey, ConsentText, Response, UsedToken, ApiToken, Job]
