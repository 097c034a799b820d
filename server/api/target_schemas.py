"""What the owner API returns about a survey's target: for the OpenAPI document."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class Baseline(Schema):
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)
    value = fields.Float(allow_none=True, required=True)
    n = fields.Integer(required=True)


class Target(Schema):
    value = fields.Float(required=True)
    due = fields.Date(required=True)
    start = fields.Date(required=True, metadata={"description": "When the target period began."})
    baseline = fields.Nested(Baseline, allow_none=True, required=True)
    current = fields.Float(allow_none=True, required=True, metadata={
        "description": "The score over the answers since the target period began."})
    current_n = fields.Integer(required=True)
    current_from = fields.Date(required=True)
    progress_percent = fields.Float(allow_none=True, required=True)
    time_elapsed_percent = fields.Float(required=True)
    on_track = fields.Boolean(allow_none=True, required=True)
    reached = fields.Boolean(required=True)
    days_left = fields.Integer(required=True)


class TargetRange(Schema):
    months = fields.List(fields.Integer(), required=True)
    low = fields.Float(required=True)
    high = fields.Float(required=True)


class SuggestionBasis(Baseline):
    kind = fields.String(required=True, validate=validate.OneOf(("baseline", "recent")))


class SuggestedTargets(Schema):
    short_term = fields.Nested(TargetRange, required=True,
                               metadata={"description": "2-5 % better within 3-6 months"})
    long_term = fields.Nested(TargetRange, required=True,
                              metadata={"description": "5-15 % better within 1-3 years"})
    based_on = fields.Nested(SuggestionBasis, required=True)


class TargetResult(Schema):
    survey = fields.String(required=True)
    target = fields.Nested(Target, required=True)
