"""/u/<token>: one-click unsubscribe from a shop's e-mail invitations (RFC 8058); and
/digest/off/<token>: an owner's digest turned off the same way.

A mail client POSTs to the link from the List-Unsubscribe header without asking; a person who
opens the link gets a page with one button that POSTs the same. The signed token carries the
site and the keyed hash of the address, never the address itself.
"""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask_babel import gettext

from ..errors import ApiError
from ..mail.digest import owner_mark
from ..models import Owner, Site, unsubscribe_address
from ..signing import InvalidToken, unsign
from .privacy import set_language

bp = Blueprint("unsubscribe", __name__)


def read_token(token: str) -> dict:
    try:
        payload = unsign("unsubscribe", token)  # no expiry: an old mail's link must still work
    except InvalidToken:
        payload = None
    if not isinstance(payload, dict) or not {"s", "h"} <= set(payload):
        raise ApiError(404, gettext("This unsubscribe link is not valid."))
    return payload


@bp.route("/u/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """GET asks to confirm; POST (the button, or a mail client's one click) unsubscribes."""
    set_language(request.args.get("lang"))
    payload = read_token(token)
    set_language(request.args.get("lang"), payload.get("l"))
    site = Site.get_or_none(Site.id == payload["s"])
    if site is None:
        raise ApiError(404, gettext("This unsubscribe link is not valid."))
    done = request.method == "POST"
    if done:
        unsubscribe_address(site.id, payload["h"])
    return render_template("privacy/unsubscribe.html", lang=g.lang, site=site, done=done,
                           token=token)


def digest_owner(token: str) -> tuple[Owner, dict]:
    """The owner a digest's link was made for; 404 for any other token or a changed address."""
    try:
        payload = unsign("digest-off", token)  # no expiry: an old mail's link must still work
    except InvalidToken:
        payload = None
    owner = (Owner.get_or_none(Owner.id == payload["o"])
             if isinstance(payload, dict) and isinstance(payload.get("o"), int) else None)
    if owner is None or payload.get("m") != owner_mark(owner):
        raise ApiError(404, gettext("This link is not valid."))
    return owner, payload


@bp.route("/digest/off/<token>", methods=["GET", "POST"])
def digest_off(token: str):
    """GET asks to confirm; POST (the button, or a mail client's one click) turns it off."""
    set_language(request.args.get("lang"))
    owner, payload = digest_owner(token)
    set_language(request.args.get("lang"), payload.get("l"))
    done = request.method == "POST"
    if done:
        owner.set_digest("off")
    return render_template("privacy/digest_off.html", lang=g.lang, done=done, token=token,
                           frequency=owner.digest)
