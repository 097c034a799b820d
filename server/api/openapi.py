"""The OpenAPI 3 document, generated with apispec from the API's marshmallow schemas."""

from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from .. import __version__
from ..schemas import FollowupSchema
from . import alert_schemas as a
from . import insight_schemas as i
from . import invitations
from . import schemas as s

DESCRIPTION = """\
Read scores, trends and answers of your surveys, set targets, export CSV, create e-mail
invitations and answer privacy (AVG) requests.

Send a token in every request: `Authorization: Bearer <token>` (create one in the
dashboard or with `tevreden create-token`). A token belongs to one site and sees only
that site's surveys; any other survey id answers 404, exactly like one that does not
exist. Scopes: `read` sees scores and answers without contact data; `export` also sees
the contact columns and follow-up notes, may answer access and erasure requests
(`/contacts`), may mark an answer's follow-up (PATCH …/responses/<id>) and may create and
delete alerts (which send answers and consented contacts out). Both scopes may set a survey's
target: both belong to the owner of the site.

Dates are calendar days in Europe/Amsterdam; times in JSON are ISO 8601 UTC.
Errors always look like `{"error": {"code", "message", "fields"}}`.
"""

ERRORS = {
    "400": ("BadRequest", "The body is not a JSON object."),
    "401": ("Unauthorized", "No token, an unknown token or a revoked one."),
    "403": ("Forbidden", "The token's scope does not allow this (needs `export`)."),
    "404": ("NotFound", "No such survey (or answer) for this token's site."),
    "409": ("Conflict", "The survey is closed."),
    "413": ("PayloadTooLarge", "The body is larger than 32 KB (the largest valid answer)."),
    "422": ("Invalid", "A parameter or field is not valid; `fields` names it."),
    "503": ("Unavailable", "The database does not answer."),
}
RESPONSE_ID = {"in": "path", "name": "response_id", "required": True,
               "schema": {"type": "integer"}, "description": "The answer's id."}
SURVEY_ID = {"in": "path", "name": "survey_id", "required": True,
             "schema": {"type": "string"}, "description": "The survey's public id."}
THEME_ID = {"in": "path", "name": "theme_id", "required": True, "schema": {"type": "string"},
            "description": "A theme id: a built-in one (delivery, returns, price, quality, "
                           "service, payment, website, packaging) or the owner's own."}


def ok(schema, description: str = "OK", status: str = "200") -> dict:
    return {status: {"description": description,
                     "content": {"application/json": {"schema": schema}}}}


def errors(*statuses: str) -> dict:
    return {code: {"$ref": f"#/components/responses/{ERRORS[code][0]}"} for code in statuses}


CSV_OK = {"200": {
    "description": "UTF-8 CSV, streamed. Columns: id, created_at, score, group (NPS: promotor, "
                   "passief, criticaster), comment, touchpoint, segment, reference, language, "
                   "themes (the comment's theme ids, comma-separated; the names with "
                   "`dialect=excel-nl`), followup (open, contacted, resolved or empty); "
                   "with an `export` token also consent_at, consent_version, contact. Cells a "
                   "spreadsheet would run as a formula start with a single quote.",
    "headers": {"Content-Disposition": {
        "description": "attachment; filename=\"tevreden-<survey>-<YYYY-MM-DD>.csv\"",
        "schema": {"type": "string"}}},
    "content": {"text/csv": {"schema": {"type": "string"}}}}}

# One entry per (endpoint, method); a test checks every route of the blueprint is here.
OPERATIONS: dict[tuple[str, str], dict] = {
    ("api.list_surveys", "get"): {"responses": {**ok(s.SurveyList), **errors("401")}},
    ("api.get_survey", "get"): {"parameters": [SURVEY_ID],
                                "responses": {**ok(s.SurveyOut), **errors("401", "404")}},
    ("api.score", "get"): {
        "parameters": [SURVEY_ID, {"in": "query", "schema": s.ScoreQuery}],
        "responses": {**ok(s.ScoreReport), **errors("401", "404", "422")}},
    ("api.set_target", "put"): {
        "description": "Allowed for `read` and `export` tokens alike.",
        "parameters": [SURVEY_ID],
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": s.TargetBody}}},
        "responses": {**ok(s.TargetResult), **errors("400", "401", "404", "413", "422")}},
    ("api.list_responses", "get"): {
        "parameters": [SURVEY_ID, {"in": "query", "schema": s.ResponsesQuery}],
        "responses": {**ok(s.ResponsePage), **errors("401", "404", "422")}},
    ("api.update_response", "patch"): {
        "description": "Needs an `export` token: a `read` token changes nothing. Unhappy "
                       "answers (NPS 0-6, CSAT 1-2, CES 1-3) and answers with consented "
                       "contact have a follow-up; others answer 422. The first contact time "
                       "is kept once set; the resolved time is cleared when reopened.",
        "parameters": [SURVEY_ID, RESPONSE_ID],
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": FollowupSchema}}},
        "responses": {**ok(s.ResponseItem),
                      **errors("400", "401", "403", "404", "413", "422")}},
    ("api.export_csv", "get"): {
        "parameters": [SURVEY_ID, {"in": "query", "schema": s.CsvQuery}],
        "responses": {**CSV_OK, **errors("401", "404", "422")}},
    ("api.invites", "post"): {
        "parameters": [SURVEY_ID],
        "requestBody": {"required": False,
                        "content": {"application/json": {"schema": s.InviteBody}}},
        "responses": {**ok(s.InviteResult, "Invitations created", "201"),
                      **errors("400", "401", "404", "409", "413", "422")}},
    ("api.list_invitations", "get"): {
        "parameters": [SURVEY_ID, {"in": "query", "schema": invitations.InvitationsQuery}],
        "responses": {**ok(invitations.InvitationReport), **errors("401", "404", "422")}},
    ("api.show_contact_data", "get"): {
        "parameters": [{"in": "query", "schema": s.ContactQuery}],
        "responses": {**ok(s.ContactReport), **errors("401", "403", "422")}},
    ("api.forget_contact", "delete"): {
        "parameters": [{"in": "query", "schema": s.ContactQuery}],
        "responses": {**ok(s.Deleted), **errors("401", "403", "422")}},
    ("api.themes.themes", "get"): {
        "parameters": [SURVEY_ID, {"in": "query", "schema": s.PeriodQuery}],
        "responses": {**ok(i.ThemeReport), **errors("401", "404", "422")}},
    ("api.themes.put_theme", "put"): {
        "description": "Allowed for `read` and `export` tokens alike. New answers are tagged "
                       "with the theme at once; the survey's stored comments are tagged again "
                       "by a background job (202).",
        "parameters": [SURVEY_ID, THEME_ID],
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": i.ThemeBody}}},
        "responses": {**ok(i.ThemeOut, "Saved; comments being tagged", "202"),
                      **errors("400", "401", "404", "413", "422")}},
    ("api.themes.remove_theme", "delete"): {
        "parameters": [SURVEY_ID, THEME_ID],
        "responses": {**ok(i.ThemeDeleted, "Removed; comments being tagged", "202"),
                      **errors("401", "404", "422")}},
    ("api.alerts.list_alerts", "get"): {
        "parameters": [SURVEY_ID],
        "responses": {**ok(a.AlertList), **errors("401", "404")}},
    ("api.alerts.create_alert", "post"): {
        "description": "Needs an `export` token (a `read` token gets 403): an alert sends "
                       "answers, and contacts given with consent, to the addresses and URL. "
                       "Answers are looked at 30 seconds after the score, so a comment given "
                       "right after it is in the alert; deliveries go within a minute.",
        "parameters": [SURVEY_ID],
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": a.AlertBody}}},
        "responses": {**ok(a.AlertCreated, "Alert created", "201"),
                      **errors("400", "401", "403", "404", "413", "422")}},
    ("api.alerts.delete_alert", "delete"): {
        "description": "Needs an `export` token. Another site's alert is a 404.",
        "parameters": [{"in": "path", "name": "alert_id", "required": True,
                        "schema": {"type": "string"}}],
        "responses": {**ok(a.AlertDeleted), **errors("401", "403", "404")}},
    ("api.openapi_document", "get"): {
        "security": [],
        "responses": {"200": {"description": "This document",
                              "content": {"application/json": {"schema": {"type": "object"}}}}}},
    ("healthz", "get"): {
        "security": [],
        "responses": {**ok(s.Health, "The database answers"),
                      "503": {"description": ERRORS["503"][1],
                              "content": {"application/json": {"schema": s.Health}}}}},
}

def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def documented_rules(app: Flask):
    """(path, endpoint, method, view) for every route of the API, and /healthz."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") or rule.endpoint == "healthz":
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield openapi_path(rule.rule), rule.endpoint, method.lower(), \
                    app.view_functions[rule.endpoint]


def new_spec(app: Flask) -> APISpec:
    spec = APISpec(title="Tevreden owner API", version=__version__, openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": DESCRIPTION},
                   servers=[{"url": app.config["BASE_URL"]}],
                   security=[{"bearer": []}])
    spec.components.security_scheme("bearer", {
        "type": "http", "scheme": "bearer",
        "description": "An API token of one site, scope `read` or `export`."})
    # The others register themselves, named after their classes, where operations use them.
    spec.components.schema("Error", schema=s.Error)
    for status, (name, description) in ERRORS.items():
        response = {"description": description,
                    "content": {"application/json": {"schema": "Error"}}}
        if status == "401":
            response["headers"] = {"WWW-Authenticate": {
                "schema": {"type": "string"}, "description": 'Bearer realm="tevreden"'}}
        spec.components.response(name, response)
    return spec


def document(app: Flask) -> dict:
    """The whole document; a route without an entry in OPERATIONS is a KeyError."""
    spec = new_spec(app)
    paths: dict[str, dict] = {}
    for path, endpoint, method, view in documented_rules(app):
        summary = (view.__doc__ or "").strip().splitlines()[0] if view.__doc__ else endpoint
        operation = {"summary": summary, "operationId": endpoint.replace("api.", ""),
                     **OPERATIONS[(endpoint, method)]}
        paths.setdefault(path, {})[method] = operation
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return spec.to_dict()
