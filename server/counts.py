"""Counting answers in SQL: by score, and by Amsterdam day, touchpoint and score.

Responses keep naive UTC times; owners think in Dutch calendar days. Day boundaries are
computed in Python with zoneinfo, so DST is exact on both databases, and the SQL stays
about as lean as a bare GROUP BY score.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from peewee import fn

from . import db as database
from .models import Response, Survey

TZ = ZoneInfo("Europe/Amsterdam")
PARALLEL_FROM_DAYS = 120  # longer periods are read in two halves at once

TABLE = Response._meta.table_name

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


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def local_today() -> dt.date:
    return dt.datetime.now(TZ).date()


def utc_start_of(day: dt.date) -> dt.datetime:
    """The naive UTC instant at which an Amsterdam calendar day begins."""
    return dt.datetime.combine(day, dt.time(), TZ).astimezone(dt.UTC).replace(tzinfo=None)


def local_day_of(moment: dt.datetime) -> dt.date:
    """The Amsterdam calendar day of a naive UTC time."""
    return moment.replace(tzinfo=dt.UTC).astimezone(TZ).date()


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

    Two queries: each of MIN and MAX alone is one step into the (survey, created_at)
    index, while SQLite reads the whole range for both in one query.
    """
    period = conditions(survey, Filters(filters.date_from, filters.date_to))
    first = Response.select(fn.MIN(Response.created_at)).where(*period).scalar()
    if first is None:
        return None
    last = Response.select(fn.MAX(Response.created_at)).where(*period).scalar()
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


def day_rows(survey: Survey, filters: Filters) -> list[DayRow]:
    """(Amsterdam day, touchpoint, score, count) for every day with answers."""
    span = _span(survey, filters)
    if span is None:
        return []
    first, last = span
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 2)]
    bounds = [utc_start_of(day) for day in days]
    where, params = _sql_filters(survey, filters)
    read = _rows_by_bucket if database.is_postgres() else _rows_by_day
    if len(days) < PARALLEL_FROM_DAYS or ":memory:" in str(database.db.database):
        return read(where, params, days, bounds)
    # A long period is read as two halves at once, the later one on a second connection:
    # the database does the work, so both CPU cores take part.
    middle = len(days) // 2
    with ThreadPoolExecutor(max_workers=1) as pool:
        later = pool.submit(_on_own_connection, read, where, params, days[middle:],
                            bounds[middle:])
        rows = read(where, params, days[:middle + 1], bounds[:middle + 1])
        return rows + later.result()


def _on_own_connection(read, *args) -> list[tuple]:
    with database.db.connection_context():
        return read(*args)


def _rows_by_bucket(where: str, params: list, days: list, bounds: list) -> list[tuple]:
    # One scan, one hash aggregate; width_bucket finds each answer's day among the bounds.
    sql = (f"SELECT width_bucket(created_at, %s::timestamp[]), touchpoint, score, COUNT(*) "
           f"FROM {TABLE} WHERE {where} AND created_at >= %s AND created_at < %s "
           f"GROUP BY 1, 2, 3")
    cursor = database.db.execute_sql(sql, [bounds, *params, bounds[0], bounds[-1]])
    return [(days[bucket - 1], touchpoint, score, count)
            for bucket, touchpoint, score, count in cursor.fetchall()]


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
