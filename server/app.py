"""The application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, jsonify
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

import widget as widget_package

from . import config, db, errors, i18n, inputs, limits
from . import logging as request_logging
from .db import db as database
from .jobs import queue
from .visitor.schemas import ANSWER_MAX_BYTES

WIDGET_DIR = Path(widget_package.__file__).parent
SERVER_DIR = Path(__file__).parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app from TEVREDEN_* variables (or test_config overrides)."""
    instance = os.path.abspath(os.environ.get("TEVREDEN_INSTANCE", "instance"))
    app = Flask(__name__, instance_path=instance, static_folder=str(WIDGET_DIR / "static"),
                static_url_path="/static")
    settings = config.load(instance_path=instance)
    settings.update(test_config or {})
    app.config.update(settings)
    app.secret_key = app.config["SECRET_KEYS"][0]
    app.config.update(
        SECRET_KEY_FALLBACKS=app.config["SECRET_KEYS"][1:],
        MAX_CONTENT_LENGTH=ANSWER_MAX_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["BASE_URL"].startswith("https://"),
        SESSION_COOKIE_NAME="tevreden_session",
    )
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(str(SERVER_DIR / "templates")),
         FileSystemLoader(str(WIDGET_DIR / "templates")),
         PrefixLoader({"mail": FileSystemLoader(str(SERVER_DIR / "mail" / "templates"))})]
    )
    request_logging.init_app(app)  # first, so every later hook and log line has the id
    db.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    limits.init_app(app)
    inputs.init_app(app)
    app.json.sort_keys = False
    queue.init_app(app)
    register_blueprints(app)
    serve_static_compressed(app)
    add_security_headers(app)
    app.add_url_rule("/healthz", "healthz", healthz)
    return app


def register_blueprints(app: Flask) -> None:
    from .api import views as api
    from .dashboard import overview as dashboard
    from .orders import hooks
    from .visitor import demo, loader, preview, privacy, receipts, unsubscribe, widget

    for module in (widget, preview, loader, receipts, demo, api, dashboard, privacy, hooks,
                   unsubscribe):
        app.register_blueprint(module.bp)


def serve_static_compressed(app: Flask) -> None:
    """/static/ files gzip-compressed once per file, as /embed.js is."""
    from .visitor.loader import static_file

    app.view_functions["static"] = static_file


def healthz():
    """200 when the database answers, 503 with the reason when it does not."""
    try:
        database.execute_sql("SELECT 1")
    except Exception as exc:  # any driver error means "not healthy", never a 500
        return jsonify(status="unavailable", reason=f"database: {type(exc).__name__}"), 503
    return jsonify(status="ok")


def add_security_headers(app: Flask) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        # Pages that are meant to be framed (the widget) set their own policy first.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
        if "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]:
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response

