"""Logs without people in them: a request id instead of an address, no query strings."""

from __future__ import annotations

import ipaddress
import logging
import re
import sys
import uuid

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-Id"
# A proxy's id (nginx $request_id, a UUID) is welcome; anything else could smuggle data in.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
FORMAT = "%(asctime)s %(levelname)s %(name)s rid=%(request_id)s %(message)s"
# Loggers our code writes to: retention and housekeeping ("tevreden.*"), Flask's app.logger.
APP_LOGGERS = ("tevreden", "server")

# Candidates only: each is checked with ipaddress, so times like 12:30:45 stay readable.
ADDRESS_CANDIDATE = re.compile(r"(?<![\w.:])[0-9A-Fa-f.:]*[.:][0-9A-Fa-f.:]+(?![\w.:])")
QUERY_STRING = re.compile(r"(/[^\s?\"'<>]*)\?[^\s\"'<>]+")
# A receipt is a bearer credential (whoever holds it may see and delete the answer); it
# appears in /r/<receipt> and in the second step, /w/<survey>/responses/<receipt>.
RECEIPT_PATH = re.compile(r"(/r/|/responses/)[^/\s?\"'<>]+")


def request_id() -> str:
    """The current request's id ('-' outside a request)."""
    if has_request_context():
        return g.get("request_id") or "-"
    return "-"


def incoming_or_new_id() -> str:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    return offered if VALID_REQUEST_ID.match(offered) else uuid.uuid4().hex


def is_address(text: str) -> bool:
    # "203.0.113.7:5432" is an address with a port; "::1" and "2001:db8::" end in colons.
    bare = text.rstrip(".:")
    candidates = [text, bare] + ([bare.rsplit(":", 1)[0]] if bare.count(":") == 1 else [])
    for candidate in candidates:
        try:
            ipaddress.ip_address(candidate.split("%")[0])
        except ValueError:
            continue
        return True
    return False


def redact(text: str) -> str:
    """Remove client addresses, query strings and receipt tokens from a log line."""
    text = ADDRESS_CANDIDATE.sub(
        lambda m: "[address]" if is_address(m.group(0)) else m.group(0), text)
    text = QUERY_STRING.sub(r"\1?[query]", text)
    return RECEIPT_PATH.sub(r"\1[receipt]", text)


def redact_path(path: str) -> str:
    """A request path fit for a log: receipt tokens replaced."""
    return RECEIPT_PATH.sub(r"\1[receipt]", path or "")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so a log line can be matched to its request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then redacts the whole line (tracebacks included)."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return redact(super().format(record))


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test capture replaces it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def configure() -> None:
    """One redacting handler on our loggers, added once per process."""
    for name in APP_LOGGERS:
        logger = logging.getLogger(name)
        if any(isinstance(h, StderrHandler) for h in logger.handlers):
            continue
        handler = StderrHandler()
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(RedactingFormatter(FORMAT))
        logger.addHandler(handler)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)


def init_app(app: Flask) -> None:
    configure()

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = incoming_or_new_id()

    @app.after_request
    def expose_request_id(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = g.get("request_id") or incoming_or_new_id()
        return response
