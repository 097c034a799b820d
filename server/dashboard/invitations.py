"""A survey's e-mail invitations: connecting a shop (hooks, step by step), the rules, the
outbox and the counts."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..errors import ApiError
from ..models import HOOK_KINDS, Hook, Invitation, OutboxMail, Survey
from ..reports.invitations import invitation_counts, invitation_page
from ..schemas import SurveySchema
from .auth import login_required
from .common import form_errors, owned_survey

bp = Blueprint("invitations", __name__)

RULES = ("invite_delay_days", "reminder_after_days", "invite_every_days")
SECRET_MAX = 128


def outbox(survey: Survey) -> list[OutboxMail]:
    """Mails not yet sent (with their address, still needed), then the last ones sent."""
    query = OutboxMail.select().join(Invitation).where(Invitation.survey == survey)
    waiting = list(query.where(OutboxMail.status == "waiting").order_by(OutboxMail.id))
    done = list(query.where(OutboxMail.status != "waiting")
                .order_by(OutboxMail.id.desc()).limit(20))
    return waiting + done


def invitations_page(survey: Survey, status: int = 200, **context):
    context.setdefault("errors", {})
    context.setdefault("values", {name: getattr(survey, name) for name in RULES} | {
        "kind": "woocommerce"})
    hooks = list(Hook.select().where(Hook.survey == survey).order_by(Hook.created_at))
    page, _more = invitation_page(survey, 50)
    return render_template(
        "dashboard/invitations.html", survey=survey, hooks=hooks, kinds=HOOK_KINDS,
        counts=invitation_counts(survey), invitations=page, mails=outbox(survey),
        base_url=current_app.config["BASE_URL"], **context), status


@bp.route("/surveys/<survey_id>/invitations", methods=["GET", "POST"])
@login_required
def invitations(survey_id: str):
    """Invitations by e-mail; posting connects a shop and shows its secret this once."""
    survey = owned_survey(survey_id)
    if request.method == "GET":
        return invitations_page(survey, disconnected=request.args.get("disconnected") == "1",
                                saved=request.args.get("saved") == "1")
    kind = request.form.get("kind", "")
    secret = request.form.get("secret", "").strip()
    errors = {}
    if kind not in HOOK_KINDS:
        errors["kind"] = _("Choose WooCommerce, Shopify or another system.")
    if secret and not 16 <= len(secret) <= SECRET_MAX:
        errors["secret"] = _("A secret has 16 to 128 characters; leave it empty for a new one.")
    if errors:
        return invitations_page(survey, 422, errors=errors,
                                values={**request.form.to_dict()})
    hook = Hook.issue(survey, kind, secret or None)
    # Rendered in the answer to the POST: the secret is not shown again.
    return invitations_page(survey, 201, created=hook)


@bp.route("/surveys/<survey_id>/invitations/hooks/<hook_id>/delete", methods=["POST"])
@login_required
def disconnect(survey_id: str, hook_id: str):
    """Disconnect a shop: its URL takes no more orders (a leaked secret goes at once, archived
    or not); invitations already scheduled stay. Connecting again gives a new secret."""
    survey = owned_survey(survey_id, when_archived=True)
    if not Hook.delete().where(Hook.id == hook_id, Hook.survey == survey).execute():
        raise ApiError(404, _("There is no such connected shop."))
    return redirect(url_for(".invitations", survey_id=survey.id, disconnected=1), 303)


@bp.route("/surveys/<survey_id>/invitations/rules", methods=["POST"])
@login_required
def rules(survey_id: str):
    """Change when invitations and reminders go, and how often per address."""
    survey = owned_survey(survey_id)
    try:
        data = SurveySchema(only=RULES).load(
            {name: request.form.get(name, "") for name in RULES})
    except ValidationError as exc:
        errors = form_errors(exc, {name: _("Enter a whole number of days.") for name in RULES})
        return invitations_page(survey, 422, errors=errors, values=request.form.to_dict())
    for name, value in data.items():
        setattr(survey, name, value)
    survey.save()
    # Post/redirect/get, as the other forms: a reload or a bookmark is a GET of the page.
    return redirect(url_for(".invitations", survey_id=survey.id, saved=1), 303)
