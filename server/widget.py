"""The widget page in its iframe, and recording answers: the score, then the details."""

from __future__ import annotations

import functools
import json
import re
import threading
import time

from flask import Response as FlaskResponse
from flask import current_app, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from .db import db
from .errors import ApiError, wants_json
from .invites import read_invite
from .limits import answer_limits
from .models import ListField, Response, Site, Survey
from .responses import (
    AlreadyAnswered,
    TooLate,
    add_details,
    is_spent,
    issue_token,
    read_token,
    receipt_for,
    record,
    response_for_receipt,
    second_step_open,
)
from .schemas import (
    TAG,
    VisitorDetailsSchema,
    VisitorResponseSchema,
    messages,
    normalise_origin,
)
from .scoring import SCALES
from .signing import InvalidToken
from .visitor import (
    N_,
    TokenPages,
    is_htmx,
    query,
    render_step,
    use_language,
    visitor_blueprint,
)

bp = visitor_blueprint("widget", __name__)
pages = TokenPages()

ORIGIN = re.compile(r"^https?://[a-z0-9.\-\[\]:]+$")
SCORE = re.compile(r"^[ \t]*[0-9]{1,2}[ \t]*$")


QUESTIONS = {
    "nps": N_("How likely are you to recommend us to friends or colleagues?"),
    "csat": N_("How satisfied are you with your experience with us?"),
    "ces": N_("How easy was it to arrange what you wanted?"),
}
SCALE_ENDS = {
    "nps": (N_("not at all likely"), N_("extremely likely")),
    "csat": (N_("very dissatisfied"), N_("very satisfied")),
    "ces": (N_("very difficult"), N_("very easy")),
}


# Set on every widget response by visitor_headers (lower case, as werkzeug compares them).
WIDGET_HEADERS = frozenset({"content-security-policy", "cache-control", "vary"})


@bp.after_request
def visitor_headers(response: FlaskResponse) -> FlaskResponse:
    """Every answer here is shown in the site's iframe: framed by its origins, never cached."""
    survey = g.get("survey")
    policy = widget_policy(tuple(survey.site.origins) if survey else ())
    headers = response.headers
    if WIDGET_HEADERS.isdisjoint(name.lower() for name, _ in headers):
        # None of them yet (no view here sets them): added, where werkzeug's set would look
        # through every header again for each one.
        headers.add("Content-Security-Policy", policy)
        headers.add("Cache-Control", "no-store")  # a page holds a single-use token
        headers.add("Vary", "HX-Request")
        return response
    headers["Content-Security-Policy"] = policy
    headers["Cache-Control"] = "no-store"
    # Not response.vary (it parses and rewrites the header), nor .get (an absent name raises
    # inside werkzeug): the values as they are, with this one added.
    headers["Vary"] = ", ".join([*headers.getlist("Vary"), "HX-Request"])
    return response


@functools.lru_cache(maxsize=256)
def widget_policy(origins: tuple[str, ...]) -> str:
    ancestors = " ".join(o for o in origins if ORIGIN.match(o)) or "'none'"
    return ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            f"connect-src 'self'; form-action 'self'; base-uri 'none'; "
            f"frame-ancestors {ancestors}")


# The survey and its site, read on every visitor request. peewee would turn the query
# object into SQL text and map the result's columns each time (a quarter of a request's
# CPU); both only depend on the kind of database, so the SQL is built once per kind and
# the row is turned into the two models directly.
SURVEY_ID = "\x00survey"
_survey_sql: dict[type, tuple[str, list, int]] = {}
_survey_sql_lock = threading.Lock()


def survey_sql() -> tuple[str, list, int]:
    """The query's SQL, its parameters and where the survey id goes, for this database."""
    kind = type(db.obj)
    if kind not in _survey_sql:
        with _survey_sql_lock:
            query = (Survey.select(*Survey._meta.sorted_fields, *Site._meta.sorted_fields)
                     .join(Site)
                     .where(Survey.id == SURVEY_ID, Survey.active == True)  # noqa: E712 (SQL)
                     .limit(1))
            sql, params = query.sql()
            _survey_sql[kind] = (sql, params, params.index(SURVEY_ID))
    return _survey_sql[kind]


def loaded(model, values: dict) -> Survey | Site:
    """A model instance as peewee's own query would have made it from these columns."""
    instance = model(__no_default__=1)  # nothing set, nothing dirty
    data = instance.__data__ = dict(values)
    # Lists are copied: the converted values are shared by every request for this row.
    for name in LIST_FIELDS[model]:
        if data.get(name) is not None:
            data[name] = list(data[name])
    return instance


LIST_FIELDS = {model: tuple(f.name for f in model._meta.sorted_fields if isinstance(f, ListField))
               for model in (Survey, Site)}


@functools.lru_cache(maxsize=256)
def converted(row: tuple) -> tuple[dict, dict]:
    """The survey's and site's stored columns as field values, converted once per row.

    Converting (times parsed from SQLite's text, lists from JSON) cost as much as the query;
    a changed survey or site is another row, so it is converted anew.
    """
    split = len(Survey._meta.sorted_fields)
    return tuple({field.name: field.python_value(value)
                  for field, value in zip(model._meta.sorted_fields, values, strict=True)}
                 for model, values in ((Survey, row[:split]), (Site, row[split:])))


class SurveyRows:
    """The rows of active surveys with their sites, kept per worker while none changed.

    A widget page and its answer each read their survey. A kept row serves only under the
    generation of surveys and sites it was read in, and for at most MAX_AGE seconds. Rows
    of closed or unknown surveys are never kept.

    - SQLite: every read that follows an answer stored by another connection starts with
      an empty page cache, so under load each read cost the system calls to fetch its
      pages again. The generation is db.Generation, a file beside the database: writers of
      surveys, sites and owners renew it when they write and again once committed. A
      writer that bypasses the models (a hand-made SQL update) is seen within MAX_AGE.
    - PostgreSQL: each read is a round trip, twice per answer. The generation is
      db.CheckedGeneration, renewed by triggers with every committed change (hand-made
      ones too) and read when the request takes its pooled connection.
    """

    MAX_AGE = 2.0
    SIZE = 256

    def __init__(self):
        # By database as well (its generation's path): a process may open more than one.
        self.rows: dict[tuple[str, str], tuple[bytes | int, float, tuple]] = {}
        self.lock = threading.Lock()

    def get(self, survey_id: str) -> tuple | None:
        generation = getattr(db.obj, "generation", None)
        stamp = generation.read() if generation is not None else None
        if stamp is None:  # no file, or a connection not checked: always read
            return read_survey_row(survey_id)
        key = (generation.path, survey_id)
        kept = self.rows.get(key)
        now = time.monotonic()
        if kept is not None and kept[0] == stamp and now - kept[1] < self.MAX_AGE:
            return kept[2]
        row = read_survey_row(survey_id)  # read after the stamp: a later change renews it
        if row is not None:
            with self.lock:
                if len(self.rows) >= self.SIZE:
                    self.rows.clear()
                self.rows[key] = (stamp, now, row)
        return row


survey_rows = SurveyRows()


def read_survey_row(survey_id: str) -> tuple | None:
    sql, params, at = survey_sql()
    params = [*params[:at], survey_id, *params[at + 1:]]
    row = db.obj.execute_sql(sql, params).fetchone()
    return tuple(row) if row is not None else None


def active_survey(survey_id: str) -> Survey:
    row = survey_rows.get(survey_id)
    if row is None:
        raise ApiError(404, _("This survey does not exist or is closed."))
    survey_values, site_values = converted(row)
    survey = loaded(Survey, survey_values)
    # survey.site = ... without the accessor: the site's id is in the survey's columns.
    survey.__rel__["site"] = loaded(Site, site_values)
    state = g._get_current_object()
    state.survey = survey
    state.survey_row = row  # the survey and site as stored: a key for rendered pages
    return survey


def allowed_origin(survey: Survey, value: str | None) -> str | None:
    """The host page's origin, when it is one the site allows (the postMessage target)."""
    try:
        origin = normalise_origin(value) if value else None
    except ValidationError:
        return None
    return origin if origin in survey.site.origins else None


def question(survey: Survey) -> str:
    custom = survey.question_en if g.lang == "en" else survey.question_nl
    return custom or _(QUESTIONS[survey.metric])


def score_context(survey: Survey, token: str, selected=None, **extra) -> dict:
    low, high = SCALES[survey.metric]
    low_label, high_label = (_(label) for label in SCALE_ENDS[survey.metric])
    options = [(value, low_label if value == low else high_label if value == high else None)
               for value in range(low, high + 1)]
    return {"question": question(survey), "options": options, "low_label": low_label,
            "high_label": high_label, "token": token, "selected": selected,
            "action": url_for(".create_response", survey=survey.id), **extra}


def checked_invite(survey: Survey, token: str) -> dict:
    try:
        invite = read_invite(survey.id, token)
    except InvalidToken as exc:
        message = (_("This invitation link has expired.") if exc.expired
                   else _("This invitation link is not valid."))
        raise ApiError(400, message, fields={"invite": [message]}) from None
    if is_spent(invite["id"]):
        raise ApiError(409, _("This invitation has already been answered. Thank you!"))
    return invite


def tag_or_none(value, allowed=None) -> str | None:
    """A touchpoint or segment from the loader, dropped when the answer would be refused."""
    value = value.strip().lower() if isinstance(value, str) else ""
    if not value or (allowed is not None and value not in allowed):
        return None
    return value if TAG.match(value) else None


def as_score(value) -> int | None:
    """A score given in a link or a failed form, to show it chosen again."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and SCORE.match(value) else None


@bp.get("/w/<survey>")
def page(survey: str):
    """The widget page: the question and its scale, in the page's language."""
    survey = active_survey(survey)
    args = query()
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
    return pages.render(
        (g.survey_row, lang, g.origin, g.mode, selected, touchpoint, segment), token,
        lambda token: render_step("_score.html", **score_context(
            survey, token, selected, touchpoint=touchpoint, segment=segment)))


def submitted() -> dict:
    """The posted fields, from JSON or a form."""
    req = request._get_current_object()
    if not req.is_json:
        return req.form.to_dict()
    data = req.get_json(silent=True)
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


def posted_token(survey: Survey, raw: dict) -> dict | None:
    """The form token's contents; None when there is none (the schema names the field)."""
    text = raw.get("token")
    if not isinstance(text, str) or not text.strip():
        return None
    return read_token(survey, text.strip())


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
    survey = active_survey(survey)
    raw = submitted()
    try:
        token = posted_token(survey, raw)
    except InvalidToken as exc:
        if not wants_json():
            use_language(query().get("lang"), survey.default_language)
        message = (_("This form has expired. Please choose your score again.") if exc.expired
                   else _("This form is not valid. Please choose your score again."))
        return refuse(400, message, "_score.html", {"token": [message]},
                      code="token_expired" if exc.expired else "token_invalid",
                      **form_again(survey, raw, None))
    if not wants_json():
        use_language(token["lang"] if token else None, survey.default_language)
    try:
        data = VisitorResponseSchema.for_survey(survey, raw).load(raw)
    except ValidationError as err:
        return refuse(422, _("Please check your answer."), "_score.html", messages(err),
                      **form_again(survey, raw, token))
    invite = checked_invite(survey, data["invite"]) if data.get("invite") else None
    try:
        response = record(survey, data, token, invite)
    except AlreadyAnswered:
        return refuse(409, _("This form has already been used to answer. Thank you!"),
                      "_message.html", code="conflict")
    receipt = receipt_for(response)
    if wants_json():
        return created_json(response.id, f"{base_url()}/r/{receipt}")
    if is_htmx():
        return render_step("_details.html", 201, **details_context(response, receipt))
    return redirect(url_for(".details", survey=survey.id, receipt=receipt), 303)


def created_json(answer_id: int, receipt_url: str) -> FlaskResponse:
    """201 with the answer's id and receipt: jsonify's own output, without its provider.

    json.dumps with other separators than its defaults makes a new encoder for every call;
    the two values are written into the object's text instead (an int is its own JSON).
    """
    body = f'{{"id":{int(answer_id)},"receipt":{json.dumps(receipt_url)}}}\n'
    return current_app.response_class(body, 201, mimetype="application/json")


def base_url() -> str:
    return current_app.config["BASE_URL"]


def answer_for(survey: Survey, receipt: str) -> Response:
    """The answer a receipt opens, if it belongs to this survey."""
    try:
        response = response_for_receipt(receipt)
    except InvalidToken:
        raise ApiError(400, _("This receipt link is not valid. Check that you copied it "
                              "completely.")) from None
    if response is None or response.survey_id != survey.id:
        raise ApiError(404, _("No answer is stored for this receipt: it was deleted or its "
                              "retention period has passed."))
    return response


def details_context(response: Response, receipt: str, values: dict | None = None) -> dict:
    survey = g.survey
    consent = survey.consent_text() if survey.consent_mode == "optional" else None
    return {"response": response, "values": values or {}, "receipt": receipt,
            "action": url_for(".save_details", survey=survey.id, receipt=receipt),
            "consent_text": consent and (consent.text_en if g.lang == "en" else consent.text_nl),
            "receipt_url": f"{base_url()}/r/{receipt}"}


def too_late() -> str:
    return _("The 24 hours for adding to this answer have passed. Your score is kept; you can "
             "still view or delete it with your receipt.")


@bp.get("/w/<survey>/responses/<receipt>")
def details(survey: str, receipt: str):
    """The second step as a page (after a form post without JavaScript)."""
    survey = active_survey(survey)
    response = answer_for(survey, receipt)
    use_language(query().get("lang"), response.language)
    if not second_step_open(response):
        raise ApiError(403, too_late())
    return render_step("_details.html", **details_context(response, receipt))


@bp.post("/w/<survey>/responses/<receipt>")
@answer_limits
def save_details(survey: str, receipt: str):
    """The second step: a comment, consent and contact added to the same answer."""
    survey = active_survey(survey)
    response = answer_for(survey, receipt)
    if not wants_json():
        use_language(response.language)
    if not second_step_open(response):
        raise ApiError(403, too_late())
    raw = submitted()
    if not raw.get("skip"):
        try:
            data = VisitorDetailsSchema.for_survey(survey, raw).load(raw)
        except ValidationError as err:
            return refuse(422, _("Please check your answer."), "_details.html", messages(err),
                          **details_context(response, receipt, values=raw))
        try:
            add_details(response, data)
        except TooLate:
            raise ApiError(403, too_late()) from None
    if wants_json():
        return jsonify(id=response.id, receipt=f"{base_url()}/r/{receipt}")
    return render_step("_thanks.html", receipt_url=f"{base_url()}/r/{receipt}")
