"""An invitation or reminder as a MIME message: text and HTML in the order's language, one
link per score, the privacy notice and a one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import datetime as dt
import re
from email.headerregistry import Address
from email.message import EmailMessage

from flask import current_app, render_template

from ..core.scoring import scale_points
from ..invites import invite_link, make_invite
from ..models import Invitation, Site
from ..signing import sign
from .message import mail_message, sender

SUBJECTS = {
    "nl": {"invitation": "Hoe was je bestelling bij {shop}?",
           "reminder": "Herinnering: hoe was je bestelling bij {shop}?"},
    "en": {"invitation": "How was your order from {shop}?",
           "reminder": "Reminder: how was your order from {shop}?"},
}
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#1f4e79"


def unsubscribe_url(site_id: int, email_hash: str, invitation_id: int, lang: str) -> str:
    """A signed link that unsubscribes this address from the site's invitations; no expiry
    (an old mail's link must still work) and no address in it, only the keyed hash."""
    token = sign("unsubscribe", {"s": site_id, "h": email_hash, "v": invitation_id, "l": lang})
    return f"{current_app.config['BASE_URL']}/u/{token}"


def brand_colour(site: Site) -> str:
    colour = getattr(site, "brand_color", None)  # a site's own colour, where sites have one
    return colour if isinstance(colour, str) and COLOUR.match(colour) else DEFAULT_COLOUR


def context(invitation: Invitation, kind: str) -> dict:
    survey = invitation.survey
    site, lang = survey.site, invitation.language
    token = make_invite(survey.id, invitation.touchpoint, invite_id=invitation.invite_id)
    low, high = survey.scale_ends(lang)
    base = current_app.config["BASE_URL"]
    return {
        "lang": lang, "reminder": kind == "reminder", "name": invitation.name, "shop": site.name,
        "question": survey.question(lang), "low": low, "high": high,
        "links": [{"score": score, "url": invite_link(survey.id, token, score, lang)}
                  for score in scale_points(survey.metric)],
        "privacy_url": f"{base}/privacy/{survey.id}?lang={lang}",
        "unsubscribe_url": unsubscribe_url(site.id, invitation.email_hash, invitation.id, lang),
        "colour": brand_colour(site),
    }


def compose(invitation: Invitation, kind: str, now: dt.datetime) -> EmailMessage:
    """The mail for an invitation ("invitation" or "reminder"), ready to send."""
    values = context(invitation, kind)
    lang = invitation.language if invitation.language in SUBJECTS else "nl"
    # The shop's name as the sender's, so people know who asks.
    return mail_message(
        subject=SUBJECTS[lang][kind].format(shop=values["shop"]), source=sender(values["shop"]),
        to=Address(display_name=invitation.name or "", addr_spec=invitation.email), now=now,
        about=f"{kind}.{invitation.id}", lang=lang,
        text=render_template(f"mail/{lang}/invitation.txt", **values),
        html=render_template(f"mail/{lang}/invitation.html", **values),
        unsubscribe_url=values["unsubscribe_url"])
