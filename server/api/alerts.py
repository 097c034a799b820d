"""The owner API on alerts: list and create a survey's alerts, delete one. Creating and
deleting need an `export` token: an alert sends answers (and consented contacts) out."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..core.alerts import webhook_origin
from ..core.periods import iso
from ..errors import ApiError
from ..models import Alert, AlertDelivery, Survey
from .alert_schemas import AlertBody
from .auth import current_token, has_export_scope, owned_survey, require_export
from .params import load_body

bp = Blueprint("alerts", __name__)
RECENT = 20


def delivery_json(delivery: AlertDelivery) -> dict:
    return {"response": delivery.response_id, "channel": delivery.channel,
            "status": delivery.status, "attempts": delivery.attempts,
            "last_error": delivery.last_error, "created_at": iso(delivery.created_at),
            "sent_at": iso(delivery.sent_at),
            "next_attempt_at": iso(delivery.next_attempt_at)
            if delivery.status == "waiting" else None}


def shown_url(url: str | None) -> str | None:
    """Only an export token sees a webhook's URL whole, a read token its origin."""
    return url if url is None or has_export_scope() else webhook_origin(url)


def alert_json(alert: Alert, deliveries: list[AlertDelivery] | None = None) -> dict:
    return {"id": alert.id, "survey": alert.survey_id, "when": alert.rule,
            "emails": alert.emails, "webhook_url": shown_url(alert.webhook_url),
            "created_at": iso(alert.created_at),
            "deliveries": [delivery_json(d) for d in deliveries or []]}


def recent_deliveries(alert: Alert) -> list[AlertDelivery]:
    return list(AlertDelivery.select().where(AlertDelivery.alert == alert)
                .order_by(AlertDelivery.id.desc()).limit(RECENT))


@bp.get("/surveys/<survey_id>/alerts")
def list_alerts(survey_id: str):
    """The survey's alerts with their latest deliveries."""
    survey = owned_survey(survey_id)
    alerts = Alert.select().where(Alert.survey == survey).order_by(Alert.created_at, Alert.id)
    return jsonify(alerts=[alert_json(a, recent_deliveries(a)) for a in alerts])


@bp.post("/surveys/<survey_id>/alerts")
def create_alert(survey_id: str):
    """Create an alert (needs an `export` token); a webhook's secret is shown only here."""
    survey = owned_survey(survey_id)
    require_export()
    data = load_body(AlertBody(survey.metric))
    alert = Alert.issue(survey, data["when"], data["emails"], data["webhook_url"])
    return jsonify(**alert_json(alert), secret=alert.secret), 201


@bp.delete("/alerts/<alert_id>")
def delete_alert(alert_id: str):
    """Delete an alert and its deliveries (needs an `export` token)."""
    alert = (Alert.select().join(Survey)
             .where(Alert.id == alert_id, Survey.site == current_token().site_id).first())
    if alert is None:
        raise ApiError(404, "There is no alert with this id.")
    require_export()
    Alert.withdraw(Alert.id == alert.id)
    return jsonify(id=alert_id, deleted=1)
