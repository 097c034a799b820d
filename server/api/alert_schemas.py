"""The schemas of alerts: the one check of a new alert (API, CLI and dashboard), and what the
API returns."""

from __future__ import annotations

from urllib.parse import urlsplit

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from ..core.alerts import InvalidRule, parse_rule, refused_address
from ..core.scoring import METRICS
from ..schemas import normalise_contact

MAX_EMAILS = 10
WHEN = ("`detractor` (NPS 0-6, CSAT 1-2, CES 1-3), `score-at-most:N` (N on the survey's scale) "
        "or `keyword:WORD` (whole words in any case, with their Dutch and English forms).")


class AlertBody(Schema):
    """A new alert of a survey with this metric (which sets what a score may be)."""

    class Meta:
        unknown = RAISE

    def __init__(self, metric: str = "nps", **kwargs) -> None:
        super().__init__(**kwargs)
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r}")
        self.metric = metric

    when = fields.String(required=True, metadata={"description": WHEN})
    emails = fields.List(fields.Email(validate=validate.Length(max=254)), load_default=list,
                         validate=validate.Length(max=MAX_EMAILS), metadata={
                             "description": f"At most {MAX_EMAILS} addresses to mail."})
    webhook_url = fields.URL(load_default=None, allow_none=True, require_tld=False,
                             schemes={"http", "https"}, validate=validate.Length(max=2000),
                             metadata={"description": "An http(s) URL to POST the signed "
                                                      "JSON to."})

    @validates("webhook_url")
    def check_webhook_url(self, value: str | None, **kwargs) -> None:
        if value and refused_address(urlsplit(value).hostname or ""):
            raise ValidationError("Webhooks never go to link-local or special addresses (a "
                                  "cloud's metadata service lives there).")

    @validates_schema(skip_on_field_errors=False)
    def check(self, data: dict, **kwargs) -> None:
        if data.get("when") is not None:
            try:
                parse_rule(data["when"], self.metric)
            except InvalidRule as exc:
                raise ValidationError(f"{exc}.", "when") from None
        # A field that failed its own check is absent here: then it is not "missing" too.
        if data.get("emails", [None]) == [] and data.get("webhook_url", "") is None:
            raise ValidationError("Give at least one e-mail address or a webhook URL.",
                                  "emails")

    @post_load
    def tidy(self, data: dict, **kwargs) -> dict:
        data["when"] = str(parse_rule(data["when"], self.metric))
        data["emails"] = list(dict.fromkeys(normalise_contact(e) for e in data["emails"]))
        return data


class Delivery(Schema):
    response = fields.Integer(required=True, metadata={"description": "The answer's id."})
    channel = fields.String(required=True, metadata={"enum": ["email", "webhook"]})
    status = fields.String(required=True, metadata={
        "enum": ["waiting", "sent", "failed"],
        "description": "An e-mail is `sent` once it is in the outbox, which retries it; a "
                       "webhook once the receiver answered 2xx. Failed: not delivered in 24 h."})
    attempts = fields.Integer(required=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.String(required=True)
    sent_at = fields.String(allow_none=True)
    next_attempt_at = fields.String(allow_none=True)


class AlertOut(Schema):
    id = fields.String(required=True)
    survey = fields.String(required=True)
    when = fields.String(required=True)
    emails = fields.List(fields.String(), required=True)
    webhook_url = fields.String(allow_none=True, metadata={
        "description": "Whole for an `export` token; a `read` token sees only its origin "
                       "(a chat tool's webhook URL is itself a key)."})
    created_at = fields.String(required=True)
    deliveries = fields.List(fields.Nested(Delivery), metadata={
        "description": "The latest deliveries, newest first."})


class AlertCreated(AlertOut):
    secret = fields.String(allow_none=True, metadata={
        "description": "Only in this answer: the key of the webhook's X-Tevreden-Signature "
                       "(sha256=<hex HMAC-SHA256 of the raw body>). Null without a webhook."})


class AlertList(Schema):
    alerts = fields.List(fields.Nested(AlertOut), required=True)


class AlertDeleted(Schema):
    id = fields.String(required=True)
    deleted = fields.Integer(required=True)
