"""Production serving through gunicorn, embedded so `tevreden serve` is all it takes."""

from __future__ import annotations

import http
import json
import logging

from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from gunicorn.http.errors import (
    ChunkMissingTerminator,
    InvalidChunkExtension,
    InvalidChunkSize,
    InvalidHeader,
    InvalidHeaderName,
    InvalidHTTPVersion,
    InvalidRequestLine,
    InvalidRequestMethod,
    InvalidResponseHeader,
    InvalidResponseHeaderName,
    LimitRequestHeaders,
    LimitRequestLine,
    ObsoleteFolding,
)
from gunicorn.workers.gthread import ThreadWorker

from .errors import error_body
from .logging import RedactingFormatter, redact_path

# No client address (%(h)s) and no query string (it can carry tokens): path and request id.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'
# Atoms that would put a visitor in the log, whatever format someone configures.
PERSONAL_ATOMS = ("h", "r", "q", "f", "a", "u")


class ServerFormatter(RedactingFormatter):
    """Redacts gunicorn's lines, except the one naming the address the server listens on."""

    def format(self, record) -> str:
        if str(record.msg).startswith("Listening at:"):
            return logging.Formatter.format(self, record)
        return super().format(record)


class PrivateLogger(Logger):
    """gunicorn's logger without addresses, query strings, referrers or user agents."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        # gunicorn's own error lines ("Invalid request from ip=...") are redacted too.
        for handler in self.error_log.handlers:
            handler.setFormatter(ServerFormatter(self.error_fmt, self.datefmt))

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for name in PERSONAL_ATOMS:
            atoms[name] = "-"
        atoms["U"] = redact_path(atoms.get("U") or "")
        # Request headers ({x-forwarded-for}i, {user-agent}i) and the environ ({remote_addr}e).
        return {k: v for k, v in atoms.items() if not k.endswith(("}i", "}e"))}


# Larger than any address or header this application makes or a browser sends it (cookies of
# a parent domain included): 8,190 is gunicorn's largest finite request line.
LIMITS = {"limit_request_line": 8190, "limit_request_field_size": 16_384,
          "limit_request_fields": 100}
# Requests gunicorn refuses before the application sees them, answered in the error shape.
REFUSALS = (
    (LimitRequestLine, 414, "uri_too_long",
     "The address is too long: at most 8,190 bytes for the request line."),
    (LimitRequestHeaders, 431, "headers_too_large",
     "The request headers are too large or too many (at most 100, of 16 KB each)."),
    ((InvalidRequestLine, InvalidRequestMethod, InvalidHTTPVersion, InvalidHeader,
      InvalidHeaderName, ObsoleteFolding, InvalidChunkSize, ChunkMissingTerminator,
      InvalidChunkExtension), 400, "bad_request", "The request is not valid HTTP."),
)
# A header the application tried to send is its own fault: gunicorn's 500 stays.
OURS = (InvalidResponseHeader, InvalidResponseHeaderName)


def refusal(status: int, code: str, message: str) -> bytes:
    """A complete HTTP response with the JSON error shape; the connection closes after it."""
    body = json.dumps(error_body(status, message, code)).encode()
    head = (f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n"
            "Content-Type: application/json\r\nX-Content-Type-Options: nosniff\r\n"
            f"Cache-Control: no-store\r\nConnection: close\r\nContent-Length: {len(body)}\r\n"
            "\r\n")
    return head.encode("latin-1") + body


class Worker(ThreadWorker):
    """gunicorn's threaded worker, answering requests it cannot read in the error shape."""

    def handle_error(self, req, client, addr, exc) -> None:
        known = next((r for r in REFUSALS if isinstance(exc, r[0]) and not isinstance(exc, OURS)),
                     None)
        if known is None:
            super().handle_error(req, client, addr, exc)
            return
        _kind, status, code, message = known
        self.log.warning("Invalid request refused with %d: %s", status, type(exc).__name__)
        try:
            util.write_nonblock(client, refusal(status, code, message))
        except OSError:
            self.log.debug("Failed to send error message.")


class Server(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from .app import create_app

        return create_app()


def options(host: str, port: int, workers: int) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "server.serve.Worker",  # gthread, refusing in the error shape
        "threads": 4,
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": PrivateLogger,
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "proc_name": "tevreden",
        # One shared control socket path would collide between instances on one machine.
        "control_socket_disable": True,
        **LIMITS,
    }


def serve(host: str, port: int, workers: int) -> None:
    Server(options(host, port, workers)).run()
