"""Finding answers: by theme, by group of scores, and by words in their comments."""

from __future__ import annotations

from peewee import SQL, NodeList, Value

from ..core.scoring import GROUP_RANGES
from ..models import Response, Survey


def answer_filters(survey: Survey, theme: str | None = None, group: str | None = None) -> list:
    """WHERE terms for ?theme= (an id, as stored in the themes' JSON) and ?group=."""
    terms = []
    if theme:
        # The quoted id is found only as a whole id; the pattern is text to compare, not a
        # list of themes for the field to convert. '_' in an id is escaped (a LIKE wildcard).
        pattern = '%"' + theme.replace("_", "\\_") + '"%'
        terms.append(NodeList((Response.themes, SQL("LIKE"), Value(pattern, converter=False),
                               SQL("ESCAPE"), Value("\\", converter=False))))
    if group:
        low, high = GROUP_RANGES[survey.metric][group]
        terms.append(Response.score.between(low, high))
    return terms
