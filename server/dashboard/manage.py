"""Managing surveys in the dashboard: a new site, a new survey, settings, the snippet."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from peewee import fn

from ..core.scoring import GROUPS
from ..db import write_transaction
from ..models import ConsentText, RefusedOrigin, Response, Site, Survey
from ..schemas import TAG, WHY_FIELDS, SiteSchema, SurveySchema, touchpoint_name
from .auth import current_owner, login_required
from .comments import GROUP_KEYS
from .common import (
    RANKS,
    form_errors,
    may,
    owned_site,
    owned_survey,
    typed_name_problem,
)
from .report import group_labels

bp = Blueprint("manage", __name__)

CONSENT_MAX = 1000
SURVEY_FIELDS = ("name", "lang", "question_nl", "question_en", "touchpoints", "consent_mode",
                 "retention_days", "recontact_days", "sample_percent", *WHY_FIELDS)


def split_list(value: str, spaces: bool = True) -> list[str]:
    """Origins typed one per line or separated by commas or spaces; touchpoints (which may
    be words, 'Na de bezorging') only by lines or commas."""
    parts = re.split(r"[\s,]+" if spaces else r"[\n,]+", value or "")
    return [part.strip() for part in parts if part.strip()]


def origins_problem(origins: list[str]) -> dict:
    """A specific message when an origin was typed without http(s)://."""
    bare = next((o for o in origins if "://" not in o), None)
    if bare is None:
        return {}
    return {"origins": _("Add https:// in front of %(origin)s, like https://%(origin)s.",
                         origin=bare)}


def form_value(name: str) -> str:
    return request.form.get(name, "").strip()


@bp.route("/sites/new", methods=["GET", "POST"])
@login_required
def new_site():
    """Add a web site (its name, allowed origins and privacy contact)."""
    values, errors = dict(request.form), {}
    if request.method == "POST":
        raw = {"name": form_value("name"), "origins": split_list(form_value("origins")),
               "contact_email": form_value("contact_email") or current_owner().email}
        try:
            data = SiteSchema().load(raw)
        except ValidationError as exc:
            errors = form_errors(exc, origins_problem(raw["origins"]))
        else:
            site = Site.create(owner=current_owner(), **data)
            return redirect(url_for(".new_survey", site_id=site.id))
    return render_template("dashboard/site_new.html", values=values, errors=errors), (
        422 if errors else 200)


@bp.route("/sites/<int:site_id>/surveys/new", methods=["GET", "POST"])
@login_required
def new_survey(site_id: int):
    """Create a survey for a site: metric, name, language, touchpoints."""
    site = owned_site(site_id)
    values = dict(request.form) or {"metric": "nps", "lang": current_owner().language}
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = {"metric": form_value("metric"), "lang": form_value("lang") or "nl",
               "touchpoints": split_list(form_value("touchpoints"), spaces=False)}
        if form_value("name"):
            raw["name"] = form_value("name")
        try:
            data = SurveySchema().load(raw)
        except ValidationError as exc:
            errors = form_errors(exc)
        else:
            survey = Survey.create_for(site, **data)
            return redirect(url_for(".install", survey_id=survey.id, created=1))
    return render_template("dashboard/survey_new.html", site=site, values=values,
                           errors=errors), 422 if errors else 200


def settings_values(survey: Survey) -> dict:
    consent = survey.consent_text()
    return {
        "name": survey.name, "lang": survey.default_language,
        "question_nl": survey.question_nl or "", "question_en": survey.question_en or "",
        "touchpoints": ", ".join(survey.touchpoints), "consent_mode": survey.consent_mode,
        "retention_days": survey.retention_days, "recontact_days": survey.recontact_days,
        "sample_percent": survey.sample_percent, "active": survey.active,
        "scrub_comments": survey.scrub_comments, "scale_colours": survey.scale_colours,
        "origins": "\n".join(survey.site.origins),
        "consent_nl": consent.text_nl if consent else "",
        "consent_en": consent.text_en if consent else "",
        **{key: getattr(survey, key) or "" for key in WHY_FIELDS},
    }


def read_settings(survey: Survey) -> tuple[dict, dict, dict]:
    """Survey fields, site fields and the errors of the posted settings form."""
    raw = {key: form_value(key) for key in SURVEY_FIELDS}
    raw["touchpoints"] = split_list(raw["touchpoints"], spaces=False)
    raw["metric"] = survey.metric
    errors: dict[str, str] = {}
    survey_data, site_data = {}, {}
    try:
        survey_data = SurveySchema().load(raw, partial=True)
        survey_data["active"] = request.form.get("active") == "on"
        for box in ("scrub_comments", "scale_colours"):
            survey_data[box] = request.form.get(box) == "on"
    except ValidationError as exc:
        errors.update(form_errors(exc))
    origins = split_list(form_value("origins"))
    try:
        site_data = SiteSchema(only=("origins",)).load({"origins": origins})
    except ValidationError as exc:
        errors.update(form_errors(exc, origins_problem(origins)))
    for key in ("consent_nl", "consent_en"):
        if not 1 <= len(form_value(key)) <= CONSENT_MAX:
            errors[key] = _("Enter the consent text, at most %(max)s characters.",
                            max=CONSENT_MAX)
    return survey_data, site_data, errors


@bp.route("/surveys/<survey_id>/settings", methods=["GET", "POST"])
@login_required
def settings(survey_id: str):
    """A survey's settings, its site's allowed origins and its consent text (versioned)."""
    survey = owned_survey(survey_id)
    if request.method == "GET":
        removed = [touchpoint_name(t) for t in request.args.get("removed", "").split(",")
                   if TAG.match(t)]
        return settings_page(survey, saved=request.args.get("saved") == "1", removed=removed)
    survey_data, site_data, errors = read_settings(survey)
    if errors:
        values = {**settings_values(survey), **request.form,
                  "active": request.form.get("active") == "on",
                  "scrub_comments": request.form.get("scrub_comments") == "on",
                  "scale_colours": request.form.get("scale_colours") == "on"}
        return settings_page(survey, 422, values=values, errors=errors)
    # A snippet still sending a removed touchpoint gets its answers stored without one: say so.
    removed = [t for t in survey.touchpoints
               if t not in survey_data.get("touchpoints", survey.touchpoints)]
    save_settings(survey, survey_data, site_data)
    return redirect(url_for(".settings", survey_id=survey.id,
                            removed=",".join(removed) or None, saved=1))


def why_groups(survey: Survey) -> list[dict]:
    """Per kind of answer: its name with the scores it covers, and the standard "why?" in
    each language (the fields' placeholders)."""
    labels = group_labels(survey.metric)
    return [{"group": group, "label": labels[GROUP_KEYS[group]],
             "standard": {lang: Survey.standard_why_question(group, lang)
                          for lang in ("nl", "en")}} for group in GROUPS]


def settings_page(survey: Survey, status: int = 200, **context) -> tuple[str, int]:
    """The settings page; a manager or the owner also sees how to delete the survey."""
    context.setdefault("values", settings_values(survey))
    context.setdefault("errors", {})
    context.setdefault("delete_errors", {})
    versions = (ConsentText.select().where(ConsentText.survey == survey)
                .order_by(ConsentText.version.desc()))
    role = may(survey.site, "viewer")
    return render_template("dashboard/settings.html", survey=survey, site=survey.site,
                           versions=versions, may_delete=RANKS[role] >= RANKS["manager"],
                           why_groups=why_groups(survey),
                           **context), status


@bp.route("/surveys/<survey_id>/delete", methods=["POST"])
@login_required
def delete_survey(survey_id: str):
    """Delete the survey with its answers, invitations and alerts, once its name is typed."""
    survey = owned_survey(survey_id, need="manager", when_archived=True)
    errors = typed_name_problem(survey.name, _("Type the survey's name exactly to delete it."))
    if errors:
        return settings_page(survey, 422, delete_errors=errors)
    with write_transaction():
        Survey.delete().where(Survey.id == survey.id).execute()
    return redirect(url_for("dashboard.overview", deleted_survey=survey.name))


def save_settings(survey: Survey, survey_data: dict, site_data: dict) -> None:
    survey_data.pop("metric", None)
    # The form's "lang" is the survey's default language (SurveySchema names it so).
    survey_data["default_language"] = survey_data.pop("default_language",
                                                      survey.default_language)
    with write_transaction():
        for key, value in survey_data.items():
            setattr(survey, key, value)
        survey.save()
        site = survey.site
        site.origins = site_data["origins"]
        site.save()
        # A changed wording becomes a new version; answers keep the one they agreed to.
        survey.set_consent_text(form_value("consent_nl"), form_value("consent_en"))


@bp.route("/surveys/<survey_id>/install")
@login_required
def install(survey_id: str):
    """The snippet to paste, its options and the JavaScript API."""
    survey = owned_survey(survey_id)
    snippets = [(None, survey.snippet(current_app.config["BASE_URL"]))]
    snippets += [(name, survey.snippet(current_app.config["BASE_URL"], touchpoint=name))
                 for name in survey.touchpoints[1:]]
    return render_template("dashboard/install.html", survey=survey, site=survey.site,
                           snippets=snippets, base_url=current_app.config["BASE_URL"],
                           created=request.args.get("created") == "1",
                           refused=RefusedOrigin.recent(survey.site),
                           # Whether it works: the last answer that came in, if any.
                           last_answer=Response.select(fn.MAX(Response.created_at))
                           .where(Response.survey == survey).scalar())
