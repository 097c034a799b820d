"""Each platform's webhook signature: HMAC-SHA256 of the raw body with the hook's secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

# The header that carries the signature, per kind of hook.
HEADERS = {
    "generic": "X-Tevreden-Signature",
    "woocommerce": "X-WC-Webhook-Signature",
    "shopify": "X-Shopify-Hmac-Sha256",
}


def digest(secret: str, body: bytes) -> bytes:
    return hmac.new(secret.encode(), body, hashlib.sha256).digest()


def signature(kind: str, secret: str, body: bytes) -> str:
    """The header value the platform sends: `sha256=<hex>` (ours), base64 (WooCommerce and
    Shopify)."""
    mac = digest(secret, body)
    if kind == "generic":
        return "sha256=" + mac.hex()
    return base64.b64encode(mac).decode()


def verified(kind: str, secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """Whether the request's signature header matches its raw body, in constant time."""
    given = headers.get(HEADERS[kind]) or ""
    return hmac.compare_digest(given.strip().encode(), signature(kind, secret, body).encode())
