"""Surveys: their question, scale, consent texts and targets."""

from __future__ import annotations

from html import escape

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    SmallIntegerField,
    TextField,
    fn,
)

from ..core.scrub import scrub
from ..db import db
from ..i18n import N_
from .base import BaseModel, ListField, Versioned, new_public_id, translated, utcnow
from .sites import Owner, Site


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
    # E-mail addresses, phone numbers, IBANs and postcodes in comments become placeholders.
    scrub_comments = BooleanField(default=True)
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

    def stored_comment(self, text: str | None) -> str | None:
        """A comment as it is stored: scrubbed of personal details unless the owner chose not."""
        return scrub(text) if self.scrub_comments else text

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
