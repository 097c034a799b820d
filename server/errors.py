"""One error shape: JSON {"error": {code, message, fields}} for the API, a page for people."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from .i18n import select_locale

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    431: "headers_too_large",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """Raise anywhere in a request to answer with the error shape."""

    def __init__(self, status: int, message: str, code: str | None = None,
                 fields: dict | None = None, labels: dict | None = None,
                 back: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.fields = fields or {}
        # How a page names the fields for people (the JSON keeps the fields' own names).
        self.labels = labels or {}
        self.back = back  # where a page leads back to, when not to the overview


def error_body(status: int, message: str, code: str | None = None,
               fields: dict | None = None) -> dict:
    return {"error": {"code": code or CODES.get(status, "error"), "message": message,
                      "fields": fields or {}}}


def wants_json() -> bool:
    """JSON for the API, for JSON bodies, and for clients that prefer it to HTML."""
    if request.path.startswith(("/api/", "/hooks/")) or request.is_json:
        return True
    accepted = request.accept_mimetypes
    best = accepted.best_match(["text/html", "application/json"])
    return best == "application/json" and accepted[best] > accepted["text/html"]


def is_htmx() -> bool:
    """A request htmx made (it answers with a fragment, not a whole page)."""
    return request.headers.get("HX-Request") == "true"


def http_message(status: int) -> str:
    """Our sentence for a standard HTTP error in the request's language: Werkzeug's own are
    English and speak of URLs. No "je" or "u", so visitors and owners can both read them."""
    messages = {
        400: _("This request could not be read. Reload the page and try again."),
        401: _("Log in to open this page."),
        403: _("There is no access to this page from here."),
        404: _("This page does not exist."),
        405: _("This address does not accept that kind of request."),
        409: _("This changed in the meantime. Reload the page and try again."),
        413: _("Too much was sent at once (at most %(size)s KB).",
               size=(request.max_content_length or 0) // 1024),
        414: _("This address is too long."),
        415: _("This kind of content is not accepted here."),
        422: _("What was sent could not be used. Check it and try again."),
        429: _("Too many requests from here in a short time. Please try again in a minute."),
        431: _("The request carries too much extra data. Remove this site's cookies and try "
              "again."),
    }
    if status in messages:
        return messages[status]
    if status < 500:
        return _("This request could not be handled. Reload the page and try again.")
    return _("Something went wrong on our side. Please try again later.")


def respond(status: int, message: str | None = None, code: str | None = None,
            fields: dict | None = None, headers: dict | None = None,
            labels: dict | None = None, back: str | None = None) -> Response:
    """The error answer; without a message, ours for the status (see http_message)."""
    if wants_json():
        response = jsonify(error_body(status, message or http_message(status), code, fields))
    else:
        response = Response(page(status, message, fields or {}, labels or {}, back),
                            mimetype="text/html")
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def page(status: int, message: str | None, fields: dict, labels: dict,
         back: str | None = None) -> str:
    """The error page for people; under /dashboard the dashboard's, with its header, language
    switch and the owner's language (also for an address that matches no page)."""
    context = {"status": status, "fields": fields, "labels": labels, "back": back,
               "lang": select_locale()}
    template = "error.html"
    if request.path == "/dashboard" or request.path.startswith("/dashboard/"):
        from .dashboard.auth import page_context  # here: the dashboard imports this module

        try:
            context.update(page_context())
            template = "dashboard/error.html"
        except Exception:  # the failure may be the database's own: then the plain page
            pass
    return render_template(template, message=message or http_message(status), **context)


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        return respond(exc.status, exc.message, exc.code, exc.fields, labels=exc.labels,
                       back=exc.back)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        headers = {k: v for k, v in exc.get_headers() if k.lower() in ("retry-after", "allow")}
        # Developers read Werkzeug's English in the API's JSON; people get ours, translated.
        return respond(status, exc.description if wants_json() else None, headers=headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        app.logger.exception("unhandled error")
        return respond(500, "Something went wrong on our side." if wants_json() else None)
