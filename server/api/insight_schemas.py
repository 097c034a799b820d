"""What the API returns about comments and comparisons: themes, drivers, period changes."""

from __future__ import annotations

from marshmallow import Schema, fields


class Comparison(Schema):
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)
    n = fields.Integer(required=True)
    score = fields.Float(allow_none=True, required=True, metadata={
        "description": "The earlier period's score."})
    difference = fields.Float(allow_none=True, required=True, metadata={
        "description": "This period's score minus the earlier period's."})
    margin_of_error = fields.Float(allow_none=True, required=True, metadata={
        "description": "95 % margin of the difference (NPS: two independent estimates; "
                       "CSAT: two proportions; CES: Welch's t)."})
    significant = fields.Boolean(required=True, metadata={
        "description": "Whether the difference lies outside its margin: a change that is "
                       "not significant is no clear change."})
    answers_needed = fields.Integer(allow_none=True, required=True, metadata={
        "description": "Answers per period needed to see a 5-point change (CES: 0.3) "
                       "as significant."})
