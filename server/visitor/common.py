"""What every visitor route shares: the language, widget pages and fragments, errors."""

from __future__ import annotations

import json

import flask_babel
from flask import Blueprint, g, make_response, render_template, request
from flask import Response as FlaskResponse
from werkzeug.exceptions import HTTPException

from .. import errors
from ..errors import ApiError, is_htmx, wants_json
from ..i18n import choose_language

# Answers that take the form's place in htmx: the form again with its errors, or a message.
IN_PLACE = (400, 403, 409, 422)
# htmx 2 does not swap 4xx answers: those above replace the form, any other failure (404,
# 413, 429, 5xx) is announced in the status region. No eval, no inline style, no history
# snapshots in the visitor's storage.
HTMX_CONFIG = json.dumps({
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "|".join(str(status) for status in IN_PLACE), "swap": True},
        {"code": "...", "swap": True, "error": True, "target": "#status",
         "swapOverride": "innerHTML"},
    ],
    "allowEval": False, "allowScriptTags": False, "includeIndicatorStyles": False,
    "historyEnabled": False, "selfRequestsOnly": True,
})


def use_language(*candidates: str | None) -> str:
    """Answer in the first supported language among the candidates (Dutch otherwise)."""
    lang = choose_language(*candidates)
    if g.get("lang") != lang:
        g.lang = lang
        flask_babel.refresh()  # Flask-Babel keeps the locale it found first: look again
    return lang


def render_step(step: str, http_status: int = 200, **context) -> FlaskResponse:
    """A step of the widget: the fragment for htmx, the whole page otherwise."""
    context = {"survey": g.get("survey"), "lang": g.get("lang", "nl"),
               "origin": g.get("origin"), "mode": g.get("mode"),
               "htmx_config": HTMX_CONFIG, "errors": {}, "message": None, **context}
    template = f"widget/{step}" if is_htmx() else "widget/page.html"
    return make_response(render_template(template, step=f"widget/{step}", **context),
                         http_status)


def visitor_error(exc: Exception) -> FlaskResponse:
    """Errors in the error shape for JSON, in the widget's look and language for people."""
    if isinstance(exc, ApiError):
        status, message, code, fields = exc.status, exc.message, exc.code, exc.fields
    else:
        status, code, fields = getattr(exc, "code", None) or 500, None, {}
        # Ours, in the widget's language (English for JSON): Werkzeug's speak of URLs.
        message = errors.http_message(status)
    headers = {}
    if isinstance(exc, HTTPException):
        headers = {k: v for k, v in exc.get_headers() if k.lower() == "retry-after"}
    if wants_json():
        return errors.respond(status, message, code, fields, headers=headers)
    # htmx puts these in place of the form; other failures go to the status region.
    step = "_message.html" if not is_htmx() or status in IN_PLACE else "_alert.html"
    response = render_step(step, status, message=message, status=status)
    response.headers.update(headers)
    return response


def start_request() -> None:
    g.survey = g.origin = g.mode = None
    # Developers read JSON errors in English; people get the widget's language.
    use_language("en" if wants_json() else request.args.get("lang"))


def visitor_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint whose errors and language follow the visitor's conventions."""
    bp = Blueprint(name, import_name)
    bp.before_request(start_request)
    bp.register_error_handler(ApiError, visitor_error)
    bp.register_error_handler(HTTPException, visitor_error)
    # By code, so it comes before the application's own 429 page on these routes.
    bp.register_error_handler(429, visitor_error)
    return bp
