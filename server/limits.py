"""Abuse limits keyed by the client address, hashed in memory and never stored or logged."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import math
import time
from pathlib import Path

from flask import Flask, Response, current_app, request
from flask_babel import gettext
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded

from . import errors, limit_storage

KEY_PREFIX = "tevreden"


def client_address() -> str:
    """The visitor's address, read only to be hashed.

    X-Forwarded-For counts only when the request comes from one of TEVREDEN_TRUSTED_PROXIES
    (nobody's by default): anyone else, on the same network too, could write any address in
    it. From a trusted proxy, the entries are read from the right, past the trusted proxies
    in a chain, to the first address no trusted proxy has (a client can prepend entries to
    the header, never append them).
    """
    peer = request.remote_addr or "unknown"
    proxies = current_app.config["TRUSTED_PROXIES"]
    if not is_trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in ",".join(request.headers.getlist("X-Forwarded-For"))
            .split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


def is_trusted(address: str, proxies: tuple) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        parsed = parsed.ipv4_mapped  # an IPv4 peer seen by a server listening on IPv6
    return any(parsed in network for network in proxies)


def client_key() -> str:
    """A keyed hash of the address: the rate-limit storage (Redis too) never holds one."""
    return hashed_address(client_address(), current_app.config["SECRET_KEYS"][0],
                          dt.datetime.now(dt.UTC).date())


def hashed_address(address: str, secret: str, day: dt.date) -> str:
    """The day is part of the hash, so not even the hashes follow an address across days."""
    message = f"{day.isoformat()}|{address}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


# swallow_errors + in-memory fallback: a Redis outage degrades limits, not the widget.
limiter = Limiter(key_func=client_key, default_limits=[], headers_enabled=True,
                  key_prefix=KEY_PREFIX, strategy="moving-window", swallow_errors=True,
                  in_memory_fallback_enabled=True)


def response_limit() -> str:
    """The TEVREDEN_RATELIMIT for response posts ('off' exempts them)."""
    return current_app.config["RATELIMIT"] or "1000000/second"


def receipt_limit() -> str:
    """Receipt views and deletions per client address."""
    return current_app.config["RATELIMIT_RECEIPT"]


def login_limit() -> str:
    """Dashboard login attempts per client address."""
    return current_app.config["RATELIMIT_LOGIN"]


def survey_ceiling() -> str:
    """All responses to one survey together, whatever their address: a flood stops here."""
    return current_app.config["RATELIMIT_SURVEY_CEILING"]


def survey_key() -> str:
    return "survey:" + str((request.view_args or {}).get("survey", ""))


def answer_limits(view):
    """Posted answers: the per-address limit and, whatever the address, the survey's ceiling."""
    return limiter.limit(response_limit)(limiter.limit(survey_ceiling, key_func=survey_key)(view))


def retry_after() -> int:
    """Seconds until the limit that was hit lets the next request through."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def too_many_requests(exc: RateLimitExceeded) -> Response:
    """429 in the one error shape, with Retry-After."""
    seconds = retry_after()
    if errors.wants_json():
        message = f"Too many requests. Please try again in {seconds} seconds."
    else:
        message = gettext("Too many requests. Please try again in %(seconds)d seconds.",
                          seconds=seconds)
    return errors.respond(429, message, "rate_limited", headers={"Retry-After": str(seconds)})


# Internal settings (not environment variables), so tests can shrink them.
FIXED_LIMITS = {
    "RATELIMIT_RECEIPT": "60/minute",
    "RATELIMIT_LOGIN": "10/minute",
    "RATELIMIT_SURVEY_CEILING": "600/minute",
}


def storage_uri(app: Flask) -> str:
    """memory:// is this server's own memory, shared by all its workers: a file they all
    open (limit_storage.py), since gunicorn's workers are separate processes."""
    configured = app.config["RATELIMIT_STORAGE"]
    if configured == "memory://":
        return limit_storage.uri_for(Path(app.instance_path) / "ratelimits.db")
    return configured


def init_app(app: Flask) -> None:
    for name, value in FIXED_LIMITS.items():
        app.config.setdefault(name, value)
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage_uri(app))
    app.config.setdefault("RATELIMIT_ENABLED", app.config["RATELIMIT"] is not None)
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, too_many_requests)
