"""Signed, expiring tokens (itsdangerous), one salt per purpose, keys that rotate."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

# A token signed for one purpose never verifies for another.
SALTS = {
    "widget": "tevreden.widget-token.v1",
    "receipt": "tevreden.receipt.v1",
    "invite": "tevreden.invite.v1",
}


class InvalidToken(Exception):
    """Forged, damaged, for another purpose, or expired (see `expired`)."""

    def __init__(self, message: str, expired: bool = False):
        super().__init__(message)
        self.expired = expired


def serializer(purpose: str, keys: list[str] | None = None) -> URLSafeTimedSerializer:
    keys = keys or current_app.config["SECRET_KEYS"]
    # itsdangerous signs with the last key and verifies with all: ours lists the signer first.
    return URLSafeTimedSerializer(list(reversed(keys)), salt=SALTS[purpose])


def sign(purpose: str, payload: Any) -> str:
    return serializer(purpose).dumps(payload)


def unsign(purpose: str, token: str, max_age: int | None = None) -> Any:
    """The payload of a valid token; raises InvalidToken otherwise."""
    try:
        return serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidToken("this link or form has expired", expired=True) from None
    except BadSignature:
        raise InvalidToken("this link or form is not valid") from None


def signed_at(purpose: str, token: str) -> float:
    """When a valid token was signed (POSIX seconds)."""
    try:
        _, when = serializer(purpose).loads(token, return_timestamp=True)
    except BadSignature:
        raise InvalidToken("this link or form is not valid") from None
    return when.timestamp()
