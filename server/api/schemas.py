"""Owner API schemas: query strings and bodies it accepts, and (for OpenAPI) what it returns."""

from __future__ import annotations

import re

from marshmallow import (
    EXCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from ..core.periods import COMPARISONS, INTERVALS
from ..core.scoring import GROUPS
from ..schemas import SUPPORTED_DAYS, TAG, TAG_MESSAGE, normalise_contact
from .followup_schemas import FollowupFields, FollowupReport
from .insight_schemas import Comparison
from .survey_schemas import SurveyList, SurveyOut  # noqa: F401 (the OpenAPI document names them here)
from .target_schemas import (  # noqa: F401 (the OpenAPI document names them here)
    Baseline,
    SuggestedTargets,
    Target,
    TargetResult,
)

# An order number or ticket id: enough for the shop to follow up, never who the customer is.
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,63}$")
REFERENCE_MESSAGE = ("Use a short opaque tag such as an order number (1-64 letters, digits or "
                     ". _ : / # -); no e-mail addresses, names or spaces: it must not be "
                     "personal data.")
CSV_DIALECTS = ("standard", "excel-nl")
MAX_PAGE = 500
MAX_INVITES = 100


class QuerySchema(Schema):
    """Query strings: parameters a client does not know about are ignored, as elsewhere."""

    class Meta:
        unknown = EXCLUDE


class BodySchema(Schema):
    class Meta:
        unknown = RAISE


class PeriodQuery(QuerySchema):
    date_from = fields.Date(data_key="from", load_default=None,
                            validate=validate.Range(*SUPPORTED_DAYS), metadata={
        "description": "First day, inclusive, as YYYY-MM-DD in Europe/Amsterdam time."})
    date_to = fields.Date(data_key="to", load_default=None,
                          validate=validate.Range(*SUPPORTED_DAYS), metadata={
        "description": "Last day, inclusive, as YYYY-MM-DD in Europe/Amsterdam time."})
    touchpoint = fields.String(load_default=None, validate=validate.Length(max=64), metadata={
        "description": "Only answers given at this touchpoint (one of the survey's)."})
    segment = fields.String(load_default=None, validate=validate.Regexp(TAG, error=TAG_MESSAGE),
                            metadata={"description": "Only answers with this segment tag."})

    @validates_schema
    def check_period(self, data, **kwargs):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError("'from' must not be after 'to'.", "from")


class ScoreQuery(PeriodQuery):
    interval = fields.String(load_default="month", validate=validate.OneOf(INTERVALS), metadata={
        "description": "Length of each period in `series`: Amsterdam days, ISO weeks or "
                       "calendar months."})
    compare = fields.String(load_default=None, validate=validate.OneOf(COMPARISONS), metadata={
        "description": "Add `comparison`: the period against the one just before it "
                       "(`previous`) or the same days a year earlier (`year`). Without "
                       "`from`/`to` the period is the last 30 days up to today."})


class ResponsesQuery(PeriodQuery):
    q = fields.String(load_default=None, validate=validate.Length(max=200), metadata={
        "description": "Words the comment holds, each in any of its forms (bezorging finds "
                       "bezorgd and bezorger): the database's full-text search."})
    theme = fields.String(load_default=None, validate=validate.Regexp(TAG, error=TAG_MESSAGE),
                          metadata={"description": "Only answers whose comment is about this "
                                    "theme (an id from GET …/themes)."})
    group = fields.String(load_default=None, validate=validate.OneOf(GROUPS), metadata={
        "description": "NPS promoters (9-10), passives (7-8) or detractors (0-6); CSAT 4-5, "
                       "3, 1-2; CES 5-7, 4, 1-3."})
    cursor = fields.String(load_default=None, validate=validate.Length(max=100), metadata={
        "description": "`next_cursor` of the previous page; leave out for the newest answers."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE),
                           metadata={"description": f"Answers per page, at most {MAX_PAGE}."})


class CsvQuery(PeriodQuery):
    dialect = fields.String(load_default="standard", validate=validate.OneOf(CSV_DIALECTS),
                            metadata={"description": "`standard`: comma, ISO 8601 UTC times. "
                                      "`excel-nl`: semicolon, a byte-order mark and "
                                      "dd-mm-yyyy HH:MM Amsterdam times, so Dutch Excel "
                                      "opens it in columns."})


class ContactQuery(QuerySchema):
    contact = fields.Email(required=True, validate=validate.Length(max=254), metadata={
        "description": "The e-mail address a respondent left with their consent (compared "
                       "after Unicode NFKC normalisation and case folding)."})

    @pre_load
    def tidy(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("contact"), str):
            data = {**data, "contact": normalise_contact(data["contact"])}
        return data


class InviteBody(BodySchema):
    touchpoint = fields.String(load_default=None, allow_none=True,
                               validate=validate.Length(max=64),
                               metadata={"description": "One of the survey's touchpoints."})
    segment = fields.String(load_default=None, allow_none=True,
                            validate=validate.Regexp(TAG, error=TAG_MESSAGE))
    reference = fields.String(load_default=None, allow_none=True,
                              validate=validate.Regexp(REFERENCE, error=REFERENCE_MESSAGE),
                              metadata={"description": "An order or ticket number, so the "
                                        "shop can follow up on its side. Not personal data."})
    lang = fields.String(load_default=None, allow_none=True,
                         validate=validate.OneOf(("nl", "en")),
                         metadata={"description": "Language of the widget and the e-mail "
                                   "block; the survey's language when left out."})
    count = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_INVITES),
                           metadata={"description": "How many invitations (each answered once)."})


class TargetBody(BodySchema):
    """The body of PUT /target (checked by server.schemas.TargetSchema, shown here for docs)."""

    target = fields.Float(required=True, metadata={
        "description": "NPS -100..100, CSAT 0..100 (percent), CES 1..7."})
    due = fields.Date(required=True, metadata={"description": "When the target should be met."})
    baseline_from = fields.Date(allow_none=True, metadata={
        "description": "Start of the baseline period (nulmeting), ideally 3-6 months; a "
                       "measurement of the past, so today (Europe/Amsterdam) at the latest."})
    baseline_to = fields.Date(allow_none=True, metadata={
        "description": "End of the baseline, today at the latest."})


class ErrorDetail(Schema):
    code = fields.String(required=True, metadata={"example": "invalid"})
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", keys=fields.String(),
                          values=fields.List(fields.String()), required=True,
                          metadata={"description": "Messages per parameter or body field."})


class Error(Schema):
    error = fields.Nested(ErrorDetail, required=True)


class Health(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})
    reason = fields.String(metadata={"description": "Why the service is unavailable."})


class Summary(Schema):
    """n, score and margin of error; the other figures depend on the metric."""

    n = fields.Integer(required=True)
    score = fields.Float(allow_none=True, required=True, metadata={
        "description": "NPS -100..100; CSAT % of 4-5; CES mean on 1..7. null when n = 0."})
    margin_of_error = fields.Float(allow_none=True, required=True,
                                   metadata={"description": "95 % margin, in score units."})
    low_sample = fields.Boolean(required=True, metadata={"description": "n < 30"})
    promoters = fields.Integer(metadata={"description": "NPS: answers 9-10"})
    passives = fields.Integer(metadata={"description": "NPS: answers 7-8"})
    detractors = fields.Integer(metadata={"description": "NPS: answers 0-6"})
    promoters_percent = fields.Float(allow_none=True)
    passives_percent = fields.Float(allow_none=True)
    detractors_percent = fields.Float(allow_none=True)
    mean = fields.Float(allow_none=True, metadata={"description": "CSAT: mean answer"})
    satisfied = fields.Integer(metadata={"description": "CSAT: answers 4-5"})
    easy_percent = fields.Float(allow_none=True, metadata={"description": "CES: % of 5-7"})
    easy = fields.Integer(metadata={"description": "CES: answers 5-7"})
    distribution = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                               metadata={"description": "Answers per scale point."})


class Period(Summary):
    period = fields.String(required=True, metadata={"example": "2026-W19"})
    start = fields.Date(required=True)
    end = fields.Date(required=True, metadata={"description": "Last day, inclusive."})


class TouchpointSummary(Summary):
    touchpoint = fields.String(allow_none=True, required=True,
                               metadata={"description": "null: answers without a touchpoint"})


class FilterEcho(Schema):
    from_ = fields.Date(data_key="from", allow_none=True, required=True)
    to = fields.Date(allow_none=True, required=True)
    touchpoint = fields.String(allow_none=True, required=True)
    segment = fields.String(allow_none=True, required=True)


class ScoreReport(Summary, FollowupReport):
    survey = fields.String(required=True)
    metric = fields.String(required=True)
    interval = fields.String(required=True)
    series = fields.List(fields.Nested(Period), required=True)
    touchpoints = fields.List(fields.Nested(TouchpointSummary), required=True)
    filters = fields.Nested(FilterEcho, required=True)
    target = fields.Nested(Target, allow_none=True, required=True)
    suggested_targets = fields.Nested(SuggestedTargets, allow_none=True, required=True)
    comparison = fields.Nested(Comparison, metadata={"description": "Only with `compare`."})


class ResponseItem(FollowupFields):
    id = fields.Integer(required=True)
    survey = fields.String(required=True)
    score = fields.Integer(required=True)
    comment = fields.String(allow_none=True, required=True)
    touchpoint = fields.String(allow_none=True, required=True)
    segment = fields.String(allow_none=True, required=True)
    reference = fields.String(allow_none=True, required=True)
    language = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    consent_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "export scope only"})
    consent_version = fields.Integer(allow_none=True, metadata={"description": "export scope only"})
    contact = fields.String(allow_none=True, metadata={"description": "export scope only"})
    themes = fields.List(fields.String(), metadata={
        "description": "Ids of the themes the comment is about (in GET …/responses)."})


class ResponsePage(Schema):
    items = fields.List(fields.Nested(ResponseItem), required=True)
    next_cursor = fields.String(allow_none=True, required=True,
                                metadata={"description": "null on the last page"})
    limit = fields.Integer(required=True)


class ScoreLink(Schema):
    score = fields.Integer(required=True)
    url = fields.String(required=True)


class Invite(Schema):
    token = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "The widget, no score chosen."})
    links = fields.List(fields.Nested(ScoreLink), required=True)
    html = fields.String(required=True, metadata={
        "description": "A ready-to-paste e-mail block with a link per score."})


class InviteResult(Schema):
    survey = fields.String(required=True)
    expires_at = fields.DateTime(required=True)
    invites = fields.List(fields.Nested(Invite), required=True)


class ContactReport(Schema):
    contact = fields.String(required=True)
    count = fields.Integer(required=True)
    responses = fields.List(fields.Nested(ResponseItem), required=True)
    invitations = fields.List(fields.Dict(), required=True, metadata={
        "description": "Pending e-mail invitations that still hold the address."})


class Deleted(Schema):
    deleted = fields.Integer(required=True)
