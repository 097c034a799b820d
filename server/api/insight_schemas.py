"""What the API returns about comments and comparisons: themes, drivers, period changes."""

from __future__ import annotations

from marshmallow import Schema, fields

from ..schemas import ThemeSchema


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
                       "CSAT: two proportions; CES: Welch's t); null when either period has "
                       "fewer than 30 answers."})
    significant = fields.Boolean(required=True, metadata={
        "description": "Whether the difference lies outside its margin: a change that is "
                       "not significant is no clear change."})
    answers_needed = fields.Integer(allow_none=True, required=True, metadata={
        "description": "Answers per period needed to see a 5-point change (CES: 0.3) "
                       "as significant."})


class ThemeEffect(Schema):
    id = fields.String(required=True, metadata={"example": "delivery"})
    name = fields.String(required=True, metadata={"description": "In the survey's language."})
    n = fields.Integer(required=True, metadata={"description": "Commented answers about it."})
    share = fields.Float(allow_none=True, required=True,
                         metadata={"description": "n ÷ n_comments, 0..1."})
    score = fields.Float(allow_none=True, required=True,
                         metadata={"description": "The score of the answers about it."})
    margin_of_error = fields.Float(allow_none=True, required=True, metadata={
        "description": "95 % margin of `difference`; null (and `significant` false) when the "
                       "theme or the other comments number fewer than 30."})
    score_others = fields.Float(allow_none=True, required=True, metadata={
        "description": "The score of the other commented answers."})
    difference = fields.Float(allow_none=True, required=True,
                              metadata={"description": "score - score_others"})
    significant = fields.Boolean(required=True)
    impact = fields.Float(allow_none=True, required=True, metadata={
        "description": "difference × share: points of the commenters' score it accounts for."})


class ThemeReport(Schema):
    survey = fields.String(required=True)
    metric = fields.String(required=True)
    filters = fields.Dict(required=True)
    n_comments = fields.Integer(required=True, metadata={
        "description": "Answers with a comment within the filters."})
    themes = fields.List(fields.Nested(ThemeEffect), required=True, metadata={
        "description": "Drivers first: significant differences, then by impact."})


ThemeBody = ThemeSchema  # what PUT …/themes/<id> takes


class ThemeOut(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    keywords = fields.List(fields.String(), required=True)
    retagging = fields.Boolean(required=True, metadata={
        "description": "New answers are tagged with it at once; the stored comments by a "
                       "background job, within moments."})


class ThemeDeleted(Schema):
    id = fields.String(required=True)
    deleted = fields.Integer(required=True)
    retagging = fields.Boolean(required=True, metadata={
        "description": "The stored comments are tagged again by a background job."})
