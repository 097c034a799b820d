"""The privacy notice of a survey, generated from its real settings, in Dutch and English."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, render_template, request
from flask_babel import gettext, refresh

from ..core.scoring import SCALES
from ..errors import ApiError
from ..i18n import LANGUAGES, choose_language
from ..models import Alert, Hook, Invitation, Owner, Site, Survey

bp = Blueprint("privacy", __name__)

METRIC_NAMES = {"nps": "Net Promoter Score (NPS)", "csat": "Customer Satisfaction (CSAT)",
                "ces": "Customer Effort Score (CES)"}
AUTHORITY_URL = "https://autoriteitpersoonsgegevens.nl"


def find_survey(survey_id: str) -> Survey:
    """The survey with its site and owner in one query; 404 when there is none."""
    survey = (Survey.select(Survey, Site, Owner).join(Site).join(Owner)
              .where(Survey.id == survey_id).first())
    if survey is None:
        raise ApiError(404, gettext("There is no survey with this id."))
    return survey


def set_language(*candidates: str | None) -> None:
    g.lang = choose_language(*candidates)
    refresh()  # Flask-Babel caches the locale per context; ours is decided only now


def controller_contact(site: Site) -> str:
    """Where privacy requests go: the site's contact address, else its owner's login."""
    return site.contact_email or site.owner.email


@bp.get("/privacy/<survey>")
def notice(survey: str):
    """The privacy notice for one survey: controller, purpose, fields, retention, rights."""
    set_language(request.args.get("lang"))
    found = find_survey(survey)
    set_language(request.args.get("lang"), found.default_language)
    consent = found.consent_text() if found.consent_mode == "optional" else None
    low, high = SCALES.get(found.metric, (0, 10))
    return render_template(
        "privacy/notice.html",
        lang=g.lang,
        languages=LANGUAGES,
        survey=found,
        site=found.site,
        contact=controller_contact(found.site),
        host=urlsplit(current_app.config["BASE_URL"]).netloc,
        metric_name=METRIC_NAMES.get(found.metric, found.metric.upper()),
        scale_low=low,
        scale_high=high,
        consent=consent,
        consent_wording=(consent.text_en if g.lang == "en" else consent.text_nl)
        if consent else None,
        authority_url=AUTHORITY_URL,
        invitations=Hook.select().where(Hook.survey == found.id).exists()
        or Invitation.select().where(Invitation.survey == found.id).exists(),
        **alert_recipients(found),
    )


def alert_recipients(survey: Survey) -> dict:
    """Where the survey's alerts send an answer: the webhooks' hosts, and whether by e-mail."""
    alerts = list(Alert.select(Alert.emails, Alert.webhook_url).where(Alert.survey == survey))
    hosts = sorted({urlsplit(a.webhook_url).hostname or "" for a in alerts if a.webhook_url})
    return {"alert_hosts": [host for host in hosts if host],
            "alert_mails": any(a.emails for a in alerts)}
