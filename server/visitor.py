"""What every visitor route shares: the language, widget pages and fragments, errors."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import flask_babel
from flask import Blueprint, current_app, g, make_response, render_template, request
from flask import Response as FlaskResponse
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from . import errors
from .errors import ApiError, wants_json
from .i18n import choose_language

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


def N_(text: str) -> str:
    """Mark a string for the catalogue; it is translated where it is shown."""
    return text


def use_language(*candidates: str | None) -> str:
    """Answer in the first supported language among the candidates (Dutch otherwise)."""
    lang = choose_language(*candidates)
    state = g._get_current_object()  # once: every use of the proxy `g` looks it up again
    if state.get("lang") != lang:
        state.lang = lang
        if "_flask_babel" in state:  # Flask-Babel kept the locale it found before: look again
            flask_babel.refresh()
    return lang


def is_htmx() -> bool:
    return request.environ.get("HTTP_HX_REQUEST") == "true"


def query() -> dict[str, str]:
    """The query string's values (the first of each name), read once per request.

    A widget page asks for eight names that are mostly absent, and werkzeug's MultiDict
    builds a BadRequestKeyError for every absent name it is asked for.
    """
    environ = request.environ
    values = environ.get("tevreden.query")
    if values is None:
        values = environ["tevreden.query"] = (
            request.args.to_dict() if environ.get("QUERY_STRING") else {})
    return values


def render_step(step: str, http_status: int = 200, **context) -> FlaskResponse:
    """A step of the widget: the fragment for htmx, the whole page otherwise."""
    context = {"survey": g.get("survey"), "lang": g.get("lang", "nl"),
               "origin": g.get("origin"), "mode": g.get("mode"),
               "htmx_config": HTMX_CONFIG, "errors": {}, "message": None, **context}
    template = f"widget/{step}" if is_htmx() else "widget/page.html"
    return make_response(render_template(template, step=f"widget/{step}", **context),
                         http_status)


class TokenPages:
    """Widget pages rendered once per survey state and request, with only the token new.

    A widget page is the same text for every visitor who opens the same survey (as stored
    now) in the same language, mode, origin, touchpoint, segment and preselected score; only
    its single-use token differs. Rendering it (Jinja, a dozen catalogue look-ups) cost more
    than the rest of the request, so each is rendered once with a placeholder where the token
    goes, and later requests fill in their own token. The key holds the survey's and site's
    stored columns, so a change to either renders anew; the least recently used of `size`
    pages is forgotten first. Templates that reload (debug) are rendered every time.
    """

    PLACEHOLDER = "\x1etevreden-form-token\x1e"  # no template, setting or tag can hold \x1e

    def __init__(self, size: int = 512):
        self.size = size
        self.pages: OrderedDict[Hashable, tuple[str, str]] = OrderedDict()
        self.lock = threading.Lock()

    def render(self, key: Hashable, token: str,
               render: Callable[[str], FlaskResponse]) -> FlaskResponse:
        """The page for `key` with `token` in it; `render(token)` makes it when not kept."""
        if current_app.jinja_env.auto_reload:
            return render(token)
        key = (key, is_htmx(), request.script_root)
        with self.lock:
            parts = self.pages.get(key)
            if parts is not None:
                self.pages.move_to_end(key)
        if parts is None:
            response = render(self.PLACEHOLDER)
            pieces = response.get_data(as_text=True).split(self.PLACEHOLDER)
            if response.status_code != 200 or len(pieces) != 2:
                return render(token)  # not a page this cache can hold: render as usual
            parts = (pieces[0], pieces[1])
            with self.lock:
                self.pages[key] = parts
                while len(self.pages) > self.size:
                    self.pages.popitem(last=False)
        # What make_response(text) makes, without its look at what kind of value it was given.
        return current_app.response_class(parts[0] + token + parts[1])


def visitor_error(exc: Exception) -> FlaskResponse:
    """Errors in the error shape for JSON, in the widget's look and language for people."""
    if isinstance(exc, ApiError):
        status, message, code, fields = exc.status, exc.message, exc.code, exc.fields
    else:
        status, code, fields = getattr(exc, "code", None) or 500, None, {}
        message = http_message(status) or getattr(exc, "description", "") or ""
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


def http_message(status: int) -> str | None:
    return {
        404: _("This page does not exist."),
        405: _("This address does not accept that kind of request."),
        413: _("Too much was sent at once (at most 16 KB)."),
        429: _("Too many requests from here in a short time. Please try again in a minute."),
        500: _("Something went wrong on our side. Please try again later."),
    }.get(status)


def start_request() -> None:
    # Tests reuse one application context (and so one g) for many requests.
    state = g._get_current_object()
    state.survey = state.origin = state.mode = None
    # Developers read JSON errors in English; people get the widget's language.
    use_language("en" if wants_json() else query().get("lang"))


def visitor_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint whose errors and language follow the visitor's conventions."""
    bp = Blueprint(name, import_name)
    bp.before_request(start_request)
    bp.register_error_handler(ApiError, visitor_error)
    bp.register_error_handler(HTTPException, visitor_error)
    # By code, so it comes before the application's own 429 page on these routes.
    bp.register_error_handler(429, visitor_error)
    return bp
