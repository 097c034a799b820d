"""Themes of a survey's comments: the built-in ones, and owners' own or edited ones."""

from __future__ import annotations

import functools
import json

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from ..core.builtin_themes import BUILT_IN
from ..core.themes import Tagger, Theme
from ..db import write_transaction
from .base import BaseModel, ListField, utcnow
from .surveys import Survey

BUILT_IN_IDS = {theme.id: theme for theme in BUILT_IN}
RETAG_BATCH = 500


class ThemesField(TextField):
    """A response's theme ids as JSON text: '["delivery","price"]'; NULL when it has none.

    Ids are tags (lowercase letters, digits, - and _), so `LIKE '%"delivery"%'` finds one.
    """

    def db_value(self, value):
        return json.dumps(list(value), separators=(",", ":")) if value else None

    def python_value(self, value):
        return json.loads(value) if value else []


class SurveyTheme(BaseModel):
    """An owner's theme for one survey; one with a built-in id replaces that theme's words."""

    survey = ForeignKeyField(Survey, backref="themes", on_delete="CASCADE")
    key = CharField(max_length=64)  # the theme's id in the API: delivery, fietsen
    name = CharField(max_length=100)
    keywords = ListField(default=list)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("survey", "key"), True),)

    def as_theme(self) -> Theme:
        built_in = BUILT_IN_IDS.get(self.key)
        name_en = built_in.name_en if built_in and built_in.name_nl == self.name else self.name
        return Theme(self.key, self.name, name_en, tuple(self.keywords))


def survey_themes(survey: Survey) -> list[Theme]:
    """The survey's themes: the built-in ones (as the owner edited them), then the owner's."""
    own = {row.key: row.as_theme() for row in
           SurveyTheme.select().where(SurveyTheme.survey == survey.id).order_by(SurveyTheme.id)}
    return [own.pop(theme.id, theme) for theme in BUILT_IN] + list(own.values())


@functools.lru_cache(maxsize=256)
def _tagger(survey_id: str, version: int) -> Tagger:
    return Tagger(survey_themes(Survey(id=survey_id)))


def tagger_for(survey: Survey) -> Tagger:
    """The survey's tagger, kept per survey version: a theme's change bumps the version."""
    return _tagger(survey.id, survey.version)


def comment_fields(survey: Survey, text: str | None) -> dict:
    """What is stored of a comment: its text (scrubbed unless the owner chose not) and the
    ids of the themes it is about."""
    comment = survey.stored_comment(text)
    return {"comment": comment, "themes": tagger_for(survey).tag(comment) if comment else []}


def save_theme(survey: Survey, key: str, name: str, keywords: list[str],
               tag_comments: bool = True) -> tuple[SurveyTheme, int | None]:
    """Add or change a theme; new answers are tagged with it at once. With `tag_comments`
    the survey's stored comments are tagged again in the same transaction (the command line);
    the dashboard and the API leave that to a background job (server/jobs). Returns the row
    and how many comments' themes changed (None when left to the job)."""
    from .responses import Response

    with write_transaction():
        row = SurveyTheme.get_or_none(SurveyTheme.survey == survey.id, SurveyTheme.key == key)
        if row is None:
            row = SurveyTheme.create(survey=survey, key=key, name=name, keywords=keywords)
        else:
            row.name, row.keywords, row.updated_at = name, keywords, utcnow()
            row.save()
        renew(survey)
        return row, retag(Response, survey) if tag_comments else None


def delete_theme(survey: Survey, key: str, tag_comments: bool = True) -> int | bool | None:
    """Remove an owner's theme (a built-in one goes back to its own words), tagging the
    comments again as `save_theme` does: how many changed (True when left to the job); None
    when there was no such theme."""
    from .responses import Response

    with write_transaction():
        deleted = SurveyTheme.delete().where(SurveyTheme.survey == survey.id,
                                             SurveyTheme.key == key).execute()
        if not deleted:
            return None
        renew(survey)
        return retag(Response, survey) if tag_comments else True


def retag_survey(survey_id: str) -> int | None:
    """The background job's work: tag a survey's comments with its current themes."""
    from .responses import Response

    survey = Survey.get_or_none(Survey.id == survey_id)
    if survey is None:
        return None
    with write_transaction():
        return retag(Response, survey)


def renew(survey: Survey) -> None:
    """Bump the survey's version, so that every worker and instance builds a new tagger."""
    survey.save(only=[Survey.active])
    survey.version += 1  # what Versioned.update wrote


def retag(response_model, survey: Survey) -> int:
    """Tag every comment of the survey again with its current themes; the number changed.

    One UPDATE per batch and set of themes, not per answer: few statements hold the lock.
    """
    tagger = Tagger(survey_themes(survey))
    model = response_model
    changed, last = 0, 0
    while True:
        rows = list(model.select(model.id, model.comment, model.themes)
                    .where(model.survey == survey.id, model.comment.is_null(False),
                           model.id > last).order_by(model.id).limit(RETAG_BATCH))
        if not rows:
            return changed
        moved: dict[tuple[str, ...], list[int]] = {}
        for row in rows:
            themes = tagger.tag(row.comment)
            if themes != row.themes:
                moved.setdefault(tuple(themes), []).append(row.id)
        for themes, ids in moved.items():
            changed += model.update(themes=list(themes)).where(model.id.in_(ids)).execute()
        last = rows[-1].id
