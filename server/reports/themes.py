"""Themes of a survey's comments, counted within the filters: the drivers report."""

from __future__ import annotations

from peewee import fn

from ..core.drivers import theme_effects
from ..models import Response, Survey, survey_themes
from .counts import Filters, conditions


def commented(survey: Survey, filters: Filters) -> list:
    """WHERE terms for the answers with a comment within the filters."""
    return [*conditions(survey, filters), Response.comment.is_null(False), Response.comment != ""]


def theme_report(survey: Survey, filters: Filters, lang: str | None = None) -> dict:
    """The body of GET /api/v1/surveys/<id>/themes, names in the survey's language."""
    rows = (Response.select(Response.themes, Response.score, fn.COUNT(Response.id))
            .where(*commented(survey, filters))
            .group_by(Response.themes, Response.score).tuples())
    return {"survey": survey.id, "metric": survey.metric, "filters": filters.as_dict(),
            **theme_effects(survey.metric, list(rows), survey_themes(survey),
                            lang or survey.default_language)}
