"""The owner API on themes: what each theme does to the score, and owners' own themes."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..errors import ApiError
from ..jobs.queue import enqueue
from ..models import delete_theme, save_theme
from ..models.themes import BUILT_IN_IDS
from ..reports.themes import theme_report
from ..schemas import TAG, TAG_MESSAGE, ThemeSchema
from .auth import owned_survey
from .params import load_body, load_query, period_filters
from .schemas import PeriodQuery

bp = Blueprint("themes", __name__)


def checked_id(theme_id: str) -> str:
    if not TAG.match(theme_id):
        raise ApiError(422, "Not a theme id.", fields={"theme_id": [TAG_MESSAGE]})
    return theme_id


@bp.get("/surveys/<survey_id>/themes")
def themes(survey_id: str):
    """What each theme does to the score: its score against the others', drivers first."""
    survey = owned_survey(survey_id)
    params = load_query(PeriodQuery())
    return jsonify(theme_report(survey, period_filters(survey, params)))


@bp.put("/surveys/<survey_id>/themes/<theme_id>")
def put_theme(survey_id: str, theme_id: str):
    """Add a theme or change one (a built-in id changes its words); comments are tagged again."""
    survey = owned_survey(survey_id)
    data = load_body(ThemeSchema())
    row, _ = save_theme(survey, checked_id(theme_id), data["name"], data["keywords"],
                        tag_comments=False)
    enqueue("retag", survey.id)  # stored comments in the background; new answers at once
    return jsonify(id=row.key, name=row.name, keywords=row.keywords, retagging=True), 202


@bp.delete("/surveys/<survey_id>/themes/<theme_id>")
def remove_theme(survey_id: str, theme_id: str):
    """Remove an owner's theme; a built-in one gets its own words back."""
    survey = owned_survey(survey_id)
    if delete_theme(survey, checked_id(theme_id), tag_comments=False) is None:
        raise ApiError(404, "This survey has no theme of its own with this id."
                       + (" A built-in theme is changed with PUT, never removed."
                          if theme_id in BUILT_IN_IDS else ""))
    enqueue("retag", survey.id)
    return jsonify(id=theme_id, deleted=1, retagging=True), 202
