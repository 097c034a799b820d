"""Finding answers: by theme, by group of scores, and by words in their comments."""

from __future__ import annotations

from peewee import SQL, Expression, NodeList, Value, fn

from .. import db as database
from ..core.scoring import GROUP_RANGES
from ..core.themes import stems, words
from ..models import Response, Survey

MAX_WORDS = 10
# The same expression as the GIN index of migration 0012 (literals, not parameters), so that
# PostgreSQL uses the index.
PG_DOCUMENT = fn.to_tsvector(SQL("'dutch'"), fn.coalesce(Response.comment, SQL("''")))


def answer_filters(survey: Survey, theme: str | None = None, group: str | None = None,
                   q: str | None = None) -> list:
    """WHERE terms for ?theme= (an id, as stored in the themes' JSON), ?group= and ?q=."""
    terms = text_search(q) if q else []
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


def query_words(q: str) -> list[str]:
    """The words searched for: letters and digits only, at most MAX_WORDS."""
    return words(q)[:MAX_WORDS]


def text_search(q: str) -> list:
    """Comments holding every word of `q` in any of its forms (bezorging finds bezorgd).

    Both databases get prefix queries on each word's shortest Snowball stem: SQLite against
    its FTS5 index, PostgreSQL against the comment's tsvector in the 'dutch' configuration.
    """
    found = query_words(q)
    if not found:
        return []
    if database.is_postgres():
        # 'simple': the stems are ours already (PostgreSQL's older Dutch stemmer leaves
        # prijzen as 'prijz', which 'prijs:*' would miss).
        query = " & ".join(f"{shortest_stem(word)}:*" for word in found)
        return [Expression(PG_DOCUMENT, "@@", fn.to_tsquery(SQL("'simple'"), query))]
    match = " ".join(f'"{shortest_stem(word)}"*' for word in found)
    return [Response.id.in_(SQL("(SELECT rowid FROM response_search WHERE response_search "
                                "MATCH ?)", [match]))]


def shortest_stem(word: str) -> str:
    """The word's shorter stem of Dutch and English, never under three letters."""
    stem = min(stems(word), key=len)
    return stem if len(stem) >= 3 else word
