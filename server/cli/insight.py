"""Comments: add-theme, an owner's own theme (or new words for a built-in one)."""

from __future__ import annotations

import click
from flask import Flask

from ..schemas import TAG, TAG_MESSAGE, ThemeSchema
from .base import Failure, command, find_survey, load


@command("add-theme")
@click.option("--survey", "survey_id", required=True)
@click.option("--id", "theme_id", required=True,
              help="e.g. fietsen; a built-in id (delivery, returns, …) changes its words.")
@click.option("--name", required=True, help="As the dashboard shows it, e.g. Fietsen.")
@click.option("--keyword", "keywords", multiple=True, required=True,
              help="A word that finds the theme in any form, e.g. fiets (repeat).")
def add_theme_cmd(app: Flask, survey_id: str, theme_id: str, name: str, keywords: tuple):
    """Add a theme to a survey, or change one, and tag its comments again."""
    from ..models import save_theme

    if not TAG.match(theme_id):
        raise Failure(f"--id: {TAG_MESSAGE}")
    survey = find_survey(survey_id)
    data = load(ThemeSchema(), {"name": name, "keywords": list(keywords)})
    row, changed = save_theme(survey, theme_id, data["name"], data["keywords"])
    return ({"id": row.key, "survey": survey.id, "name": row.name, "keywords": row.keywords,
             "changed": changed},
            f"theme {row.key} saved for {survey.id}; {changed} comments tagged anew")
