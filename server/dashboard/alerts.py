"""A survey's alerts: create (rule, addresses, webhook), delete, the recent deliveries; and
the page of one answer, where an alert's link leads."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..api.alert_schemas import MAX_EMAILS, AlertBody
from ..core.alerts import webhook_origin
from ..core.scoring import SCALES
from ..errors import ApiError
from ..models import Alert, AlertDelivery, OutboxMail, Response, Survey
from .auth import current_owner, login_required
from .common import RANKS, owned_survey, stored_id
from .followups import reply_link, status_names

bp = Blueprint("alerts", __name__)

KINDS = ("detractor", "score-at-most", "keyword")
RECENT = 30


def deliveries(survey: Survey) -> list[AlertDelivery]:
    return list(AlertDelivery.select(AlertDelivery, Alert).join(Alert)
                .where(Alert.survey == survey)
                .order_by(AlertDelivery.id.desc()).limit(RECENT))


def delivery_states(deliveries: list[AlertDelivery]) -> dict[int, dict]:
    """Where each delivery really is: a webhook's own state; an e-mail alert is done once its
    mails are in the outbox, so from then on what counts is the fate of those mails (to the
    alert's addresses; a sent or refused mail no longer holds its address, so those count
    for every e-mail alert of the answer), not "sent"."""
    queued = {d.response_id for d in deliveries if d.channel == "email" and d.status == "sent"}
    mails: dict[int, list[OutboxMail]] = {}
    if queued:
        for mail in (OutboxMail.select(OutboxMail.response, OutboxMail.recipient,
                                       OutboxMail.status, OutboxMail.sent_at,
                                       OutboxMail.next_attempt_at)
                     .where(OutboxMail.response.in_(queued), OutboxMail.kind == "alert")):
            mails.setdefault(mail.response_id, []).append(mail)
    states = {}
    for delivery in deliveries:
        if delivery.channel == "email" and delivery.status == "sent":
            addresses = set(delivery.alert.emails)
            state = mail_state([m for m in mails.get(delivery.response_id, [])
                                if m.recipient is None or m.recipient in addresses])
            states[delivery.id] = {**state, "outbox": True}
        else:
            states[delivery.id] = {"status": delivery.status, "outbox": False,
                                   "when": delivery.sent_at if delivery.status == "sent"
                                   else delivery.next_attempt_at}
    return states


def alerts_page(survey: Survey, status: int = 200, **context):
    context.setdefault("errors", {})
    context.setdefault("values", {"kind": "detractor"})
    alerts = list(Alert.select().where(Alert.survey == survey).order_by(Alert.created_at))
    whole = RANKS[survey.site.role_of(current_owner())] >= RANKS["manager"]
    webhooks = {alert.id: alert.webhook_url if whole else webhook_origin(alert.webhook_url)
                for alert in alerts if alert.webhook_url}
    low, high = SCALES[survey.metric]
    recent = deliveries(survey)
    return render_template("dashboard/alerts.html", survey=survey, alerts=alerts,
                           webhooks=webhooks, deliveries=recent,
                           states=delivery_states(recent), kinds=KINDS, low=low, high=high,
                           deleted=request.args.get("deleted") == "1", **context), status


def form_rule(form) -> str:
    kind, value = form.get("kind", ""), form.get("value", "").strip()
    return f"{kind}:{value}" if kind in ("score-at-most", "keyword") else kind


def emails_message(error: ValidationError, emails: list[str]) -> str:
    """What is wrong with the addresses: the first one that is not an address, too many,
    or none at all (nor a webhook)."""
    wrong = error.normalized_messages().get("emails")
    if isinstance(wrong, dict):  # by position: the addresses that are not addresses
        index = min(key for key in wrong if isinstance(key, int))
        return _("“%(address)s” is not an e-mail address. Enter one address per line.",
                 address=emails[index][:254])
    if len(emails) > MAX_EMAILS:
        return _("Enter at most %(count)s e-mail addresses (you entered %(given)s).",
                 count=MAX_EMAILS, given=len(emails))
    return _("Enter at least one e-mail address, one per line, or a webhook.")


def form_messages(error: ValidationError, survey: Survey,
                  emails: list[str] | None = None) -> dict[str, str]:
    """One sentence per field of the form, in the owner's language."""
    low, high = SCALES[survey.metric]
    found = {str(key).split(".")[0] for key in error.normalized_messages()}
    sentences = {
        "when": ("value", _("For a score, enter a whole number from %(low)s to %(high)s; for "
                            "a keyword, a word of at most 64 characters.", low=low, high=high)),
        "emails": ("emails", emails_message(error, emails or [])),
        "webhook_url": ("webhook_url", _("Enter a URL starting with https:// or http://, or "
                                         "leave it empty.")),
    }
    return dict(sentences[key] for key in found if key in sentences)


@bp.route("/surveys/<survey_id>/alerts", methods=["GET", "POST"])
@login_required
def alerts(survey_id: str):
    """The survey's alerts and their deliveries; posting adds one (a secret shown once)."""
    survey = owned_survey(survey_id)
    if request.method == "GET":
        return alerts_page(survey)
    emails = [line.strip() for line in request.form.get("emails", "").split() if line.strip()]
    try:
        data = AlertBody(survey.metric).load({
            "when": form_rule(request.form), "emails": emails,
            "webhook_url": request.form.get("webhook_url", "").strip() or None})
    except ValidationError as exc:
        return alerts_page(survey, 422, errors=form_messages(exc, survey, emails),
                           values=request.form.to_dict())
    created = Alert.issue(survey, data["when"], data["emails"], data["webhook_url"])
    return alerts_page(survey, 201, created=created)


@bp.route("/surveys/<survey_id>/alerts/<alert_id>/delete", methods=["POST"])
@login_required
def delete(survey_id: str, alert_id: str):
    """Delete an alert and its deliveries."""
    survey = owned_survey(survey_id)
    if not Alert.withdraw(Alert.id == alert_id, Alert.survey == survey):
        raise ApiError(404, _("There is no such alert."))
    return redirect(url_for(".alerts", survey_id=survey.id, deleted=1), 303)


@bp.get("/surveys/<survey_id>/answers/<int:response_id>")
@login_required
def answer(survey_id: str, response_id: int):
    """One answer, as an alert links to it, with the alerts it set off."""
    survey = owned_survey(survey_id)
    found = stored_id(response_id) and Response.get_or_none(Response.id == response_id,
                                                            Response.survey == survey)
    if not found:
        raise ApiError(404, _("This answer is not here: it was deleted or its retention "
                              "period has passed."))
    sent = list(AlertDelivery.select(AlertDelivery, Alert).join(Alert)
                .where(AlertDelivery.response == found).order_by(AlertDelivery.id))
    return render_template("dashboard/answer.html", survey=survey, response=found,
                           deliveries=sent, states=delivery_states(sent),
                           followup=status_names().get(found.followup),
                           reply=reply_link(survey, found))


def mail_state(mails: list[OutboxMail]) -> dict:
    """The alert mails of one answer taken together: the worst state and its time."""
    for status in ("failed", "waiting"):
        if any(m.status == status for m in mails):
            return {"status": status, "when": min(m.next_attempt_at for m in mails
                                                  if m.status == status)}
    return {"status": "sent" if mails else "none",
            "when": max((m.sent_at for m in mails if m.sent_at), default=None)}
