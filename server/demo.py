"""Demo data for `make run`: an owner, a web shop, an NPS survey with half a year of answers."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from .core.followups import CONTACTED, RESOLVED, first_status
from .db import db
from .models import ApiToken, Owner, Response, Site, Survey, utcnow
from .models.themes import comment_fields
from .schemas import normalise_origin

DEMO_EMAIL = "demo@tevreden.local"

COMMENTS = [
    (10, "Snelle levering en de verpakking was netjes. Top!"),
    (9, "Prima webshop, ik bestel hier vaker."),
    (8, "Goed geholpen, al duurde de bezorging een dag langer."),
    (7, "Het afrekenen was wat omslachtig."),
    (6, "Retourneren was lastig te vinden op de site."),
    (3, "Pakket kwam beschadigd aan en de klantenservice reageerde traag."),
    (10, "Vriendelijke klantenservice, probleem meteen opgelost."),
    (5, "Te hoge verzendkosten voor een klein pakketje."),
]


def create_demo(base_url: str, seed: int = 7) -> dict | None:
    """Create the demo when no owner exists yet; returns the login and token, else None."""
    if Owner.select().exists():
        return None
    password = secrets.token_urlsafe(9)
    with db.atomic():
        owner = Owner(email=DEMO_EMAIL)
        owner.set_password(password)
        owner.save()
        site = Site.create(owner=owner, name="Demo Webshop", origins=[normalise_origin(base_url)],
                           contact_email="privacy@demo-webshop.example")
        survey = Survey.create_for(site, name="Na het afrekenen", metric="nps",
                                   touchpoints=["checkout", "klantenservice"],
                                   consent_mode="optional")
        _, token = ApiToken.issue(site, scope="export", name="demo")
        add_history(survey, random.Random(seed))
    return {"email": DEMO_EMAIL, "password": password, "token": token, "site": site.id,
            "survey": survey.id, "snippet": survey.snippet(base_url)}


def follow_base_url(base_url: str) -> dict | None:
    """On a database that holds the demo: let its shop frame the widget from `base_url`
    (`make run PORT=…` on an existing database). Returns where the demo is, else None."""
    site = (Site.select().join(Owner)
            .where(Owner.email == DEMO_EMAIL, Site.name == "Demo Webshop").first())
    if site is None:
        return None
    origin = normalise_origin(base_url)
    if origin not in site.origins:
        site.origins = [*site.origins, origin]
        site.save()
    survey = Survey.select().where(Survey.site == site).order_by(Survey.created_at).first()
    return {"site": site.id, "survey": survey.id if survey else None, "origins": site.origins}


def add_history(survey: Survey, rng: random.Random, months: int = 7) -> None:
    """Answers over the past months, slowly improving, so trend and target have a story."""
    now = utcnow()
    rows = []
    for day in range(months * 30, 0, -1):
        improvement = (months * 30 - day) / (months * 30)
        for _ in range(rng.randint(0, 3)):
            score = min(10, max(0, round(rng.gauss(6.8 + 1.6 * improvement, 2.2))))
            rows.append(history_row(survey, rng, score, now - dt.timedelta(days=day)))
    Response.insert_many(rows).execute()
    today = now.date()
    survey.baseline_from = today - dt.timedelta(days=months * 30)
    survey.baseline_to = today - dt.timedelta(days=months * 30 - 120)
    survey.target_due = today + dt.timedelta(days=120)
    survey.target_set_at = survey.baseline_to
    survey.target_value = 30.0
    survey.save()


def history_row(survey: Survey, rng: random.Random, score: int, when: dt.datetime) -> dict:
    comment = None
    if rng.random() < 0.15:
        comment = min(COMMENTS, key=lambda c: abs(c[0] - score) + rng.random())[1]
    created = when.replace(hour=rng.randint(8, 22), minute=rng.randint(0, 59))
    return {
        "survey": survey.id, "score": score, **comment_fields(survey, comment),
        "touchpoint": rng.choice(survey.touchpoints), "segment": None, "language": "nl",
        "created_at": created, **demo_followup(survey, rng, score, created),
    }


def demo_followup(survey: Survey, rng: random.Random, score: int, created: dt.datetime) -> dict:
    """Unhappy answers' follow-up: most older ones contacted within a day or two and resolved,
    the last week's still open, so the inbox and the loop's figures have something to show."""
    row = dict.fromkeys(("followup", "followup_at", "followup_contacted_at",
                         "followup_resolved_at"))
    if first_status(survey.metric, score, False) is None:
        return row
    if utcnow() - created < dt.timedelta(days=7) or rng.random() < 0.1:
        return {**row, "followup": "open", "followup_at": created}
    contacted = created + dt.timedelta(hours=rng.uniform(2, 72))
    resolved = contacted + dt.timedelta(hours=rng.uniform(1, 48))
    if rng.random() < 0.2:
        return {**row, "followup": CONTACTED, "followup_at": contacted,
                "followup_contacted_at": contacted}
    return {**row, "followup": RESOLVED, "followup_at": resolved,
            "followup_contacted_at": contacted, "followup_resolved_at": resolved}
