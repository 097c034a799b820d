"""Sites, surveys and targets: create-site, create-survey, set-target."""

from __future__ import annotations

import click
from flask import Flask

from ..schemas import SiteSchema, SurveySchema, TargetSchema
from .base import command, find_owner, find_site, find_survey, load


@command("create-site")
@click.option("--owner", "owner_email", required=True, help="The owner's e-mail.")
@click.option("--name", required=True)
@click.option("--origin", "origins", multiple=True, required=True,
              help="An origin allowed to show the widget, e.g. https://www.shop.nl (repeat).")
@click.option("--contact-email", help="Address for privacy requests, named in the notice.")
@click.option("--brand-color", help="'#RRGGBB' for the chosen score and the buttons.")
@click.option("--position", type=click.Choice(["right", "left"]), default="right",
              show_default=True, help="The popup's corner.")
def create_site_cmd(app: Flask, owner_email: str, name: str, origins: tuple, contact_email,
                    brand_color, position: str):
    """Create a site (a web shop) with the origins allowed to frame its widget."""
    from ..models import Site

    owner = find_owner(owner_email)
    data = load(SiteSchema(), {"name": name, "origins": list(origins),
                               "contact_email": contact_email or owner.email,
                               "brand_color": brand_color, "position": position})
    site = Site.create(owner=owner, **data)
    return ({"id": site.id, "name": site.name, "origins": site.origins,
             "brand_color": site.brand_color, "position": site.position},
            f"site {site.id} created: {site.name} ({', '.join(site.origins)})")


@command("create-survey")
@click.option("--site", "site_ref", required=True, help="Site id or name.")
@click.option("--metric", required=True, type=click.Choice(["nps", "csat", "ces"]))
@click.option("--name")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--touchpoint", "touchpoints", multiple=True, help="e.g. checkout (repeat).")
@click.option("--retention-days", type=int, default=365, show_default=True)
@click.option("--consent", type=click.Choice(["anonymous", "optional"]), default="anonymous",
              show_default=True)
@click.option("--recontact-days", type=int, default=90, show_default=True)
@click.option("--sample-percent", type=int, default=100, show_default=True)
@click.option("--invite-delay-days", type=int, default=7, show_default=True,
              help="Days after a completed order that its invitation goes (0 = at once).")
@click.option("--reminder-after-days", type=int, default=0, show_default=True,
              help="Days after the invitation that a reminder goes to those who did not "
                   "answer (0 = none).")
@click.option("--invite-every-days", type=int, default=90, show_default=True,
              help="At most one invitation per address in this many days.")
@click.option("--scrub-comments/--keep-comments", default=True, show_default=True,
              help="Replace e-mail addresses, phone numbers, IBANs and postcodes in comments.")
def create_survey_cmd(app: Flask, site_ref: str, metric: str, name, lang: str, touchpoints,
                      retention_days: int, consent: str, recontact_days: int,
                      sample_percent: int, invite_delay_days: int, reminder_after_days: int,
                      invite_every_days: int, scrub_comments: bool):
    """Create a survey and print the snippet to paste."""
    from ..models import Survey

    site = find_site(site_ref)
    raw = {"metric": metric, "lang": lang, "touchpoints": list(touchpoints),
           "retention_days": retention_days, "consent_mode": consent,
           "recontact_days": recontact_days, "sample_percent": sample_percent,
           "invite_delay_days": invite_delay_days, "reminder_after_days": reminder_after_days,
           "invite_every_days": invite_every_days, "scrub_comments": scrub_comments}
    if name:
        raw["name"] = name
    survey = Survey.create_for(site, **load(SurveySchema(), raw))
    snippet = survey.snippet(app.config["BASE_URL"])
    return ({"id": survey.id, "site": site.id, "metric": survey.metric, "snippet": snippet},
            f"survey {survey.id} created. Paste this into your site:\n{snippet}")


@command("set-target")
@click.option("--survey", "survey_id", required=True)
@click.option("--target", required=True, type=float)
@click.option("--due", required=True, help="YYYY-MM-DD")
@click.option("--baseline-from", help="YYYY-MM-DD, start of the baseline (nulmeting)")
@click.option("--baseline-to", help="YYYY-MM-DD, end of the baseline")
def set_target_cmd(app: Flask, survey_id: str, target: float, due: str, baseline_from,
                   baseline_to):
    """Set a survey's target against a baseline period."""

    survey = find_survey(survey_id)
    data = load(TargetSchema(), {"target": target, "due": due, "baseline_from": baseline_from,
                                 "baseline_to": baseline_to, "metric": survey.metric})
    survey.set_target(data["target"], data["due"], data["baseline_from"], data["baseline_to"])
    return ({"id": survey.id, "target": survey.target_value, "due": str(survey.target_due),
             "baseline_from": data["baseline_from"], "baseline_to": data["baseline_to"]},
            f"target {survey.target_value:g} by {survey.target_due} set for {survey.id}")


