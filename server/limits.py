"""Abuse limits keyed by the client address, hashed in memory and never stored or logged."""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, current_app, request
from flask_limiter import Limiter


def client_key() -> str:
    # A keyed hash: even the rate-limit storage (Redis) never holds an address.
    address = (request.remote_addr or "unknown").encode()
    secret = current_app.config["SECRET_KEYS"][0].encode()
    return hmac.new(secret, address, hashlib.sha256).hexdigest()[:32]


limiter = Limiter(key_func=client_key, default_limits=[], headers_enabled=True)


def response_limit() -> str:
    """The TEVREDEN_RATELIMIT for response posts ('off' exempts them)."""
    return current_app.config["RATELIMIT"] or "1000000/second"


def receipt_limit() -> str:
    """Receipt views and deletions per client address."""
    return "60/minute"


def login_limit() -> str:
    """Dashboard login attempts per client address."""
    return "10/minute"


def survey_ceiling() -> str:
    """All responses to one survey together, whatever their address: a flood stops here."""
    return "600/minute"


def survey_key() -> str:
    return "survey:" + str((request.view_args or {}).get("survey", ""))


def limits_enabled() -> bool:
    return current_app.config["RATELIMIT"] is not None


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["RATELIMIT_STORAGE"])
    app.config.setdefault("RATELIMIT_ENABLED", app.config["RATELIMIT"] is not None)
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    limiter.init_app(app)
