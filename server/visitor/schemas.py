"""What a respondent sends with the widget: the score, then comment, consent and contact.

Messages are translated when an answer is refused (in the request, after g.lang is set), so a
visitor reads them in the widget's language; one schema serves every answer under the same
survey rules.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from flask_babel import gettext as _
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates,
    validates_schema,
)

from ..core.scoring import SCALES
from ..i18n import N_
from ..schemas import TAG, normalise_contact

COMMENT_MAX = 2000
CONTACT_MAX = 254
# The largest valid answer as sent: every character of comment, contact, touchpoint and
# segment may take 12 bytes (4 bytes of UTF-8 percent-encoded in a form, or a surrogate pair
# of \u escapes in JSON), plus room for the signed form and invitation tokens and the names;
# in whole KB (32).
ANSWER_MAX_BYTES = -(-(12 * (COMMENT_MAX + CONTACT_MAX + 2 * 64) + 4096) // 1024) * 1024
# A score sent as text ("7") is accepted; "7.5", "1e3" and 5,000-digit numbers are not.
# Not \s and \d: they admit characters (\x1f, other scripts' digits) that int() rejects.
WHOLE_NUMBER = re.compile(r"^[ \t]*-?[0-9]{1,6}[ \t]*$")
OPTIONAL_TEXT = ("comment", "contact", "touchpoint", "segment", "invite", "token")


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

    def __init__(self, survey: SurveyRules, **kwargs):
        super().__init__(**kwargs)
        self.survey = survey

    @classmethod
    def for_survey(cls, survey) -> VisitorDetailsSchema:
        """The schema for this survey's rules (loading keeps no state in it: it is shared)."""
        return schema_for(cls, SurveyRules(survey.metric, tuple(survey.touchpoints),
                                           survey.consent_mode))

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
        if isinstance(data.get("contact"), str):
            data["contact"] = normalise_contact(data["contact"])
        if isinstance(data.get("segment"), str):
            data["segment"] = data["segment"].lower()
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
                validate.Length(max=CONTACT_MAX)(contact)
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
            if not self.survey.touchpoints:
                raise ValidationError(_("This survey has no touchpoints: leave it out."))
            raise ValidationError(_("Unknown touchpoint. This survey knows: %(names)s.",
                                    names=", ".join(self.survey.touchpoints)))

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


@functools.lru_cache(maxsize=1024)
def schema_for(cls: type[VisitorDetailsSchema], rules: SurveyRules) -> VisitorDetailsSchema:
    return cls(rules)
