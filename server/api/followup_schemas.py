"""What the API returns about following up answers: per answer, and the loop's figures."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..core.followups import STATUSES


class FollowupFields(Schema):
    """An answer's follow-up, part of every response item."""

    followup = fields.String(allow_none=True, validate=validate.OneOf(STATUSES), metadata={
        "description": "Unhappy answers (NPS 0-6, CSAT 1-2, CES 1-3) and answers with "
                       "consented contact start `open`; others have none (null)."})
    followup_note = fields.String(allow_none=True, metadata={
        "description": "The owner's note; export scope only."})
    followup_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "When the follow-up last changed."})
    followup_contacted_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "When it was first marked contacted."})
    followup_resolved_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "When it was resolved (null once reopened)."})


class LoopFigures(Schema):
    open = fields.Integer(required=True)
    contacted = fields.Integer(required=True)
    resolved = fields.Integer(required=True)
    median_hours_to_contact = fields.Float(allow_none=True, required=True, metadata={
        "description": "From the answer to its first contact, over the contacted answers."})
    within_48h_percent = fields.Float(allow_none=True, required=True, metadata={
        "description": "Share first contacted within 48 h, of the contacted answers and the "
                       "ones still open after 48 h (answers resolved without contact, and "
                       "open ones younger than 48 h, are not counted)."})


class FollowupReport(Schema):
    """The loop's figures, part of the score report."""

    followups = fields.Nested(LoopFigures, required=True, metadata={
        "description": "Follow-ups of the answers given within the filters."})
