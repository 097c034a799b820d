"""The widget page in its iframe, and recording answers: the score, then the details."""

from __future__ import annotations

import functools
import re

from flask import Response as FlaskResponse
from flask import g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..core.scoring import SCALES, answer_group
from ..errors import ApiError, is_htmx, wants_json
from ..jobs.alerts import after_answer
from ..limits import answer_limits
from ..models import AlreadyAnswered, RefusedOrigin, Response, Survey, TooLate
from ..schemas import messages, normalise_origin
from ..signing import InvalidToken
from .answers import (
    issue_token,
    read_token,
    receipt_for,
    receipt_url,
    response_for_receipt,
)
from .common import render_step, use_language, visitor_blueprint
from .forms import as_score, checked_invite, score_context, tag_or_none
from .pages import Recently, TokenPages
from .schemas import VisitorDetailsSchema, VisitorResponseSchema

bp = visitor_blueprint("widget", __name__)
pages = TokenPages()
REFUSALS = Recently(seconds=600)  # a refused origin is written at most every 10 minutes

ORIGIN = re.compile(r"^https?://[a-z0-9.\-\[\]:]+$")


@bp.after_request
def visitor_headers(response: FlaskResponse) -> FlaskResponse:
    """Every answer here is shown in the site's iframe: framed by its origins, never cached."""
    survey = g.get("survey")
    response.headers["Content-Security-Policy"] = widget_policy(
        tuple(survey.site.origins) if survey else ())
    response.headers["Cache-Control"] = "no-store"  # a page holds a single-use token
    response.vary.add("HX-Request")
    return response


@functools.lru_cache(maxsize=256)
def widget_policy(origins: tuple[str, ...], own: bool = False) -> str:
    """The widget's CSP; `own` lets this server's pages frame it (the dashboard's preview)."""
    allowed = (["'self'"] if own else []) + [o for o in origins if ORIGIN.match(o)]
    ancestors = " ".join(allowed) or "'none'"
    return ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            f"connect-src 'self'; form-action 'self'; base-uri 'none'; "
            f"frame-ancestors {ancestors}")


def active_survey(survey_id: str) -> Survey:
    """The open survey with its site (one query), kept in `g` for the rest of the request."""
    survey = Survey.open_with_site(survey_id)
    if survey is None:
        raise not_found()
    g.survey = survey
    return survey


def not_found() -> ApiError:
    return ApiError(404, _("This survey does not exist or is closed."))


def allowed_origin(survey: Survey, value: str | None) -> str | None:
    """The host page's origin, when it is one the site allows (the postMessage target); one
    it does not allow is noted for the owner's install page."""
    try:
        origin = normalise_origin(value) if value else None
    except ValidationError:
        return None
    if origin is None or origin in survey.site.origins:
        return origin
    if REFUSALS.first_in_a_while((survey.id, origin)):
        RefusedOrigin.note(survey.site, origin)
    return None


@bp.get("/w/<survey>")
def page(survey: str):
    """The widget page: the question and its scale, in the page's language."""
    survey = active_survey(survey)
    args = request.args
    lang = use_language(args.get("lang"), survey.default_language)
    g.origin = allowed_origin(survey, args.get("origin"))
    g.mode = args.get("mode") if args.get("mode") in ("popup", "inline") else None
    invite = checked_invite(survey, args["invite"]) if args.get("invite") else None
    low, high = SCALES[survey.metric]
    selected = as_score(args.get("score"))
    selected = selected if selected is not None and low <= selected <= high else None
    token = issue_token(survey, lang)
    if invite:
        return render_step("_score.html", **score_context(
            survey, token, selected, invite=args["invite"], autosubmit=selected is not None))
    touchpoint = tag_or_none(args.get("touchpoint"), survey.touchpoints)
    segment = tag_or_none(args.get("segment"))
    key = (survey.id, survey.version, survey.site.version, lang, g.origin, g.mode, selected,
           touchpoint, segment, is_htmx(), request.script_root)
    return pages.render(key, token,
        lambda token: render_step("_score.html", **score_context(
            survey, token, selected, touchpoint=touchpoint, segment=segment)))


def submitted() -> dict:
    """The posted fields, from JSON or a form."""
    if not request.is_json:
        return request.form.to_dict()
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, _("The body is not valid JSON."))
    if not isinstance(data, dict):
        message = _("Send a JSON object.")
        raise ApiError(422, message, fields={"_schema": [message]})
    return data


def refuse(status: int, message: str, step: str, fields: dict | None = None, code=None,
           **context) -> FlaskResponse:
    """JSON clients get the error shape; people get the step again, with the problem named."""
    if wants_json():
        raise ApiError(status, message, code=code, fields=fields)
    return render_step(step, status, message=message, errors=fields or {}, **context)


def posted_token(survey_id: str, raw: dict) -> dict | None:
    """The form token's contents; None when there is none (the schema names the field)."""
    text = raw.get("token")
    if not isinstance(text, str) or not text.strip():
        return None
    return read_token(survey_id, text.strip())


def answered_survey(survey_id: str, token: dict | None) -> Survey:
    """The survey whose form was answered: as it was shown when this process still keeps that
    version (the insert itself checks that it is open), else as it is now."""
    survey = Survey.as_shown(survey_id, token["versions"]) if token else None
    if survey is None:
        return active_survey(survey_id)
    g.survey = survey
    return survey


def form_again(survey: Survey, raw: dict, token: dict | None) -> dict:
    """The score form as it was sent, to correct it; a fresh token if the old one was bad."""
    return score_context(
        survey, raw["token"].strip() if token else issue_token(survey, g.lang),
        as_score(raw.get("score")),
        touchpoint=tag_or_none(raw.get("touchpoint"), survey.touchpoints),
        segment=tag_or_none(raw.get("segment")),
        invite=raw.get("invite") if isinstance(raw.get("invite"), str) else None)


@bp.post("/w/<survey>/responses")
@answer_limits
def create_response(survey: str):
    """Record a score (with whatever else was sent), spending the form's token."""
    survey_id = survey
    raw = submitted()
    try:
        token = posted_token(survey_id, raw)
    except InvalidToken as exc:
        survey = active_survey(survey_id)
        if not wants_json():
            use_language(request.args.get("lang"), survey.default_language)
        message = (_("This form has expired. Please choose your score again.") if exc.expired
                   else _("This form is not valid. Please choose your score again."))
        return refuse(400, message, "_score.html", {"token": [message]},
                      code="token_expired" if exc.expired else "token_invalid",
                      **form_again(survey, raw, None))
    survey = answered_survey(survey_id, token)
    if not wants_json():
        use_language(token["lang"] if token else None, survey.default_language)
    try:
        data = VisitorResponseSchema.for_survey(survey).load(raw)
    except ValidationError as err:
        return refuse(422, _("Please check your answer."), "_score.html", messages(err),
                      **form_again(survey, raw, token))
    invite = checked_invite(survey, data["invite"]) if data.get("invite") else None
    try:
        response = Response.record(survey, data, token["id"], token["lang"], invite)
    except AlreadyAnswered:
        if Survey.open_with_site(survey.id) is None:  # closed or deleted since it was shown
            raise not_found() from None
        return refuse(409, _("This form has already been used to answer. Thank you!"),
                      "_message.html", code="conflict")
    after_answer(survey)
    receipt = receipt_for(response)
    if wants_json():
        return jsonify(id=response.id, receipt=receipt_url(receipt)), 201
    if is_htmx():
        return render_step("_details.html", 201, **details_context(response, receipt))
    return redirect(url_for(".details", survey=survey.id, receipt=receipt), 303)


def answer_for(survey: Survey, receipt: str) -> Response:
    """The answer a receipt opens, if it belongs to this survey."""
    try:
        response = response_for_receipt(receipt)
    except InvalidToken:
        raise ApiError(400, _("This link to your answer is not valid. Check that you copied it "
                              "completely.")) from None
    if response is None or response.survey_id != survey.id:
        raise ApiError(404, _("No answer is stored for this link: it was deleted or its "
                              "retention period has passed."))
    return response


def details_context(response: Response, receipt: str, values: dict | None = None) -> dict:
    survey = g.survey
    consent = survey.consent_text() if survey.consent_mode == "optional" else None
    group = answer_group(survey.metric, response.score)
    return {"response": response, "values": values or {}, "receipt": receipt,
            "own_why": survey.own_why_question(group, g.lang),
            "why": survey.standard_why_question(group, g.lang),
            "action": url_for(".save_details", survey=survey.id, receipt=receipt),
            "consent_text": consent and (consent.text_en if g.lang == "en" else consent.text_nl),
            "receipt_url": receipt_url(receipt)}


def too_late() -> str:
    return _("The 24 hours for adding to this answer have passed. Your score is kept; you can "
             "still view or delete it with the link to your answer.")


@bp.get("/w/<survey>/responses/<receipt>")
def details(survey: str, receipt: str):
    """The second step as a page (after a form post without JavaScript)."""
    survey = active_survey(survey)
    response = answer_for(survey, receipt)
    use_language(request.args.get("lang"), response.language)
    if not response.second_step_open():
        raise ApiError(403, too_late())
    # Opened again from the receipt: the comment given is there to change, not to overwrite.
    given = {"comment": response.comment} if response.comment else None
    return render_step("_details.html", **details_context(response, receipt, given))


@bp.post("/w/<survey>/responses/<receipt>")
@answer_limits
def save_details(survey: str, receipt: str):
    """The second step: a comment, consent and contact added to the same answer."""
    survey = active_survey(survey)
    response = answer_for(survey, receipt)
    if not wants_json():
        use_language(response.language)
    if not response.second_step_open():
        raise ApiError(403, too_late())
    raw = submitted()
    if not raw.get("skip"):
        try:
            data = VisitorDetailsSchema.for_survey(survey).load(raw)
        except ValidationError as err:
            return refuse(422, _("Please check your answer."), "_details.html", messages(err),
                          **details_context(response, receipt, values=raw))
        try:
            response.add_details(data)
        except TooLate:
            raise ApiError(403, too_late()) from None
    if wants_json():
        return jsonify(id=response.id, receipt=receipt_url(receipt))
    return render_step("_thanks.html", receipt_url=receipt_url(receipt))
