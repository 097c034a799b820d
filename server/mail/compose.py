"""An invitation or reminder as a MIME message: text and HTML in the order's language, one
link per score, the privacy notice and a one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import datetime as dt
import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app, render_template

from ..core.scoring import scale_points
from ..invites import invite_link, make_invite
from ..models import Invitation, Site
from ..signing import sign

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


def sender(shop: str) -> Address:
    """TEVREDEN_MAIL_FROM's address under the shop's name, so people know who asks."""
    configured = Address(addr_spec=parseaddr(current_app.config["MAIL_FROM"])[1])
    return Address(display_name=shop, username=configured.username, domain=configured.domain)


def compose(invitation: Invitation, kind: str, now: dt.datetime) -> EmailMessage:
    """The mail for an invitation ("invitation" or "reminder"), ready to send."""
    values = context(invitation, kind)
    lang = invitation.language if invitation.language in SUBJECTS else "nl"
    source = sender(values["shop"])
    message = EmailMessage()
    message["Subject"] = SUBJECTS[lang][kind].format(shop=values["shop"])
    message["From"] = source
    message["To"] = Address(display_name=invitation.name or "", addr_spec=invitation.email)
    message["Date"] = format_datetime(now.replace(tzinfo=dt.UTC))
    message["Message-ID"] = make_msgid(f"{kind}.{invitation.id}", domain=source.domain)
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{values['unsubscribe_url']}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(render_template(f"mail/{lang}/invitation.txt", **values))
    message.add_alternative(render_template(f"mail/{lang}/invitation.html", **values),
                            subtype="html")
    message["Content-Language"] = lang  # after the parts: setting content drops Content-*
    return message
