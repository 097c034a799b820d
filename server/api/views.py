"""The owner API (/api/v1): surveys, scores, targets, answers, CSV, invitations, AVG requests."""

from __future__ import annotations

import base64
import binascii
import re

from flask import Blueprint, current_app, jsonify, request, stream_with_context

from ..core.periods import iso, local_today
from ..core.scoring import GROUPS
from ..errors import ApiError
from ..models import Response, Survey
from ..models.responses import NoFollowup
from ..reports.comparisons import comparison, with_compared_period
from ..reports.counts import conditions
from ..reports.export import csv_lines, file_name
from ..reports.invitations import invitation_counts, invitation_page
from ..reports.queries import score_report, target_report
from ..reports.search import answer_filters
from ..retention import describe, forget, show_contact
from ..schemas import FollowupSchema, TargetSchema
from . import alerts, openapi, themes
from .auth import (
    authenticate,
    has_export_scope,
    owned_survey,
    require_export,
    site_surveys,
)
from .invitations import InvitationsQuery
from .invites import create_invites
from .params import load_body, load_query, period_filters
from .schemas import ContactQuery, CsvQuery, InviteBody, ResponsesQuery, ScoreQuery

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_ENDPOINTS = {"api.openapi_document"}
# The owner's follow-up note is about a person as much as the contact address is.
CONTACT_FIELDS = ("consent_at", "consent_version", "contact", "followup_note")
MAX_ID = 2**31 - 1  # PostgreSQL's integer: larger ids are no answer's
CURSOR = re.compile(r"^r(\d{1,18})$")


@bp.before_request
def check_token():
    """Every route but the OpenAPI document needs a valid, unrevoked token."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return authenticate()


def survey_json(survey: Survey) -> dict:
    return {
        "id": survey.id, "name": survey.name, "metric": survey.metric,
        "lang": survey.default_language, "touchpoints": survey.touchpoints,
        "active": survey.active, "consent_mode": survey.consent_mode,
        "retention_days": survey.retention_days, "scrub_comments": survey.scrub_comments,
        "scale_colours": survey.scale_colours, "archived": survey.archived,
        "why_questions": {group: {lang: survey.own_why_question(group, lang)
                                  for lang in ("nl", "en")} for group in GROUPS},
        "created_at": iso(survey.created_at),
        "snippet": survey.snippet(current_app.config["BASE_URL"]),
    }


@bp.get("/surveys")
def list_surveys():
    """The surveys of the token's site."""
    surveys = site_surveys().order_by(Survey.created_at, Survey.id)
    return jsonify(surveys=[survey_json(s) for s in surveys])


@bp.get("/surveys/<survey_id>")
def get_survey(survey_id: str):
    """One survey's settings and snippet."""
    return jsonify(survey_json(owned_survey(survey_id)))


@bp.get("/surveys/<survey_id>/score")
def score(survey_id: str):
    """Score, margin of error, trend, touchpoints and target progress."""
    survey = owned_survey(survey_id)
    params = load_query(ScoreQuery())
    filters = period_filters(survey, params)
    if not params["compare"]:
        return jsonify(score_report(survey, filters, params["interval"]))
    filters = with_compared_period(filters, local_today())
    return jsonify({**score_report(survey, filters, params["interval"]),
                    "comparison": comparison(survey, filters, params["compare"])})


@bp.put("/surveys/<survey_id>/target")
def set_target(survey_id: str):
    """Set the target value and date against a baseline period (nulmeting)."""
    survey = owned_survey(survey_id)
    data = load_body(TargetSchema(), {"metric": survey.metric})
    survey.set_target(data["target"], data["due"], data["baseline_from"], data["baseline_to"])
    return jsonify(survey=survey.id, target=target_report(survey, local_today()))


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"r{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    match = CURSOR.match(text)
    if not match:
        raise ApiError(422, "Some parameters are not valid.",
                       fields={"cursor": ["Use the next_cursor of a previous page."]})
    return int(match.group(1))


def response_json(response: Response, with_contact: bool) -> dict:
    data = {**describe(response), "themes": response.themes}
    if not with_contact:
        for key in CONTACT_FIELDS:
            data.pop(key)
    return data


@bp.get("/surveys/<survey_id>/responses")
def list_responses(survey_id: str):
    """Answers, newest first, a page at a time (contact data only with the export scope)."""
    survey = owned_survey(survey_id)
    params = load_query(ResponsesQuery())
    query = Response.select().where(*conditions(survey, period_filters(survey, params)),
                                    *answer_filters(survey, params["theme"], params["group"],
                                                   params["q"]))
    if params["cursor"]:
        # Keyset paging on the id: answers arriving meanwhile never shift a page.
        query = query.where(Response.id < decode_cursor(params["cursor"]))
    limit = params["limit"]
    rows = list(query.order_by(Response.id.desc()).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    return jsonify(items=[response_json(r, has_export_scope()) for r in rows],
                   next_cursor=encode_cursor(rows[-1].id) if more else None, limit=limit)


@bp.patch("/surveys/<survey_id>/responses/<int:response_id>")
def update_response(survey_id: str, response_id: int):
    """Mark an answer's follow-up contacted or resolved (or open again), with a note."""
    require_export()  # a read token changes nothing; the note is about a person
    survey = owned_survey(survey_id)
    response = Response.get_or_none(Response.id == response_id, Response.survey == survey.id) \
        if response_id <= MAX_ID else None
    if response is None:
        raise ApiError(404, "This survey has no answer with this id.")
    data = load_body(FollowupSchema())
    try:
        response = response.set_followup(data["followup"], data.get("note"),
                                         keep_note="note" not in data)
    except NoFollowup:
        raise ApiError(422, "This answer has no follow-up.", fields={"followup": [
            "Only unhappy answers and answers with consented contact details have one."]}) \
            from None
    return jsonify(response_json(response, with_contact=True))


@bp.get("/surveys/<survey_id>/responses.csv")
def export_csv(survey_id: str):
    """All matching answers as CSV, streamed (contact columns only with the export scope)."""
    survey = owned_survey(survey_id)
    params = load_query(CsvQuery())
    filters = period_filters(survey, params)
    # stream_with_context keeps the request, and so its database connection, open until
    # the last row has been sent.
    body = stream_with_context(csv_lines(survey, filters, params["dialect"], has_export_scope()))
    response = current_app.response_class(body, content_type="text/csv; charset=utf-8")
    name = file_name(survey, params["dialect"])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/surveys/<survey_id>/invitations")
def list_invitations(survey_id: str):
    """Invitations by e-mail: counts and the newest first (addresses only until sent)."""
    survey = owned_survey(survey_id)
    params = load_query(InvitationsQuery())
    page, more = invitation_page(survey, params["limit"], params["cursor"])
    if not has_export_scope():  # addresses, like contact details, need an export token
        page = [{**item, "email": None} for item in page]
    return jsonify(**invitation_counts(survey), invitations=page,
                   next_cursor=page[-1]["id"] if more else None, limit=params["limit"])


@bp.post("/surveys/<survey_id>/invites")
def invites(survey_id: str):
    """Signed invitation links, one per score, and an e-mail block to paste."""
    survey = owned_survey(survey_id)
    data = load_body(InviteBody(), optional=True)
    if data["touchpoint"] and data["touchpoint"] not in survey.touchpoints:
        raise ApiError(422, "Unknown touchpoint.", fields={
            "touchpoint": [f"Use one of the survey's touchpoints: "
                           f"{', '.join(survey.touchpoints) or 'none'}."]})
    if not survey.takes_answers:
        raise ApiError(409, "This survey is closed; open it before inviting anyone.")
    return jsonify(create_invites(survey, **data)), 201


def contact_request() -> tuple[str, list[str]]:
    require_export()
    contact = load_query(ContactQuery())["contact"]
    return contact, [s.id for s in site_surveys().select(Survey.id)]


@bp.get("/contacts")
def show_contact_data():
    """Everything stored for a contact address in this site's surveys (AVG access request)."""
    contact, surveys = contact_request()
    return jsonify(show_contact(contact, surveys=surveys))


@bp.delete("/contacts")
def forget_contact():
    """Erase every answer carrying this contact address in this site's surveys (AVG erasure)."""
    contact, surveys = contact_request()
    return jsonify(deleted=forget(contact, surveys=surveys))


bp.register_blueprint(themes.bp)
bp.register_blueprint(alerts.bp)


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3 description of this API."""
    return jsonify(openapi.document(current_app))
