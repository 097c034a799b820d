"""Counting answers in SQL: by score, and by Amsterdam day, touchpoint and score.

Responses keep naive UTC times; owners think in Dutch calendar days. Day boundaries are
computed in Python with zoneinfo, so DST is exact on both databases, and the SQL stays
about as lean as a bare GROUP BY score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from .. import db as database
from ..core.periods import Cuts, iso, local_day_of, utc_start_of
from ..models import Response, Survey
from . import counts_pg

TABLE = Response._meta.table_name
MAX_RANGE_COUNTS = 40_000  # SQLite: counting queries per report before grouping pays more

Histogram = dict[int, int]
DayRow = tuple[dt.date, str | None, int, int]


@dataclass(frozen=True)
class Filters:
    date_from: dt.date | None = None  # inclusive, Europe/Amsterdam calendar day
    date_to: dt.date | None = None  # inclusive
    touchpoint: str | None = None
    segment: str | None = None

    def is_empty(self) -> bool:
        return self == Filters()

    def as_dict(self) -> dict:
        """JSON-ready echo of the filters, named as the API's query parameters."""
        return {"from": iso(self.date_from), "to": iso(self.date_to),
                "touchpoint": self.touchpoint, "segment": self.segment}


def conditions(survey: Survey | str, filters: Filters) -> list:
    """WHERE terms; the time bounds are UTC so the (survey, created_at) index is used."""
    survey_id = survey.id if isinstance(survey, Survey) else survey
    terms = [Response.survey == survey_id]
    if filters.date_from:
        terms.append(Response.created_at >= utc_start_of(filters.date_from))
    if filters.date_to:
        terms.append(Response.created_at < utc_start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.touchpoint:
        terms.append(Response.touchpoint == filters.touchpoint)
    if filters.segment:
        terms.append(Response.segment == filters.segment)
    return terms


def filtered_responses(survey: Survey, filters: Filters):
    """The responses matching the filters, in the order they were stored."""
    return Response.select().where(*conditions(survey, filters)).order_by(Response.id)


def histogram(survey: Survey, filters: Filters) -> Histogram:
    """Score -> count, from one SQL GROUP BY score."""
    query = (Response.select(Response.score, fn.COUNT(Response.id))
             .where(*conditions(survey, filters)).group_by(Response.score).tuples())
    return {score: count for score, count in query}


def known_touchpoint(survey: Survey, name: str) -> bool:
    """One of the survey's touchpoints, or one its stored answers still carry."""
    if name in survey.touchpoints:
        return True
    return Response.select().where(Response.survey == survey.id,
                                   Response.touchpoint == name).exists()


def _span(survey: Survey, filters: Filters) -> tuple[dt.date, dt.date] | None:
    """First and last Amsterdam day with answers in the period.

    Two ordered one-row reads, each one step into the (survey, created_at) index: SQLite
    may answer MIN or MAX from another index by reading all of the survey's answers.
    """
    period = conditions(survey, Filters(filters.date_from, filters.date_to))
    query = Response.select(Response.created_at).where(*period).limit(1)
    first = query.order_by(Response.created_at).scalar()
    if first is None:
        return None
    last = query.order_by(Response.created_at.desc()).scalar()
    return local_day_of(_as_datetime(first)), local_day_of(_as_datetime(last))


def _as_datetime(value) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _sql_filters(survey: Survey, filters: Filters) -> tuple[str, list]:
    where, params = ["survey_id = %s"], [survey.id]
    for column, value in (("touchpoint", filters.touchpoint), ("segment", filters.segment)):
        if value:
            where.append(f"{column} = %s")
            params.append(value)
    return " AND ".join(where), params


def day_rows(survey: Survey, filters: Filters, cuts: Cuts | None = None) -> list[DayRow]:
    """(Amsterdam day, touchpoint, score, count) for every stretch of days with answers.

    Without `cuts` every day is a stretch of its own. With them, a stretch runs from one cut
    day to the next (the first day with answers and the day after the last also cut), and
    its row carries its first day: a caller that cuts at every period and range it reports
    on gets exact figures from far fewer rows (about 1,000 instead of 30,000 for two years
    by month).
    """
    span = _span(survey, filters)
    if span is None:
        return []
    first, last = span
    end = last + dt.timedelta(days=1)
    if cuts is None:
        days = [first + dt.timedelta(days=i) for i in range((end - first).days + 1)]
    else:
        days = sorted({first, end, *(day for day in cuts(first, last) if first < day < end)})
    bounds = [utc_start_of(day) for day in days]
    where, params = _sql_filters(survey, filters)
    # SQLite reads on one connection: splitting the period over two measured slower once
    # the rows were few. PostgreSQL splits its index counts by pair (counts_pg.rows_by_pair).
    if database.is_postgres():
        if not filters.segment and counts_pg.mostly_all_visible():
            rows = counts_pg.rows_by_pair(survey, filters.touchpoint, days, bounds)
            if rows is not None:
                return rows
        return counts_pg.rows_by_bucket(where, params, days, bounds)
    if not filters.segment:
        rows = _rows_by_pair(survey, filters.touchpoint, days, bounds)
        if rows is not None:
            return rows
    return _rows_by_day(where, params, days, bounds)


def _rows_by_pair(survey: Survey, touchpoint: str | None, days: list,
                  bounds: list) -> list[tuple] | None:
    # SQLite groups by sorting every row. The (survey, touchpoint, score, created_at) index
    # needs no sort: with the few (touchpoint, score) pairs known, each pair's answers in
    # each stretch are one range of it, counted without reading the table. Measured at a
    # million answers: a third of a bare GROUP BY score. None: too many queries to pay.
    cursor = database.db.cursor()
    pairs = [(name, score) for name in ([touchpoint] if touchpoint else
                                        _touchpoints(cursor, survey.id))
             for score in _scores(cursor, survey.id, name)]
    if len(pairs) * (len(days) - 1) > MAX_RANGE_COUNTS:
        return None
    sql = (f"SELECT COUNT(*) FROM {TABLE} WHERE survey_id = ? AND touchpoint IS ? "
           f"AND score = ? AND created_at >= ? AND created_at < ?")
    # Text in peewee's own storage format: the bounds compare as the stored values do.
    stored = [str(bound) for bound in bounds]
    rows = []
    for name, score in pairs:
        for index, day in enumerate(days[:-1]):
            count = cursor.execute(sql, (survey.id, name, score, stored[index],
                                         stored[index + 1])).fetchone()[0]
            if count:
                rows.append((day, name, score, count))
    return rows


def _touchpoints(cursor, survey_id: str) -> list[str | None]:
    """The survey's distinct touchpoints (None too), a step into the index for each."""
    sql = f"SELECT touchpoint FROM {TABLE} WHERE survey_id = ? AND touchpoint IS NULL LIMIT 1"
    names: list[str | None] = [None] if cursor.execute(sql, (survey_id,)).fetchone() else []
    sql = (f"SELECT touchpoint FROM {TABLE} WHERE survey_id = ? AND touchpoint > ? "
           f"ORDER BY touchpoint LIMIT 1")
    row = cursor.execute(sql.replace("touchpoint > ?", "touchpoint IS NOT NULL"),
                         (survey_id,)).fetchone()
    while row:
        names.append(row[0])
        row = cursor.execute(sql, (survey_id, row[0])).fetchone()
    return names


def _scores(cursor, survey_id: str, touchpoint: str | None) -> list[int]:
    """The distinct scores given at a touchpoint, a step into the index for each."""
    sql = (f"SELECT score FROM {TABLE} WHERE survey_id = ? AND touchpoint IS ? AND score > ? "
           f"ORDER BY score LIMIT 1")
    scores: list[int] = []
    row = cursor.execute(sql, (survey_id, touchpoint, -(2**31))).fetchone()
    while row:
        scores.append(row[0])
        row = cursor.execute(sql, (survey_id, touchpoint, row[0])).fetchone()
    return scores


def _rows_by_day(where: str, params: list, days: list, bounds: list) -> list[tuple]:
    # SQLite groups by sorting, and has neither time zones nor width_bucket: a computed
    # day key in one query measured four times a bare GROUP BY score, these index ranges
    # of one Amsterdam day each about twice (the touchpoint text makes up most of that).
    sql = (f"SELECT touchpoint, score, COUNT(*) FROM {TABLE} WHERE {where} "
           f"AND created_at >= ? AND created_at < ? GROUP BY touchpoint, score"
           ).replace("%s", "?")
    cursor = database.db.cursor()
    rows = []
    for index, day in enumerate(days[:-1]):
        # Text in peewee's own storage format: the bounds compare as the stored values do.
        cursor.execute(sql, [*params, str(bounds[index]), str(bounds[index + 1])])
        rows.extend((day, touchpoint, score, count) for touchpoint, score, count in cursor)
    return rows
