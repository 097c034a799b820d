"""Signed orders as the shops send them, built from their documented formats."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from pathlib import Path

from server.models import Hook

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> dict:
    return copy.deepcopy(json.loads((FIXTURES / name).read_text()))


def sign(kind: str, secret: str, body: bytes) -> dict:
    """The headers each platform sends with its webhook."""
    mac = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    if kind == "generic":
        return {"X-Tevreden-Signature": "sha256=" + mac.hex()}
    if kind == "woocommerce":
        return {"X-WC-Webhook-Signature": base64.b64encode(mac).decode(),
                "X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Resource": "order",
                "X-WC-Webhook-Event": "updated", "X-WC-Webhook-Source": "https://shop.example.nl/"}
    return {"X-Shopify-Hmac-Sha256": base64.b64encode(mac).decode(),
            "X-Shopify-Topic": "orders/fulfilled",
            "X-Shopify-Shop-Domain": "bakkerij.myshopify.com"}


def generic_order(order_id: str = "A-1001", email: str = "klant@example.nl", **extra) -> dict:
    return {"order_id": order_id, "email": email, "name": "Jan Jansen", "language": "nl",
            "touchpoint": "checkout", "completed_at": "2026-05-04T10:00:00Z", **extra}


def post_order(client, hook: Hook, order: dict | bytes, secret: str | None = None,
               headers: dict | None = None):
    """POST an order to a hook, signed with its secret (or another one)."""
    body = order if isinstance(order, bytes) else json.dumps(order).encode()
    signed = sign(hook.kind, secret or hook.secret, body)
    return client.post(f"/hooks/{hook.id}", data=body,
                       headers={"Content-Type": "application/json", **signed,
                                **(headers or {})})
