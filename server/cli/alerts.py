"""Alerts on answers: create-alert, delete-alert."""

from __future__ import annotations

import click
from flask import Flask

from .base import Failure, command, find_survey, load


@command("create-alert")
@click.option("--survey", "survey_id", required=True)
@click.option("--when", required=True,
              help="detractor | score-at-most:N | keyword:WORD (whole words, any case, "
                   "Dutch and English word forms).")
@click.option("--email", "emails", multiple=True, help="An address to mail; repeat for more.")
@click.option("--webhook", help="An http(s) URL that gets the signed JSON.")
def create_alert_cmd(app: Flask, survey_id: str, when: str, emails: tuple[str, ...],
                     webhook: str | None):
    """Alert by e-mail and/or webhook on answers that match; a webhook's secret is shown once."""
    from ..api.alert_schemas import AlertBody
    from ..models import Alert

    survey = find_survey(survey_id)
    data = load(AlertBody(survey.metric), {"when": when, "emails": list(emails),
                                           "webhook_url": webhook})
    alert = Alert.issue(survey, data["when"], data["emails"], data["webhook_url"])
    result = {"id": alert.id, "survey": survey.id, "when": alert.rule, "emails": alert.emails,
              "webhook_url": alert.webhook_url}
    text = [f"alert {alert.id} ({alert.rule}) for survey {survey.id}"]
    if alert.secret:
        result["secret"] = alert.secret
        text += [f"  secret: {alert.secret}",
                 "Check X-Tevreden-Signature (sha256=<hex HMAC-SHA256 of the body>) with this "
                 "secret; it is not shown again."]
    return result, "\n".join(text)


@command("delete-alert")
@click.argument("alert_id")
def delete_alert_cmd(app: Flask, alert_id: str):
    """Delete an alert and its deliveries."""
    from ..models import Alert

    deleted = Alert.withdraw(Alert.id == alert_id)
    if not deleted:
        raise Failure(f"no alert {alert_id!r}")
    return {"id": alert_id, "deleted": deleted}, f"alert {alert_id} deleted"
