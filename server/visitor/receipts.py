"""Receipts: the respondent sees everything stored about their answer and can delete it.

The receipt itself is the authorisation (a signed link only the respondent holds), so
deletion needs no login and no cookie; a confirmation step guards against a slip.
"""

from __future__ import annotations

import datetime as dt

from flask import Response as FlaskResponse
from flask import g, jsonify, render_template, request, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _

from ..core.scoring import SCALES
from ..errors import ApiError, wants_json
from ..i18n import N_
from ..limits import limiter, receipt_limit
from ..models import Response, Survey
from ..retention import describe
from ..schemas import touchpoint_name
from ..signing import InvalidToken
from .answers import response_for_receipt
from .common import use_language, visitor_blueprint

bp = visitor_blueprint("receipts", __name__)

CONFIRMED = ("yes", "true", "1", "on", True)


LABELS = {
    "id": N_("Answer number"),
    "survey": N_("Given to"),
    "score": N_("Score"),
    "comment": N_("Comment"),
    "touchpoint": N_("Touchpoint"),
    "segment": N_("Segment"),
    "reference": N_("Reference (from the invitation)"),
    "language": N_("Language"),
    "created_at": N_("Given at"),
    "consent_at": N_("Consent to be contacted"),
    "consent_version": N_("Consent text"),
    "contact": N_("E-mail address"),
    "followup": N_("Follow-up by the shop"),
    "followup_note": N_("The shop's note"),
    "followup_at": N_("Follow-up last changed"),
    "followup_contacted_at": N_("First contacted"),
    "followup_resolved_at": N_("Resolved"),
}
FOLLOWUP_STATES = {
    "open": N_("open: the shop has not replied yet"),
    "contacted": N_("contacted"),
    "resolved": N_("resolved"),
}


@bp.after_request
def private(response: FlaskResponse) -> FlaskResponse:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"  # a receipt is a private link
    return response


def open_receipt(receipt: str) -> Response:
    """The answer behind a receipt: 400 when the link is damaged, 404 when it is gone."""
    try:
        response = response_for_receipt(receipt)
    except InvalidToken:
        raise ApiError(400, _("This link to your answer is not valid. Check that you copied it "
                              "completely.")) from None
    if response is None:
        raise ApiError(404, _("No answer is stored for this link: it was deleted or its "
                              "retention period has passed."))
    g.survey = Survey.open_with_site(response.survey_id, active_only=False)
    if not wants_json():
        use_language(request.args.get("lang"), response.language)
    return response


def when(value: dt.datetime | None) -> str | None:
    return format_datetime(value, "medium") if value else None  # in Europe/Amsterdam


def shown(key: str, value, response: Response) -> str:
    """A stored value as the respondent reads it."""
    survey = g.survey
    if key == "survey":
        return f"{survey.site.name} ({survey.name})"
    if key == "score":
        low, high = SCALES[survey.metric]
        return _("%(score)s on a scale from %(low)s to %(high)s", score=value, low=low,
                 high=high)
    if key == "touchpoint" and value:
        return touchpoint_name(value)
    if key == "language":
        return {"nl": "Nederlands", "en": "English"}.get(value, value)
    if key == "consent_at":
        return when(response.consent_at) or _("Not given")
    if key == "consent_version" and value:
        text = survey.consent_text(value)
        wording = text and (text.text_en if g.lang == "en" else text.text_nl)
        return _("version %(version)s: “%(text)s”", version=value, text=wording or "")
    if key == "created_at":
        return when(response.created_at)
    if key == "followup":
        return _(FOLLOWUP_STATES[value]) if value in FOLLOWUP_STATES else "—"
    if key in ("followup_at", "followup_contacted_at", "followup_resolved_at"):
        return when(getattr(response, key)) or "—"
    return "—" if value in (None, "") else str(value)


def receipt_page(template: str, response: Response, receipt: str, status: int = 200,
                 **context) -> FlaskResponse:
    stored = describe(response)
    # The follow-up rows only where there is one: most answers never get any.
    rows = [(_(LABELS[key]) if key in LABELS else key, shown(key, value, response))
            for key, value in stored.items()
            if response.followup or not key.startswith("followup")]
    kept_until = response.created_at + dt.timedelta(days=g.survey.retention_days)
    context = {
        "survey": g.survey, "lang": g.lang, "response": response, "rows": rows,
        "receipt": receipt, "kept_until": format_date(kept_until, "long"),
        "details_url": (url_for("widget.details", survey=g.survey.id, receipt=receipt)
                        if response.second_step_open() and g.survey.takes_answers else None),
        "details_until": when(response.second_step_closes()), **context,
    }
    return FlaskResponse(render_template(f"widget/{template}", **context), status,
                         mimetype="text/html")


@bp.get("/r/<receipt>")
@limiter.limit(receipt_limit)
def show(receipt: str):
    """Everything stored for this answer, with a way to delete it."""
    response = open_receipt(receipt)
    if wants_json():
        return jsonify(describe(response))
    return receipt_page("receipt.html", response, receipt)


@bp.post("/r/<receipt>")
@limiter.limit(receipt_limit)
def act(receipt: str):
    """Delete the answer (after a confirmation step), or withdraw consent to be contacted."""
    response = open_receipt(receipt)
    data = request.get_json(silent=True) if request.is_json else request.form
    data = data if isinstance(data, dict) else {}
    action = data.get("action")
    if action == "delete" and data.get("confirm") in CONFIRMED:
        return deleted(response)
    if action == "delete":
        if wants_json():
            message = _("Confirm the deletion with confirm=yes.")
            raise ApiError(422, message, fields={"confirm": [message]})
        return receipt_page("receipt_confirm.html", response, receipt)
    if action == "withdraw":
        response.withdraw_consent()
        if wants_json():
            return jsonify(describe(response))
        return receipt_page("receipt.html", response, receipt,
                            notice=_("Your consent is withdrawn and your e-mail address "
                                     "is removed."))
    message = _("Choose what to do: delete or withdraw.")
    raise ApiError(422, message, fields={"action": [message]})


@bp.delete("/r/<receipt>")
@limiter.limit(receipt_limit)
def remove(receipt: str):
    """Delete the answer at once (for programs acting for the respondent)."""
    return deleted(open_receipt(receipt))


def deleted(response: Response) -> FlaskResponse:
    count = response.erase()
    if wants_json():
        return jsonify(deleted=count)
    return FlaskResponse(render_template("widget/receipt_deleted.html", survey=g.survey,
                                         lang=g.lang), mimetype="text/html")
