"""A survey's follow-up inbox: the answers that wait for the shop, and marking them done."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from urllib.parse import quote

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from marshmallow import ValidationError
from peewee import Case

from ..core.followups import CONTACTED, OPEN, REPLY_WITHIN, RESOLVED, overdue
from ..errors import ApiError
from ..models import Response, Survey, utcnow
from ..models.responses import NoFollowup
from ..reports.counts import Filters, known_touchpoint
from ..reports.followups import followup_figures
from ..schemas import TAG, FollowupSchema
from .auth import login_required
from .common import owned_survey, stored_id
from .report import group_labels

bp = Blueprint("followups", __name__)

PAGE_SIZE = 25
MAX_PAGE = 10_000
# "todo" (open or contacted) first: what an owner opens the inbox for.
STATUS_FILTERS = ("todo", OPEN, "overdue", CONTACTED, RESOLVED, "all")
AGES = {"new": None, "older": REPLY_WITHIN, "week": dt.timedelta(days=7)}
# As an owner works the inbox: open answers first, then the contacted, then the resolved.
STATUS_ORDER = Case(Response.followup, [(OPEN, 0), (CONTACTED, 1)], 2)


def status_names() -> dict[str, str]:
    return {OPEN: _("Open"), CONTACTED: _("Contacted"), RESOLVED: _("Resolved")}


def filter_names() -> dict[str, dict[str, str]]:
    return {
        "status": {"todo": _("Open or contacted"), OPEN: _("Open"),
                   "overdue": _("Overdue (open over 48 hours)"), CONTACTED: _("Contacted"),
                   RESOLVED: _("Resolved"), "all": _("All")},
        "age": {"": _("Any age"), "new": _("Less than 48 hours"),
                "older": _("Older than 48 hours"), "week": _("Older than 7 days")},
    }


def read_inbox_filters(survey: Survey, args: Mapping[str, str]) -> tuple[dict, dict]:
    """status, touchpoint, age and page from the query string; a bad value is ignored, named."""
    values = {key: (args.get(key) or "").strip() for key in ("status", "touchpoint", "age",
                                                              "page")}
    errors: dict[str, str] = {}
    if values["status"] not in STATUS_FILTERS:
        if values["status"]:
            errors["status"] = _("Choose one of the statuses.")
        values["status"] = "todo"
    if values["age"] and values["age"] not in AGES:
        errors["age"], values["age"] = _("Choose one of the ages."), ""
    touchpoint = values["touchpoint"]
    if touchpoint and not (TAG.match(touchpoint) and known_touchpoint(survey, touchpoint)):
        errors["touchpoint"], values["touchpoint"] = _("This survey has no such touchpoint."), ""
    page = int(values["page"]) if re.fullmatch(r"[0-9]{1,5}", values["page"]) else 1
    values["page"] = str(min(max(page, 1), MAX_PAGE))
    return values, errors


def inbox_query(survey: Survey, values: Mapping[str, str], now: dt.datetime):
    terms = [Response.survey == survey.id, Response.followup.is_null(False)]
    status = values["status"]
    if status == "todo":
        terms.append(Response.followup.in_((OPEN, CONTACTED)))
    elif status == "overdue":
        terms += [Response.followup == OPEN, Response.created_at < now - REPLY_WITHIN]
    elif status != "all":
        terms.append(Response.followup == status)
    if values["touchpoint"]:
        terms.append(Response.touchpoint == values["touchpoint"])
    if values["age"] == "new":
        terms.append(Response.created_at >= now - REPLY_WITHIN)
    elif values["age"]:
        terms.append(Response.created_at < now - AGES[values["age"]])
    return (Response.select().where(*terms)
            .order_by(STATUS_ORDER, Response.created_at.desc(), Response.id.desc()))


def age_text(created_at: dt.datetime, now: dt.datetime) -> str:
    hours = max(int((now - created_at).total_seconds() // 3600), 0)
    if hours < 1:
        return _("less than an hour ago")
    if hours < 48:
        return ngettext("%(num)s hour ago", "%(num)s hours ago", hours)
    return ngettext("%(num)s day ago", "%(num)s days ago", hours // 24)


def reply_link(survey: Survey, response: Response) -> str | None:
    """A mailto: link to the address the respondent left with consent; none without it."""
    if not (response.contact and response.consent_at):
        return None
    subject = _("Your feedback to %(site)s", site=survey.site.name)
    return f"mailto:{quote(response.contact, safe='@')}?subject={quote(subject)}"


def inbox_page(survey: Survey, status: int = 200, problem: dict | None = None):
    now = utcnow()
    values, errors = read_inbox_filters(survey, request.args)
    query = inbox_query(survey, values, now)
    total = query.count()
    pages = max(math.ceil(total / PAGE_SIZE), 1)
    page = min(int(values["page"]), pages)
    items = [{"response": r, "overdue": overdue(r.followup, r.created_at, now),
              "age": age_text(r.created_at, now), "reply": reply_link(survey, r)}
             for r in query.paginate(page, PAGE_SIZE)]
    kept = {k: v for k, v in values.items() if v and k != "page"}
    return render_template(
        "dashboard/followups.html", survey=survey, site=survey.site, values=values,
        errors=errors, items=items, total=total, page=page, pages=pages, query=kept,
        names=filter_names(), statuses=status_names(), labels=group_labels(survey.metric),
        figures=followup_figures(survey, Filters(), now), problem=problem or {},
        saved=request.args.get("saved")), status


@bp.route("/surveys/<survey_id>/followups")
@login_required
def inbox(survey_id: str):
    """The answers to follow up: filters by status, touchpoint and age; overdue ones flagged."""
    return inbox_page(owned_survey(survey_id))


@bp.route("/surveys/<survey_id>/followups/<int:response_id>", methods=["POST"])
@login_required
def mark(survey_id: str, response_id: int):
    """Mark one answer open, contacted or resolved with a note; back to the same filters."""
    survey = owned_survey(survey_id)
    response = stored_id(response_id) and Response.get_or_none(
        Response.id == response_id, Response.survey == survey.id)
    if not response or response.followup is None:
        raise ApiError(404, _("There is no such answer to follow up in this survey."))
    try:
        data = FollowupSchema().load({"followup": request.form.get("followup", ""),
                                      "note": request.form.get("note", "")})
        response.set_followup(data["followup"], data["note"])
    except (ValidationError, NoFollowup) as exc:
        message = (_("Keep the note under 2,000 characters.") if isinstance(exc, ValidationError)
                   and "note" in exc.messages else _("Choose open, contacted or resolved."))
        return inbox_page(survey, 422, {"id": response_id, "message": message})
    back = {key: request.args[key] for key in ("status", "touchpoint", "age", "page")
            if request.args.get(key)}
    return redirect(url_for(".inbox", survey_id=survey.id, saved=response.id, **back), 303)
