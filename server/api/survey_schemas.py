"""Owner API schemas of a survey as the API returns it (for the OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class Wording(Schema):
    nl = fields.String(required=True, allow_none=True)
    en = fields.String(required=True, allow_none=True)


class WhyQuestions(Schema):
    promoters = fields.Nested(Wording, required=True)
    passives = fields.Nested(Wording, required=True)
    detractors = fields.Nested(Wording, required=True)


class SurveyOut(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    metric = fields.String(required=True, validate=validate.OneOf(("nps", "csat", "ces")))
    lang = fields.String(required=True)
    touchpoints = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)
    consent_mode = fields.String(required=True)
    retention_days = fields.Integer(required=True)
    scrub_comments = fields.Boolean(required=True, metadata={
        "description": "Comments are stored with e-mail addresses, phone numbers, IBANs and "
                       "postcodes replaced by [email], [phone], [iban], [postcode]."})
    scale_colours = fields.Boolean(required=True, metadata={
        "description": "The widget's scale is coloured by kind of answer (red, orange, green), "
                       "each with its own line pattern too."})
    why_questions = fields.Nested(WhyQuestions, required=True, metadata={
        "description": "The owner's wording of the second step's question (\"why?\") per kind "
                       "of answer and language; null: the standard question."})
    archived = fields.Boolean(required=True, metadata={
        "description": "Archived in the dashboard (or with its site): it takes no answers and "
                       "its answers are kept."})
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    snippet = fields.String(required=True, metadata={"description": "The line to paste."})


class SurveyList(Schema):
    surveys = fields.List(fields.Nested(SurveyOut), required=True)
