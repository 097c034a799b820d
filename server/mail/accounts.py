"""Mails about a dashboard login: a team member's welcome and a password reset, each with a
signed link that sets a password once. They wait in the outbox like every other mail."""

from __future__ import annotations

import datetime as dt
import logging
from email.message import EmailMessage

from flask import current_app, render_template

from ..db import write_transaction
from ..models import OutboxMail, Owner, Site, utcnow
from ..signing import InvalidToken, sign, unsign
from .message import mail_message, sender

log = logging.getLogger("tevreden.mail")

# How long a link sets a password: a colleague may read the welcome after a weekend.
LINK_AGE = {"member": dt.timedelta(days=7), "reset": dt.timedelta(hours=1)}
SUBJECTS = {
    "nl": {"member": "U hebt toegang tot {site} in Tevreden",
           "reset": "Een nieuw wachtwoord voor Tevreden"},
    "en": {"member": "You have access to {site} in Tevreden",
           "reset": "A new password for Tevreden"},
}


def password_token(owner: Owner, kind: str) -> str:
    """Signed for one purpose and bound to the current password: setting one spends it."""
    return sign(kind, {"o": owner.id, "f": owner.password_fingerprint()})


def password_url(owner: Owner, kind: str) -> str:
    base = current_app.config["BASE_URL"]
    return f"{base}/dashboard/password/{kind}/{password_token(owner, kind)}"


def owner_of_token(kind: str, token: str) -> Owner:
    """The login a link was made for; InvalidToken when forged, expired, for another purpose
    or already used (the password changed since)."""
    payload = unsign(kind, token, max_age=int(LINK_AGE[kind].total_seconds()))
    owner = Owner.get_or_none(Owner.id == payload.get("o")) if isinstance(payload, dict) else None
    if owner is None or payload.get("f") != owner.password_fingerprint():
        raise InvalidToken("this link has been used already")
    return owner


def compose(owner: Owner, kind: str, site: Site | None, now: dt.datetime) -> EmailMessage:
    lang = owner.language if owner.language in SUBJECTS else "nl"
    values = {"url": password_url(owner, kind), "site": site.name if site else "",
              "hours": int(LINK_AGE[kind].total_seconds() // 3600),
              "days": LINK_AGE[kind].days, "has_password": owner.has_password,
              "login_url": f"{current_app.config['BASE_URL']}/dashboard/login"}
    return mail_message(
        subject=SUBJECTS[lang][kind].format(site=values["site"]), source=sender("Tevreden"),
        to=owner.email, now=now, about=f"{kind}.{owner.id}", lang=lang,
        text=render_template(f"mail/{lang}/{kind}.txt", **values))


def send_account_mail(owner: Owner, kind: str, site: Site | None = None) -> None:
    """Put the mail in the outbox and ask the worker to deliver it now."""
    now = utcnow()
    message = compose(owner, kind, site, now)
    with write_transaction():
        OutboxMail.create(invitation=None, kind=kind, recipient=owner.email,
                          subject=str(message["Subject"])[:300], message=message.as_string(),
                          message_id=message["Message-ID"], next_attempt_at=now,
                          created_at=now)
    try:  # sent within seconds; else the worker's check each minute sends it
        current_app.extensions["tevreden.tasks"]["send-due"]()
    except Exception:
        log.exception("could not enqueue send-due; the periodic check will send it")


def send_reset(email: str) -> bool:
    """The worker's half of "forgot your password": a link for an address with a login.

    The request only enqueues this, for every address alike, so its answer takes the same
    time whether the address has an account."""
    owner = Owner.by_email(email)
    if owner is None:
        return False
    send_account_mail(owner, "reset")
    return True
