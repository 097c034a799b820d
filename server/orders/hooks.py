"""POST /hooks/<hook_id>: a shop's signed order, which schedules one invitation."""

from __future__ import annotations

import json
import logging
import re

from flask import Blueprint, current_app, jsonify, request

from ..errors import ApiError
from ..models import Hook, Invitation, utcnow
from .payloads import READERS, MalformedOrder
from .signatures import verified

bp = Blueprint("hooks", __name__)
log = logging.getLogger("tevreden.orders")

# Shops send whole orders (line items, addresses, metadata), larger than an answer.
MAX_ORDER_BYTES = 1024 * 1024
# WooCommerce checks a new webhook's URL with this unsigned form body.
WOOCOMMERCE_PING = re.compile(rb"webhook_id=\d+")


def order_from(hook: Hook, body: bytes) -> dict:
    try:
        payload = json.loads(body)
    except ValueError:
        raise ApiError(422, "The body is not JSON.", fields={"_schema": ["Not JSON."]}) from None
    try:
        return READERS[hook.kind](payload)
    except MalformedOrder as exc:
        raise ApiError(422, str(exc), fields=exc.fields) from None


@bp.url_value_preprocessor
def larger_bodies(endpoint: str | None, values: dict | None) -> None:
    # Set before any before_request function reads the body: an order is larger than an answer.
    request.max_content_length = MAX_ORDER_BYTES


@bp.post("/hooks/<hook_id>")
def receive(hook_id: str):
    """Verify a signed order and schedule its invitation (each order id once)."""
    hook = Hook.get_or_none(Hook.id == hook_id)
    if hook is None:
        raise ApiError(404, "There is no such hook.")
    body = request.get_data()
    if hook.kind == "woocommerce" and WOOCOMMERCE_PING.fullmatch(body):
        return jsonify(ping=True)
    if not verified(hook.kind, hook.secret, body, request.headers):
        raise ApiError(401, "The signature does not match this hook's secret.")
    invitation, reason = Invitation.schedule(hook.survey, order_from(hook, body))
    Hook.update(last_used_at=utcnow()).where(Hook.id == hook.id).execute()
    if invitation is None:
        return jsonify(scheduled=0, reason=reason)
    if invitation.invite_due_at <= utcnow():
        try:  # sent within seconds; else the worker's check each minute sends it
            current_app.extensions["tevreden.tasks"]["send-due"]()
        except Exception:
            log.exception("could not enqueue send-due; the periodic check will send it")
    return jsonify(scheduled=1), 202
