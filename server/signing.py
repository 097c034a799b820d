"""Signed, expiring tokens (itsdangerous), one salt per purpose, keys that rotate."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

# A token signed for one purpose never verifies for another.
SALTS = {
    "widget": "tevreden.widget-token.v1",
    "receipt": "tevreden.receipt.v1",
    "invite": "tevreden.invite.v1",
    "unsubscribe": "tevreden.unsubscribe.v1",
    "digest-off": "tevreden.digest-off.v1",
    "member": "tevreden.member-password.v1",
    "reset": "tevreden.password-reset.v1",
}


class InvalidToken(Exception):
    """Forged, damaged, for another purpose, or expired (see `expired`)."""

    def __init__(self, message: str, expired: bool = False):
        super().__init__(message)
        self.expired = expired


def serializer(purpose: str, keys: Sequence[str] | None = None) -> URLSafeTimedSerializer:
    """The serializer for a purpose and keys (the configured ones), the signing key first."""
    return cached_serializer(purpose, tuple(keys or current_app.config["SECRET_KEYS"]))


@functools.lru_cache(maxsize=64)
def cached_serializer(purpose: str, keys: tuple[str, ...]) -> URLSafeTimedSerializer:
    # itsdangerous signs with the last key it is given and verifies with all of them.
    return URLSafeTimedSerializer(list(reversed(keys)), salt=SALTS[purpose],
                                  signer_kwargs={"digest_method": hashlib.sha1})


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
