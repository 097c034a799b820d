"""Production serving through gunicorn, embedded so `tevreden serve` is all it takes."""

from __future__ import annotations

import logging

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

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
        "worker_class": "gthread",
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
    }


def serve(host: str, port: int, workers: int) -> None:
    Server(options(host, port, workers)).run()
