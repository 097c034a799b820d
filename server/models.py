"""The data model: owners, sites, surveys, responses, tokens. Nothing identifies a visitor."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from html import escape

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
    fn,
)
from werkzeug.security import check_password_hash, generate_password_hash

from .db import db, surveys_changed


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


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Watched(BaseModel):
    """Rows that widget requests keep in memory (widget.SurveyRows): every write, through
    save(), create(), delete_instance() or a query, marks the kept rows stale."""


def _marks_surveys_changed(name: str) -> classmethod:
    """peewee's query-building classmethod `name`, marking kept rows stale first."""

    def marking(cls, *args, **kwargs):
        surveys_changed()
        return getattr(super(Watched, cls), name)(*args, **kwargs)

    marking.__name__ = name
    return classmethod(marking)


# Every way peewee writes rows starts at one of these (save and create included).
for _name in ("insert", "insert_many", "insert_from", "replace", "replace_many", "update",
              "delete"):
    setattr(Watched, _name, _marks_surveys_changed(_name))


class Owner(Watched):  # deleting one deletes its sites and surveys
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


class Site(Watched):
    owner = ForeignKeyField(Owner, backref="sites", on_delete="CASCADE")
    name = CharField(max_length=200)
    origins = ListField(default=list)
    # The controller named in the privacy notice and the address for AVG requests.
    contact_email = CharField(max_length=254, null=True)
    created_at = DateTimeField(default=utcnow)


class Survey(Watched):
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
    # it in UsedToken (server/responses.py).
    token_id = CharField(max_length=64, null=True)

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
