"""The schemas of GET /surveys/<id>/invitations: counts and a page of invitations."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

MAX_PAGE = 200


class InvitationsQuery(Schema):
    cursor = fields.Integer(load_default=None, validate=validate.Range(min=1), metadata={
        "description": "`next_cursor` of the previous page; leave out for the newest."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE),
                           metadata={"description": f"Invitations per page, at most {MAX_PAGE}."})


class InvitationItem(Schema):
    id = fields.Integer(required=True)
    order_id = fields.String(required=True)
    status = fields.String(required=True, metadata={
        "enum": ["scheduled", "sent", "answered", "unsubscribed", "failed"]})
    email = fields.String(allow_none=True, metadata={
        "description": "Only for an `export` token, and only until the invitation is sent: "
                       "no address is kept after that."})
    language = fields.String(required=True)
    touchpoint = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    invite_due_at = fields.String(allow_none=True)
    sent_at = fields.String(allow_none=True)
    reminder_due_at = fields.String(allow_none=True)
    reminded_at = fields.String(allow_none=True)
    last_error = fields.String(allow_none=True, metadata={
        "description": "What the mail server said at the last failed attempt, if any."})


class InvitationReport(Schema):
    scheduled = fields.Integer(required=True)
    sent = fields.Integer(required=True)
    answered = fields.Integer(required=True)
    unsubscribed = fields.Integer(required=True)
    failed = fields.Integer(required=True, metadata={
        "description": "Refused for good by the mail server."})
    retrying = fields.Integer(required=True, metadata={
        "description": "Mails waiting for another attempt after a failed one."})
    waiting = fields.Integer(required=True, metadata={"description": "Mails in the outbox."})
    response_rate = fields.Float(required=True, allow_none=True, metadata={
        "description": "answered ÷ sent, from 0 to 1; null before anything was sent."})
    invitations = fields.List(fields.Nested(InvitationItem), required=True)
    next_cursor = fields.Integer(required=True, allow_none=True)
    limit = fields.Integer(required=True)
