"""Bearer tokens for the owner API: hashed at rest, compared in constant time, scoped."""

from __future__ import annotations

import datetime as dt
import hmac
import logging

from flask import Response, g, request
from peewee import OperationalError

from ..errors import ApiError, respond
from ..models import ApiToken, Site, Survey, utcnow

log = logging.getLogger("tevreden.api")

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

SCOPES = ("read", "export")
# Recording every use would turn each read into a write (and a lock on SQLite).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
REALM = 'Bearer realm="tevreden"'


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value else None


def find_token(plain: str) -> ApiToken | None:
    """The token whose hash matches, compared in constant time; revoked ones included."""
    digest = ApiToken.digest(plain)
    token = (ApiToken.select(ApiToken, Site).join(Site)
             .where(ApiToken.token_hash == digest).first())
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return token


def unauthorized(message: str, error: str = "invalid_token") -> Response:
    # RFC 6750: say the scheme, and why a given token was refused.
    header = REALM if error is None else f'{REALM}, error="{error}"'
    return respond(401, message, headers={"WWW-Authenticate": header})


def authenticate() -> Response | None:
    """Set g.api_token from the Authorization header; a 401 response when there is none."""
    plain = bearer_token()
    if plain is None:
        return unauthorized("Send an API token: 'Authorization: Bearer <token>'.", None)
    token = find_token(plain)
    if token is None:
        return unauthorized("This API token is not valid.")
    if token.revoked_at is not None:
        return unauthorized("This API token has been revoked.")
    note_use(token)
    g.api_token = token
    return None


def note_use(token: ApiToken) -> None:
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    # The condition repeats in SQL so concurrent requests write once between them.
    cutoff = now - LAST_USED_RESOLUTION
    try:
        (ApiToken.update(last_used_at=now)
         .where(ApiToken.id == token.id,
                ApiToken.last_used_at.is_null() | (ApiToken.last_used_at < cutoff))
         .execute())
    except OperationalError:
        # A busy database (SQLite's write lock) must not fail a read; the next use records it.
        log.warning("could not record the use of API token %s", token.id)
        return
    token.last_used_at = now


def current_token() -> ApiToken:
    return g.api_token


def has_export_scope() -> bool:
    return current_token().scope == "export"


def require_export() -> None:
    """Contact data and privacy requests need an export-scope token."""
    if not has_export_scope():
        raise ApiError(403, "This needs a token with the 'export' scope.",
                       code="insufficient_scope")


def site_surveys():
    """The surveys of the token's site (with the site, which says whether it is archived)."""
    return Survey.select(Survey, Site).join(Site).where(Survey.site == current_token().site_id)


def owned_survey(survey_id: str) -> Survey:
    """The survey when the token's site owns it; anything else is the same 404."""
    survey = site_surveys().where(Survey.id == survey_id).first()
    if survey is None:
        raise ApiError(404, "There is no survey with this id.")
    if survey.archived and request.method not in SAFE_METHODS:  # read-only, as in the dashboard
        raise ApiError(409, "This survey is archived: restore it in the dashboard to change it.",
                       code="archived")
    return survey
