"""Comments in the dashboard: the list with search, filters and pages; themes and drivers."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from marshmallow import ValidationError

from ..core.driver_chart import DriverText, drivers_chart
from ..core.scoring import GROUPS
from ..jobs.queue import enqueue
from ..models import Response, Survey, delete_theme, save_theme, survey_themes
from ..models.themes import BUILT_IN_IDS, SurveyTheme
from ..reports.counts import Filters, conditions
from ..reports.search import answer_filters
from ..reports.themes import theme_report
from ..schemas import TAG, ThemeSchema
from .auth import login_required
from .common import change_number, margin_text, number_text, owned_survey
from .report import group_labels, read_filters

bp = Blueprint("comments", __name__)

PAGE_SIZE = 25
MAX_PAGE = 10_000
GROUP_KEYS = {"promoters": "promoter", "passives": "passive", "detractors": "detractor"}


def group_names(metric: str) -> dict[str, str]:
    labels = group_labels(metric)
    return {group: labels[key] for group, key in GROUP_KEYS.items()}


def read_search(args: Mapping[str, str], themes: dict[str, str]) -> dict:
    """q, theme, group and page from the query string; a bad value is ignored and named."""
    values = {key: (args.get(key) or "").strip() for key in ("q", "theme", "group", "page")}
    errors: dict[str, str] = {}
    if len(values["q"]) > 200:
        errors["q"], values["q"] = _("Search for at most 200 characters."), ""
    if values["theme"] and values["theme"] not in themes:
        errors["theme"], values["theme"] = _("This survey has no such theme."), ""
    if values["group"] and values["group"] not in GROUPS:
        errors["group"], values["group"] = _("Choose one of the groups."), ""
    page = int(values["page"]) if re.fullmatch(r"[0-9]{1,5}", values["page"]) else 1
    values["page"] = str(min(max(page, 1), MAX_PAGE))
    return {"values": values, "errors": errors}


def comment_page(survey: Survey, filters: Filters, search: dict) -> dict:
    """One page of the comments within the filters and the search, newest first."""
    values = search["values"]
    query = (Response.select()
             .where(*conditions(survey, filters), Response.comment.is_null(False),
                    Response.comment != "",
                    *answer_filters(survey, values["theme"] or None, values["group"] or None,
                                    values["q"] or None)))
    total = query.count()
    pages = max(math.ceil(total / PAGE_SIZE), 1)
    page = min(int(values["page"]), pages)
    rows = list(query.order_by(Response.created_at.desc(), Response.id.desc())
                .paginate(page, PAGE_SIZE))
    return {"comments": rows, "total": total, "page": page, "pages": pages}


@bp.route("/surveys/<survey_id>/comments")
@login_required
def comments(survey_id: str):
    """Every comment of a survey: search, filters by period, theme and group, pages."""
    survey = owned_survey(survey_id)
    themes = {theme.id: theme.name(g.lang) for theme in survey_themes(survey)}
    form = read_filters(survey, request.args)
    search = read_search(request.args, themes)
    listing = comment_page(survey, form.filters, search)
    query = {k: v for k, v in {**form.values, **search["values"]}.items()
             if v and k != "page" and k not in form.errors}
    return render_template("dashboard/comments.html", survey=survey, site=survey.site,
                           form=form, search=search, themes=themes, query=query,
                           groups=group_names(survey.metric),
                           labels=group_labels(survey.metric), theme_names=themes,
                           errors={**form.errors, **search["errors"]}, **listing)


def drivers(survey: Survey, filters: Filters, query: Mapping[str, str]) -> dict:
    """The report's drivers: the themes report and its chart, each theme linked to its
    comments within the same filters."""
    report = theme_report(survey, filters, g.lang)

    def row(effect: Mapping) -> str:
        if effect["margin_of_error"] is None:
            return _("too few comments to compare")
        words = {"difference": change_number(survey.metric, effect["difference"]),
                 "margin": margin_text(survey.metric, effect["margin_of_error"])}
        if effect["significant"]:
            return _("%(difference)s against the other comments (%(margin)s): a clear "
                     "difference", **words)
        return _("%(difference)s against the other comments (%(margin)s): no clear "
                 "difference", **words)

    def count(effect: Mapping) -> str:
        return ngettext("%(num)s comment, %(share)s%%", "%(num)s comments, %(share)s%%",
                        effect["n"], share=number_text((effect["share"] or 0) * 100, 0))

    text = DriverText(title=_("Themes, the strongest drivers first"),
                      empty=_("No comments with a theme in this period yet."),
                      row=row, count=count)
    links = {e["id"]: url_for("dashboard.comments.comments", survey_id=survey.id,
                              theme=e["id"], **query) for e in report["themes"]}
    return {"report": report, "chart": Markup(drivers_chart(report["themes"], text, links))}


def split_keywords(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]+", value or "") if part.strip()]


@bp.route("/surveys/<survey_id>/themes", methods=["GET", "POST"])
@login_required
def themes(survey_id: str):
    """The survey's themes and their keywords; add one, change one, remove one."""
    survey = owned_survey(survey_id)
    values, errors = {}, {}
    own = {row.key: row for row in SurveyTheme.select().where(SurveyTheme.survey == survey.id)}
    if request.method == "POST" and request.form.get("delete"):
        if delete_theme(survey, request.form["delete"], tag_comments=False):
            enqueue("retag", survey.id)
        return redirect(url_for(".themes", survey_id=survey.id, saved=1))
    if request.method == "POST":
        values = {key: request.form.get(key, "").strip() for key in ("id", "name", "keywords")}
        if not TAG.match(values["id"]):
            errors["id"] = _("Use 1-64 lowercase letters, digits, '-' or '_', e.g. fietsen.")
        try:
            data = ThemeSchema().load({"name": values["name"],
                                       "keywords": split_keywords(values["keywords"])})
        except ValidationError as exc:
            errors.update({key.split(".")[0]: _("Give a name and at least one keyword.")
                           for key in exc.messages})
        if not errors:
            save_theme(survey, values["id"], data["name"], data["keywords"], tag_comments=False)
            enqueue("retag", survey.id)  # the stored comments; new answers are tagged at once
            return redirect(url_for(".themes", survey_id=survey.id, saved=1))
    elif request.args.get("edit"):
        edited = next((t for t in survey_themes(survey) if t.id == request.args["edit"]), None)
        if edited:
            values = {"id": edited.id, "name": edited.name(g.lang),
                      "keywords": ", ".join(edited.keywords)}
    return render_template("dashboard/themes.html", survey=survey, site=survey.site,
                           themes=survey_themes(survey), own=own, built_in=BUILT_IN_IDS,
                           values=values, errors=errors,
                           saved=request.args.get("saved") == "1"), 422 if errors else 200
