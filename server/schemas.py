"""Marshmallow schemas: what owners may set, checked the same way in CLI, API and dashboard."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import urlsplit

from flask_babel import gettext as _
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    missing,
    post_load,
    pre_load,
    validate,
    validates,
    validates_schema,
)

from .scoring import METRICS, SCALES

TAG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
TAG_MESSAGE = "Use 1-64 lowercase letters, digits, '-' or '_'."


def normalise_origin(value: str) -> str:
    """'https://Shop.nl/path' -> 'https://shop.nl'; raises ValidationError when not an origin."""
    problem = ValidationError(f"{value!r} is not an origin like https://www.example.nl")
    try:
        parts = urlsplit(value.strip())
        port = f":{parts.port}" if parts.port else ""  # .port raises on "x:99999"
    except ValueError:  # e.g. "http://[::1": an unclosed IPv6 address
        raise problem from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise problem
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


class OwnerSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=10, max=200,
                                                      error="Use 10 to 200 characters."))

    @pre_load
    def tidy(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("email"), str):
            data = {**data, "email": data["email"].strip().lower()}
        return data


class SiteSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    origins = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    contact_email = fields.Email(load_default=None, allow_none=True)

    @validates("origins")
    def check_origins(self, value, **kwargs):
        for origin in value:
            normalise_origin(origin)

    @post_load
    def tidy(self, data, **kwargs):
        data["origins"] = list(dict.fromkeys(normalise_origin(o) for o in data["origins"]))
        return data


class SurveySchema(Schema):
    """Survey settings; partial loads update an existing survey."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    metric = fields.String(required=True, validate=validate.OneOf(METRICS))
    default_language = fields.String(load_default="nl", validate=validate.OneOf(("nl", "en")),
                                     data_key="lang")
    question_nl = fields.String(allow_none=True, validate=validate.Length(max=300))
    question_en = fields.String(allow_none=True, validate=validate.Length(max=300))
    touchpoints = fields.List(fields.String(validate=validate.Regexp(TAG, error=TAG_MESSAGE)),
                              load_default=list, validate=validate.Length(max=20))
    consent_mode = fields.String(load_default="anonymous",
                                 validate=validate.OneOf(("anonymous", "optional")))
    retention_days = fields.Integer(load_default=365, validate=validate.Range(min=1, max=3650))
    recontact_days = fields.Integer(load_default=90, validate=validate.Range(min=0, max=3650))
    sample_percent = fields.Integer(load_default=100, validate=validate.Range(min=1, max=100))
    active = fields.Boolean()

    @post_load
    def tidy(self, data, **kwargs):
        if "touchpoints" in data:
            data["touchpoints"] = list(dict.fromkeys(data["touchpoints"]))
        for key in ("question_nl", "question_en"):
            if key in data and data[key] is not None:
                data[key] = data[key].strip() or None
        return data


# Far-off years (0001, 9999) overflow the time-zone arithmetic of every score query:
# every date an owner gives (targets, filters) must lie within these.
SUPPORTED_DAYS = (datetime.date(1970, 1, 1), datetime.date(2999, 12, 31))


class TargetSchema(Schema):
    """A target value and due date, against a baseline period (nulmeting)."""

    target = fields.Float(required=True, allow_nan=False)
    due = fields.Date(required=True, validate=validate.Range(*SUPPORTED_DAYS))
    baseline_from = fields.Date(load_default=None, allow_none=True,
                                validate=validate.Range(*SUPPORTED_DAYS))
    baseline_to = fields.Date(load_default=None, allow_none=True,
                              validate=validate.Range(*SUPPORTED_DAYS))
    metric = fields.String(load_default=None, load_only=True)

    @validates_schema
    def check(self, data, **kwargs):
        start, end = data.get("baseline_from"), data.get("baseline_to")
        if (start is None) != (end is None):
            raise ValidationError("Give both ends of the baseline period, or neither.",
                                  "baseline_to" if end is None else "baseline_from")
        if start and end and start > end:
            raise ValidationError("The baseline must start before it ends.", "baseline_from")
        if end and data["due"] <= end:
            raise ValidationError("The due date must come after the baseline.", "due")
        low, high = (-100, 100) if data.get("metric") == "nps" else (0, 100)
        if data.get("metric") == "ces":
            low, high = SCALES["ces"]
        if not low <= data["target"] <= high:
            raise ValidationError(f"The target must lie between {low} and {high}.", "target")


def messages(error: ValidationError) -> dict[str, list[str]]:
    """Flatten marshmallow's messages to {field: [message, ...]} for the error shape."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            flat.setdefault(prefix or "_schema", []).extend(value)
        elif isinstance(value, list):
            for inner in value:
                walk(prefix, inner)
        else:
            flat.setdefault(prefix or "_schema", []).append(str(value))

    walk("", error.messages)
    return flat


# --- Visitor: what a respondent sends with the widget ------------------------------------
# Messages are translated when the schema is used (in a request, after g.lang is set), so a
# visitor reads them in the widget's language.

COMMENT_MAX = 2000
# A score sent as text ("7") is accepted; "7.5", "1e3" and 5,000-digit numbers are not.
# Not \s and \d: they admit characters (\x1f, other scripts' digits) that int() rejects.
WHOLE_NUMBER = re.compile(r"^[ \t]*-?[0-9]{1,6}[ \t]*$")
OPTIONAL_TEXT = ("comment", "contact", "touchpoint", "segment", "invite", "token")


def N_(text: str) -> str:
    """Mark a string for the catalogue; it is translated when an answer is refused."""
    return text


# In English, set once on the fields: translating them for every schema instance cost a
# visitor request 16 catalogue look-ups; now only a refused answer's messages are looked up.
VISITOR_MESSAGES = {
    "comment": {"invalid": N_("The comment must be text.")},
    "consent": {"invalid": N_("Consent must be yes or no.")},
    "contact": {"invalid": N_("Enter an e-mail address like name@example.com.")},
    "token": {"required": N_("This form is incomplete. Reload the page to answer."),
              "invalid": N_("This form is incomplete. Reload the page to answer.")},
    "score": {"required": N_("Choose a score."),
              "invalid": N_("The score must be a whole number.")},
    "touchpoint": {"invalid": N_("The touchpoint must be text.")},
    "segment": {"invalid": N_("The segment must be text.")},
    "invite": {"invalid": N_("This invitation link is not valid.")},
}
TRANSLATED_LATER = {text for problems in VISITOR_MESSAGES.values() for text in problems.values()}


def translated(value):
    """The messages of a refused answer, with the fields' own messages translated."""
    if isinstance(value, dict):
        return {key: translated(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [translated(inner) for inner in value]
    return _(value) if isinstance(value, str) and value in TRANSLATED_LATER else value


class VisitorDetailsSchema(Schema):
    """Comment, consent and contact: what a visitor may add to an answer (the second step)."""

    class Meta:
        unknown = EXCLUDE  # forms also carry their buttons' names

    comment = fields.String(load_default=None, allow_none=True,
                            error_messages=VISITOR_MESSAGES["comment"])
    consent = fields.Boolean(load_default=False, error_messages=VISITOR_MESSAGES["consent"])
    contact = fields.String(load_default=None, allow_none=True,
                            error_messages=VISITOR_MESSAGES["contact"])

    def __init__(self, survey, **kwargs):
        super().__init__(**kwargs)
        self.survey = survey
        # The defaults of the fields this schema leaves out (see for_survey).
        self.defaults = {name: field.load_default
                         for name, field in self.declared_fields.items()
                         if name not in self.load_fields and field.load_default is not missing}

    @classmethod
    def for_survey(cls, survey, sent: Iterable[str] | None = None) -> VisitorDetailsSchema:
        """A schema for the survey's rules and the names an answer holds (`sent`), shared by
        every answer under the same rules holding the same names.

        marshmallow copies every field for each new schema (a tenth of a visitor's answer);
        loading keeps no state in the schema, so one made for a set of rules serves all.
        marshmallow also takes every field it knows through a dozen calls, sent or not
        (most answers hold three of eight): this schema loads the required fields and those
        sent, and `load` gives the others their defaults, as a schema of all fields (`sent`
        None) does.
        """
        names = (None if sent is None else
                 required_fields(cls).union(cls._declared_fields.keys() & set(sent)))
        return _visitor_schema(cls, SurveyRules(survey.metric, tuple(survey.touchpoints),
                                                survey.consent_mode), names)

    def load(self, data, **kwargs):
        loaded = super().load(data, **kwargs)
        for name, default in self.defaults.items():
            loaded.setdefault(name, default)
        return loaded

    def handle_error(self, error: ValidationError, data, **kwargs):
        raise ValidationError(translated(error.messages), data=error.data,
                              valid_data=error.valid_data)

    @pre_load
    def tidy(self, data, **kwargs):
        if not isinstance(data, dict):
            return data  # marshmallow answers "Invalid input type"
        data = dict(data)
        for key in OPTIONAL_TEXT:
            if isinstance(data.get(key), str):
                data[key] = data[key].strip()
                if not data[key]:
                    del data[key]
        if data.get("consent") in ("", None):
            data.pop("consent", None)
        if isinstance(data.get("comment"), str):
            # Browsers send line breaks as CRLF but count them as one character.
            data["comment"] = data["comment"].replace("\r\n", "\n")
        for key in ("contact", "segment"):
            if isinstance(data.get(key), str):
                data[key] = data[key].lower()
        if isinstance(data.get("score"), str) and WHOLE_NUMBER.match(data["score"]):
            data["score"] = int(data["score"])
        return data

    @validates("comment")
    def check_comment(self, value, **kwargs):
        if value is not None and len(value) > COMMENT_MAX:
            raise ValidationError(_("Use at most %(max)s characters (now %(count)s).",
                                    max=COMMENT_MAX, count=len(value)))

    @validates_schema
    def check_consent(self, data, **kwargs):
        consent, contact = data.get("consent"), data.get("contact")
        if self.survey.consent_mode != "optional":
            if consent or contact:
                message = _("This survey is anonymous: it does not ask for contact details.")
                raise ValidationError(message, "contact" if contact else "consent")
            return
        if contact and not consent:
            raise ValidationError(_("Tick the box to let us contact you, or leave the e-mail "
                                    "address empty."), "contact")
        if consent and not contact:
            raise ValidationError(_("Enter the e-mail address we may contact you at."),
                                  "contact")
        if contact:
            try:
                validate.Email()(contact)
                validate.Length(max=254)(contact)
            except ValidationError:
                raise ValidationError(_("Enter an e-mail address like name@example.com."),
                                      "contact") from None


class VisitorResponseSchema(VisitorDetailsSchema):
    """A new answer: the form token, the score and where it was given, plus the details."""

    token = fields.String(required=True, error_messages=VISITOR_MESSAGES["token"])
    score = fields.Integer(required=True, strict=True, error_messages=VISITOR_MESSAGES["score"])
    touchpoint = fields.String(load_default=None, allow_none=True,
                               error_messages=VISITOR_MESSAGES["touchpoint"])
    segment = fields.String(load_default=None, allow_none=True,
                            error_messages=VISITOR_MESSAGES["segment"])
    invite = fields.String(load_default=None, allow_none=True,
                           error_messages=VISITOR_MESSAGES["invite"])

    @validates("score")
    def check_score(self, value, **kwargs):
        low, high = SCALES[self.survey.metric]
        if not low <= value <= high:
            raise ValidationError(_("Choose a score from %(low)s to %(high)s.",
                                    low=low, high=high))

    @validates("touchpoint")
    def check_touchpoint(self, value, **kwargs):
        if value is not None and value not in self.survey.touchpoints:
            raise ValidationError(_("Unknown touchpoint. This survey knows: %(names)s.",
                                    names=", ".join(self.survey.touchpoints) or "-"))

    @validates("segment")
    def check_segment(self, value, **kwargs):
        if value is not None and not TAG.match(value):
            raise ValidationError(_("Use a short tag: 1-64 lowercase letters, digits, '-' "
                                    "or '_'."))


class SurveyRules(NamedTuple):
    """What the visitor schemas check an answer against."""

    metric: str
    touchpoints: tuple[str, ...]
    consent_mode: str


@functools.cache
def required_fields(cls: type[Schema]) -> frozenset[str]:
    return frozenset(name for name, field in cls._declared_fields.items() if field.required)


@functools.lru_cache(maxsize=1024)
def _visitor_schema(cls: type[VisitorDetailsSchema], rules: SurveyRules,
                    names: frozenset[str] | None) -> VisitorDetailsSchema:
    return cls(rules, only=names)
