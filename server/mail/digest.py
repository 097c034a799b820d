"""The owner's digest as a MIME message: text and HTML in the owner's language, a link per
survey to the dashboard, and a one-click link that turns the digest off (RFC 8058)."""

from __future__ import annotations

import datetime as dt
import hashlib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ..dashboard.common import METRIC_NAMES, change_number, day_text, margin_text, score_text
from ..i18n import choose_language
from ..models import Owner
from ..reports.digest import SurveyDigest
from ..signing import sign
from .message import mail_message

COMMENT_LENGTH = 300  # a longer comment is cut here; the dashboard shows it whole


def owner_mark(owner: Owner) -> str:
    """Binds a link to this owner's address: a deleted owner's id given to another owner
    does not make an old link work for the new one."""
    return hashlib.sha256(owner.email.encode()).hexdigest()[:16]


def digest_off_url(owner: Owner, lang: str) -> str:
    """A signed link for this purpose only that turns the owner's digest off; no expiry (an
    old mail's link must still work)."""
    token = sign("digest-off", {"o": owner.id, "m": owner_mark(owner), "l": lang})
    return f"{current_app.config['BASE_URL']}/digest/off/{token}"


def subject(frequency: str, start: dt.date, end: dt.date) -> str:
    if frequency == "daily":
        return _("Your Tevreden summary of %(day)s", day=day_text(start))
    return _("Your Tevreden summary of %(start)s to %(end)s", start=day_text(start),
             end=day_text(end))


def short(comment: str) -> str:
    comment = " ".join(comment.split())
    return comment if len(comment) <= COMMENT_LENGTH else comment[:COMMENT_LENGTH - 1] + "…"


def context(owner: Owner, frequency: str, surveys: list[SurveyDigest], start: dt.date,
            end: dt.date, lang: str) -> dict:
    base = current_app.config["BASE_URL"]
    return {
        "lang": lang, "daily": frequency == "daily", "surveys": surveys,
        "start": day_text(start), "end": day_text(end),
        "score_text": score_text, "change_number": change_number, "margin_text": margin_text,
        "metric_names": METRIC_NAMES, "short": short,
        "dashboard_url": f"{base}/dashboard", "digest_url": f"{base}/dashboard/digest",
        "survey_url": lambda survey: f"{base}/dashboard/surveys/{survey.id}",
        "off_url": digest_off_url(owner, lang),
    }


def compose_digest(owner: Owner, frequency: str, surveys: list[SurveyDigest], start: dt.date,
                   end: dt.date, now: dt.datetime) -> EmailMessage:
    """The digest for the days start..end, ready to send."""
    lang = choose_language(owner.language)
    configured = parseaddr(current_app.config["MAIL_FROM"])
    source = Address(display_name=configured[0] or "Tevreden", addr_spec=configured[1])
    with force_locale(lang):
        values = context(owner, frequency, surveys, start, end, lang)
        title = subject(frequency, start, end)
        text = render_template("mail/digest.txt", **values)
        html = render_template("mail/digest.html", **values)
    return mail_message(subject=title, source=source, to=Address(addr_spec=owner.email),
                        now=now, about=f"digest.{owner.id}", lang=lang, text=text, html=html,
                        unsubscribe_url=values["off_url"])
