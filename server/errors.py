"""One error shape: JSON {"error": {code, message, fields}} for the API, a page for people."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

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
                 fields: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.fields = fields or {}


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


def respond(status: int, message: str, code: str | None = None, fields: dict | None = None,
            headers: dict | None = None) -> Response:
    if wants_json():
        response = jsonify(error_body(status, message, code, fields))
    else:
        response = Response(render_template("error.html", status=status, message=message,
                                            fields=fields or {}), mimetype="text/html")
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        return respond(exc.status, exc.message, exc.code, exc.fields)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        headers = {k: v for k, v in exc.get_headers() if k.lower() in ("retry-after", "allow")}
        return respond(status, exc.description or "", headers=headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        app.logger.exception("unhandled error")
        return respond(500, "Something went wrong on our side.")
