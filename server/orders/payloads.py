"""Orders as each platform sends them, read into one shape:
{"order_id", "email", "name", "language", "touchpoint", "completed", "completed_at"}."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from ..schemas import messages


class MalformedOrder(Exception):
    """The body is not an order of this kind: 422, with the problems per field."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("This is not a valid order.")
        self.fields = fields


def language(value: object) -> str:
    """'en', 'en-US', 'EN_gb' -> 'en'; anything else is Dutch, the default."""
    return "en" if isinstance(value, str) and value.strip().lower()[:2] == "en" else "nl"


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    """Naive UTC, the one time zone stored; a time without a zone is taken as UTC."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


class OrderSchema(Schema):
    """The generic hook's JSON, and one row of an imported CSV."""

    order_id = fields.String(required=True, validate=validate.Length(min=1, max=128))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    language = fields.String(load_default=None, allow_none=True)
    touchpoint = fields.String(load_default=None, allow_none=True)
    completed_at = fields.DateTime(load_default=None, allow_none=True)

    @pre_load
    def tidy(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        data = {key: value for key, value in data.items() if key in self.fields}
        if isinstance(data.get("order_id"), int):
            data["order_id"] = str(data["order_id"])
        data = {key: value.strip() if isinstance(value, str) else value
                for key, value in data.items()}
        return {key: (None if value == "" else value) for key, value in data.items()}


def load(raw: object) -> dict:
    try:
        order = OrderSchema().load(raw)
    except ValidationError as exc:
        raise MalformedOrder(messages(exc)) from None
    order["language"] = language(order["language"])
    order["completed_at"] = utc(order["completed_at"])
    return order


def generic(body: object) -> dict:
    return {**load(body), "completed": True}


def woocommerce(body: object) -> dict:
    """A WooCommerce order (webhook topic order.updated/order.created, REST API v3 shape)."""
    if not isinstance(body, dict) or not isinstance(body.get("billing"), dict):
        raise MalformedOrder({"billing": ["A WooCommerce order has billing details."]})
    billing = body["billing"]
    names = [billing.get("first_name"), billing.get("last_name")]
    meta = {item.get("key"): item.get("value") for item in body.get("meta_data") or []
            if isinstance(item, dict)}
    order = load({"order_id": body.get("id"), "email": billing.get("email"),
                  "name": " ".join(n for n in names if isinstance(n, str) and n) or None,
                  "language": meta.get("wpml_language") or meta.get("pll_language"),
                  "completed_at": body.get("date_completed_gmt")})
    return {**order, "completed": body.get("status") == "completed"}


def shopify(body: object) -> dict:
    """A Shopify order (webhook topic orders/fulfilled)."""
    if not isinstance(body, dict):
        raise MalformedOrder({"_schema": ["A Shopify order is a JSON object."]})
    customer = body.get("customer") if isinstance(body.get("customer"), dict) else {}
    names = [customer.get("first_name"), customer.get("last_name")]
    order = load({"order_id": body.get("id"),
                  "email": body.get("email") or body.get("contact_email") or customer.get("email"),
                  "name": " ".join(n for n in names if isinstance(n, str) and n) or None,
                  "language": body.get("customer_locale"),
                  "completed_at": body.get("updated_at")})
    return {**order, "completed": body.get("fulfillment_status") == "fulfilled"}


READERS: dict[str, Callable[[object], dict]] = {
    "generic": generic, "woocommerce": woocommerce, "shopify": shopify}
