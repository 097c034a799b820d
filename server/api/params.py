"""Reading the owner API's query strings and bodies, with the one error shape."""

from __future__ import annotations

from flask import request
from marshmallow import Schema, ValidationError

from ..errors import ApiError
from ..models import Survey
from ..reports.counts import Filters, known_touchpoint
from ..schemas import messages


def load_query(schema: Schema) -> dict:
    try:
        return schema.load(request.args.to_dict())
    except ValidationError as exc:
        raise ApiError(422, "Some parameters are not valid.", fields=messages(exc)) from None


def load_body(schema: Schema, extra: dict | None = None, optional: bool = False) -> dict:
    # silent: a malformed or non-JSON body is the client's mistake (400), never a 500.
    data = request.get_json(silent=True)
    if data is None and optional and not request.get_data():
        data = {}
    if not isinstance(data, dict):
        raise ApiError(400, "Send a JSON object with 'Content-Type: application/json'.")
    try:
        return schema.load({**data, **(extra or {})})
    except ValidationError as exc:
        raise ApiError(422, "Some fields are not valid.", fields=messages(exc)) from None


def period_filters(survey: Survey, params: dict) -> Filters:
    touchpoint = params.get("touchpoint")
    if touchpoint and not known_touchpoint(survey, touchpoint):
        known = ", ".join(survey.touchpoints) or "none"
        raise ApiError(422, "Unknown touchpoint.", fields={
            "touchpoint": [f"This survey has no touchpoint {touchpoint!r} (it has: {known})."]})
    return Filters(params.get("date_from"), params.get("date_to"), touchpoint,
                   params.get("segment"))
