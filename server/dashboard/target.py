"""A survey's baseline (nulmeting) and target, with the guides' realistic ranges."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from ..core.scoring import SCORE_RANGES
from ..models import Survey
from ..reports.counts import Filters
from ..reports.queries import score_report
from ..schemas import (
    BASELINE_AHEAD,
    BASELINE_UNFINISHED,
    NOT_A_DATE,
    OUTSIDE_DAYS,
    TargetSchema,
    messages,
)
from .auth import login_required
from .common import form_errors, owned_survey

bp = Blueprint("target", __name__)

FIELDS = ("target", "due", "baseline_from", "baseline_to")
# Problems of a date field said in the owner's words; any other gets the field's own sentence.
DATE_PROBLEMS = {
    NOT_A_DATE: _l("Enter a date like 2025-03-31."),
    OUTSIDE_DAYS: _l("Enter a date between 1970 and 2999."),
    BASELINE_AHEAD: _l("A baseline measures answers already given: let it start today at "
                       "the latest."),
    BASELINE_UNFINISHED: _l("A baseline measures answers already given: let it end today at "
                            "the latest."),
}


def current_values(survey: Survey) -> dict:
    return {
        "target": "" if survey.target_value is None else f"{survey.target_value:g}",
        "due": survey.target_due.isoformat() if survey.target_due else "",
        "baseline_from": survey.baseline_from.isoformat() if survey.baseline_from else "",
        "baseline_to": survey.baseline_to.isoformat() if survey.baseline_to else "",
    }


def read_target(survey: Survey) -> tuple[dict, dict]:
    """The posted target, or the errors to show next to its fields."""
    raw = {key: request.form.get(key, "").strip() for key in FIELDS}
    # Dutch owners type 27,5; the schema reads 27.5.
    raw["target"] = raw["target"].replace(",", ".")
    for key in ("baseline_from", "baseline_to"):
        raw[key] = raw[key] or None
    low, high = SCORE_RANGES[survey.metric]
    extra = {"target": _("Enter a target between %(low)s and %(high)s.",
                         low=f"{low:g}", high=f"{high:g}")}
    try:
        return TargetSchema().load({**raw, "metric": survey.metric}), {}
    except ValidationError as exc:
        for field, problems in messages(exc).items():
            known = [DATE_PROBLEMS[p] for p in problems if p in DATE_PROBLEMS]
            if known:
                extra[field] = str(known[0])
        return {}, form_errors(exc, extra)


@bp.route("/surveys/<survey_id>/target", methods=["GET", "POST"])
@login_required
def target(survey_id: str):
    """Set or clear the target against a baseline period."""
    survey = owned_survey(survey_id)
    values, errors = current_values(survey), {}
    if request.method == "POST" and request.form.get("action") == "clear":
        survey.target_value = survey.target_due = survey.target_set_at = None
        survey.baseline_from = survey.baseline_to = None
        survey.save()
        return redirect(url_for(".target", survey_id=survey.id, saved=1))
    if request.method == "POST":
        data, errors = read_target(survey)
        if not errors:
            survey.set_target(data["target"], data["due"], data["baseline_from"],
                              data["baseline_to"])
            return redirect(url_for(".target", survey_id=survey.id, saved=1))
        values = {key: request.form.get(key, "") for key in FIELDS}
    return render_template(
        "dashboard/target.html", survey=survey, site=survey.site, values=values,
        errors=errors, report=score_report(survey, Filters()),
        score_range=[f"{bound:g}" for bound in SCORE_RANGES[survey.metric]],
        saved=request.args.get("saved") == "1"), 422 if errors else 200
