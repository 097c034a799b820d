"""Surveys: their question, scale, consent texts and targets."""

from __future__ import annotations

import threading
from collections import OrderedDict
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

from ..core.periods import local_today
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
    invite_delay_days = IntegerField(default=7)  # 0: the invitation goes at once
    reminder_after_days = IntegerField(default=0)  # 0: no reminder
    invite_every_days = IntegerField(default=90)  # per address
    baseline_from = DateField(null=True)
    baseline_to = DateField(null=True)
    target_value = FloatField(null=True)
    target_due = DateField(null=True)
    target_set_at = DateField(null=True)
    active = BooleanField(default=True)
    # E-mail addresses, phone numbers, IBANs and postcodes in comments become placeholders.
    scrub_comments = BooleanField(default=True)
    # The widget's scale coloured by kind of answer (detractors red, passives orange, promoters
    # green), each also with its own line pattern.
    scale_colours = BooleanField(default=False)
    # The second step's "why?" per kind of answer and language; None: the standard question.
    why_promoters_nl = TextField(null=True)
    why_promoters_en = TextField(null=True)
    why_passives_nl = TextField(null=True)
    why_passives_en = TextField(null=True)
    why_detractors_nl = TextField(null=True)
    why_detractors_en = TextField(null=True)
    created_at = DateTimeField(default=utcnow)
    # Set while archived: no new answers, invitations or alerts; answers kept, read-only.
    archived_at = DateTimeField(null=True)
    # Whether any alert watches the survey: not a column, read when the survey is kept (see
    # KeptSurveys), which an alert's coming or going makes happen again by bumping `version`.
    watched = None

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
    # Each kind of answer gets its own "why?": what to keep, what to improve, what went wrong.
    WHY_QUESTIONS = {
        "promoters": N_("What did you like most? (optional)"),
        "passives": N_("What could we do better? (optional)"),
        "detractors": N_("What disappointed you? (optional)"),
    }
    SCALE_ENDS = {
        "nps": (N_("not at all likely"), N_("extremely likely")),
        "csat": (N_("very dissatisfied"), N_("very satisfied")),
        "ces": (N_("very difficult"), N_("very easy")),
    }

    def question(self, lang: str) -> str:
        """The question as the visitor reads it in `lang`: the owner's own, or the standard."""
        custom = self.question_en if lang == "en" else self.question_nl
        return custom or self.standard_question(lang)

    def standard_question(self, lang: str) -> str:
        """The metric's standard question in `lang`."""
        return translated(lang, self.QUESTIONS[self.metric])

    def own_why_question(self, group: str, lang: str) -> str | None:
        """The owner's wording of the "why?" for `group` in `lang`, if they gave one."""
        return getattr(self, f"why_{group}_{'en' if lang == 'en' else 'nl'}") or None

    def set_target(self, target: float, due, baseline_from, baseline_to) -> None:
        """Aim for `target` by `due` against the baseline (nulmeting) period; the progress
        counts from today, the shop's day in Amsterdam, however the target was set."""
        self.target_value, self.target_due = target, due
        self.baseline_from, self.baseline_to = baseline_from, baseline_to
        self.target_set_at = local_today()
        self.save(only=[Survey.target_value, Survey.target_due, Survey.baseline_from,
                        Survey.baseline_to, Survey.target_set_at])

    @classmethod
    def standard_why_question(cls, group: str, lang: str) -> str:
        """The second step's standard question for `group` in `lang`."""
        return translated(lang, cls.WHY_QUESTIONS[group])

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

    @property
    def archived(self) -> bool:
        """Archived itself or with its site (read with the site joined)."""
        return self.archived_at is not None or self.site.archived_at is not None

    @property
    def takes_answers(self) -> bool:
        return self.active and not self.archived

    @classmethod
    def taking_answers(cls):
        """The SQL condition of `takes_answers`, on the survey's row alone (no join)."""
        archived_sites = Site.select(Site.id).where(Site.archived_at.is_null(False))
        return ((cls.active == True) & cls.archived_at.is_null()  # noqa: E712 (SQL)
                & cls.site.not_in(archived_sites))

    @classmethod
    def not_archived(cls):
        """Surveys neither archived nor of an archived site (with Site joined)."""
        return cls.archived_at.is_null() & Site.archived_at.is_null()

    @classmethod
    def open_with_site(cls, survey_id: str, active_only: bool = True) -> Survey | None:
        """The survey and its site as a visitor's request reads them (shared; do not change)."""
        return KEPT.get(survey_id, active_only)

    @classmethod
    def as_shown(cls, survey_id: str, versions: tuple | None) -> Survey | None:
        """The survey as it was when a form was shown at `versions`, if this process still
        keeps it; an answer is checked against the rules of the form the visitor saw."""
        return KEPT.shown(survey_id, versions)

    @classmethod
    def owned_by(cls, owner: Owner):
        return cls.select(cls, Site).join(Site).where(Site.owner == owner)

    @classmethod
    def visible_to(cls, owner: Owner | None):
        """The surveys of every site this login may open (its own and its teams')."""
        return cls.select(cls, Site).join(Site).where(
            Site.id.in_(Site.visible_to(owner).select(Site.id)))

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


class KeptSurveys:
    """Surveys with their sites as the visitor pages read them, kept per process.

    Each look-up still asks the database for the survey's and its site's `version` (which
    every change bumps, see `Versioned`), so a change made anywhere shows in the very next
    request; only the wide row, and building its query of every column, is saved. The least
    recently used of `size` surveys goes first.
    """

    def __init__(self, size: int = 256):
        self.size = size
        self.kept: OrderedDict[str, tuple[tuple[int, int], Survey]] = OrderedDict()
        self.lock = threading.Lock()

    def shown(self, survey_id: str, versions: tuple | None) -> Survey | None:
        """The kept survey if it is at these versions (no query); else None."""
        with self.lock:
            kept = self.kept.get(survey_id)
        return kept[1] if kept is not None and kept[0] == versions else None

    def get(self, survey_id: str, active_only: bool = True) -> Survey | None:
        """The survey with its site, None when there is none (or it is closed)."""
        query = (Survey.select(Survey.version, Site.version,
                               Survey.active & Survey.not_archived()).join(Site)
                 .where(Survey.id == survey_id).tuples())
        row = next(iter(query), None)
        if row is None or (active_only and not row[2]):
            return None
        versions = (row[0], row[1])
        with self.lock:
            kept = self.kept.get(survey_id)
            if kept is not None and kept[0] == versions:
                self.kept.move_to_end(survey_id)
                return kept[1]
        survey = (Survey.select(Survey, Site).join(Site)
                  .where(Survey.id == survey_id).get_or_none())
        if survey is None or (active_only and not survey.takes_answers):
            return None
        survey.watched = survey.alerts.exists()
        with self.lock:
            self.kept[survey_id] = ((survey.version, survey.site.version), survey)
            while len(self.kept) > self.size:
                self.kept.popitem(last=False)
        return survey


class ConsentText(BaseModel):
    """Every wording of a survey's consent question ever shown, kept readable."""

    survey = ForeignKeyField(Survey, backref="consent_texts", on_delete="CASCADE")
    version = IntegerField()
    text_nl = TextField()
    text_en = TextField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("survey", "version"), True),)


KEPT = KeptSurveys()
