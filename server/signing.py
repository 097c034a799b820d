"""Signed, expiring tokens (itsdangerous), one salt per purpose, keys that rotate."""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import zlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import bytes_to_int, int_to_bytes, want_bytes

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


class KeyedSigner(TimestampSigner):
    """itsdangerous' signer, deriving each (salt, key) pair's HMAC key once per process.

    itsdangerous hashes the salt and the secret key again for every token it signs or checks;
    every visitor's answer signs two tokens and checks one, so the derived keys are kept.
    """

    _derived: dict[tuple, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        secret_key = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        cache_key = (self.salt, secret_key, self.key_derivation, self.digest_method)
        derived = self._derived.get(cache_key)
        if derived is None:
            derived = self._derived[cache_key] = super().derive_key(secret_key)
        return derived


class TokenSerializer(URLSafeTimedSerializer):
    """itsdangerous' URL-safe timed serializer, made cheaper for the small tokens we sign.

    Every visitor's flow signs two tokens and checks one. itsdangerous makes a signer for
    each, and tries zlib on every payload (a third of the time of signing a 60-byte one,
    which never gets shorter); this one keeps its signer and compresses only payloads long
    enough to gain.

    itsdangerous then passes a token through a dozen layers (signer, algorithm, HMAC object,
    encodings), a fifth of a visitor's answer in the interpreter. `dumps` and `loads` do the
    same steps in one place for the tokens we sign: `payload.timestamp.signature`, each part
    URL-safe base64 without padding, the signature HMAC-SHA1 of the first two parts under
    the signer's derived key. A token they do not take the short way (compressed, damaged,
    forged, expired, another salt, a timestamp asked for) goes through itsdangerous' own
    code, which raises its own errors. The tokens are the same format: either reads the
    other's.
    """

    COMPRESS_FROM = 256  # bytes of JSON

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.signers: dict = {}
        signer = self.timestamps = self.make_signer()  # get_timestamp(): itsdangerous' clock
        if signer.digest_method is not hashlib.sha1 or signer.sep != b".":
            raise ValueError("the short way signs HMAC-SHA1 tokens separated by dots")
        # The signing key first, then the others, as itsdangerous tries them.
        self.keys = [signer.derive_key(key) for key in reversed(signer.secret_keys)]

    def dumps(self, obj: Any, salt: str | bytes | None = None) -> str:
        if salt is not None:
            return super().dumps(obj, salt)
        timestamp = int_to_bytes(self.timestamps.get_timestamp())
        value = self.dump_payload(obj) + b"." + b64encode(timestamp)
        return (value + b"." + signature(self.keys[0], value)).decode()

    def loads(self, s: str | bytes, max_age: int | None = None,
              return_timestamp: bool = False, salt: str | bytes | None = None) -> Any:
        if salt is None and not return_timestamp:
            try:
                token = s.encode("ascii") if isinstance(s, str) else s
                value, _, sig = token.rpartition(b".")
                payload, _, timestamp = value.rpartition(b".")
                if payload and payload[:1] != b"." and any(
                        hmac.compare_digest(signature(key, value), sig) for key in self.keys):
                    age = self.timestamps.get_timestamp() - bytes_to_int(b64decode(timestamp))
                    if max_age is None or 0 <= age <= max_age:
                        return json.loads(b64decode(payload).decode())
            except Exception:  # noqa: S110 (itsdangerous' own code names what is wrong)
                pass
        return super().loads(s, max_age=max_age, return_timestamp=return_timestamp, salt=salt)

    def make_signer(self, salt: str | bytes | None = None) -> TimestampSigner:
        signer = self.signers.get(salt)
        if signer is None:
            signer = self.signers[salt] = super().make_signer(salt)
        return signer

    def dump_payload(self, obj: Any) -> bytes:
        text = COMPACT_JSON.encode(obj).encode()
        if len(text) >= self.COMPRESS_FROM:
            compressed = zlib.compress(text)
            if len(compressed) < len(text) - 1:  # itsdangerous' rule and its "." mark
                return b"." + b64encode(compressed)
        return b64encode(text)


# The JSON itsdangerous' URL-safe serializers write (`_CompactJSON.dumps`), with an encoder
# made once instead of for every token.
COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
URL_SAFE = bytes.maketrans(b"+/", b"-_")
STANDARD = bytes.maketrans(b"-_", b"+/")


def b64encode(data: bytes) -> bytes:
    """itsdangerous' base64_encode of bytes (URL-safe, unpadded), without its three calls."""
    return binascii.b2a_base64(data, newline=False).translate(URL_SAFE).rstrip(b"=")


def b64decode(data: bytes) -> bytes:
    """itsdangerous' base64_decode of ASCII bytes; raises binascii.Error where it fails."""
    return binascii.a2b_base64(data.translate(STANDARD) + b"=" * (-len(data) % 4))


def signature(key: bytes, value: bytes) -> bytes:
    """itsdangerous' HMAC-SHA1 signature of `value`, base64 as in the token."""
    return b64encode(hmac.digest(key, value, hashlib.sha1))


_serializers: dict[tuple, URLSafeTimedSerializer] = {}


def serializer(purpose: str, keys: list[str] | None = None) -> URLSafeTimedSerializer:
    """The serializer for a purpose and the keys (the configured ones by default).

    Made once for each: serializers hold no state between tokens.
    """
    keys = tuple(keys or current_app.config["SECRET_KEYS"])
    found = _serializers.get((purpose, keys))
    if found is None:
        # itsdangerous signs with the last key and verifies with all: ours lists the signer
        # first. Two threads making the same one at once make equal serializers.
        # hashlib.sha1 itself, not itsdangerous' lazy wrapper around it: hmac then takes
        # OpenSSL's path instead of its pure-Python one. The same HMAC-SHA1.
        found = _serializers[purpose, keys] = TokenSerializer(
            list(reversed(keys)), salt=SALTS[purpose], signer=KeyedSigner,
            signer_kwargs={"digest_method": hashlib.sha1})
    return found


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
