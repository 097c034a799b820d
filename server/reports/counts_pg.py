"""Counting answers on PostgreSQL: ranges of the score index by (touchpoint, score) pair, or
one grouped scan when the table is not vacuumed enough for index-only scans."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from .. import db as database
from ..models import Response, Survey

TABLE = Response._meta.table_name
MAX_PG_RANGE_COUNTS = 40_000  # index range counts per report before one grouped scan pays more
MIN_ALL_VISIBLE = 0.9  # share of the table's pages index-only scans must skip


def rows_by_bucket(where: str, params: list, days: list, bounds: list) -> list[tuple]:
    # One scan, one hash aggregate; width_bucket finds each answer's day among the bounds.
    sql = (f"SELECT width_bucket(created_at, %s::timestamp[]), touchpoint, score, COUNT(*) "
           f"FROM {TABLE} WHERE {where} AND created_at >= %s AND created_at < %s "
           f"GROUP BY 1, 2, 3")
    cursor = database.db.execute_sql(sql, [bounds, *params, bounds[0], bounds[-1]])
    return [(days[bucket - 1], touchpoint, score, count)
            for bucket, touchpoint, score, count in cursor.fetchall()]


def mostly_all_visible() -> bool:
    """Whether VACUUM has marked most of the table's pages all-visible (pg_class' figures).

    Index-only scans skip the table only on such pages; on a table never vacuumed each
    counted answer costs a table read and counting measured slower than one grouped scan.
    Autovacuum keeps an insert-only table there (PostgreSQL 13 and later).
    """
    sql = "SELECT relpages, relallvisible FROM pg_class WHERE oid = to_regclass(%s)"
    row = database.db.execute_sql(sql, [TABLE]).fetchone()
    return bool(row and row[0] and row[1] >= MIN_ALL_VISIBLE * row[0])


# The distinct (touchpoint, score) pairs, each one step into the (survey, touchpoint, score,
# created_at) index: loose index scans written as recursive queries. Pairs with a touchpoint
# come in index order through a row comparison; NULL touchpoints (sorted last, and never
# greater than anything) are walked by score on their own.
PG_PAIRS = f"""
WITH RECURSIVE named AS (
    (SELECT touchpoint, score FROM {TABLE} WHERE survey_id = %(survey)s
     AND touchpoint IS NOT NULL {{touchpoint}} ORDER BY touchpoint, score LIMIT 1)
    UNION ALL
    SELECT next.touchpoint, next.score FROM named CROSS JOIN LATERAL (
        SELECT touchpoint, score FROM {TABLE} WHERE survey_id = %(survey)s {{touchpoint}}
        AND (touchpoint, score) > (named.touchpoint, named.score)
        ORDER BY touchpoint, score LIMIT 1) AS next
), unnamed AS (
    (SELECT score FROM {TABLE} WHERE survey_id = %(survey)s AND touchpoint IS NULL
     AND %(unnamed)s ORDER BY score LIMIT 1)
    UNION ALL
    SELECT (SELECT score FROM {TABLE} WHERE survey_id = %(survey)s AND touchpoint IS NULL
            AND score > unnamed.score ORDER BY score LIMIT 1)
    FROM unnamed WHERE unnamed.score IS NOT NULL
)
SELECT touchpoint, score FROM named
UNION ALL SELECT NULL, score FROM unnamed WHERE score IS NOT NULL
"""

# One COUNT(*) per pair and stretch, each a range of the index read without the table.
PG_RANGE_COUNTS = f"""
SELECT stretch.number, pair.touchpoint, pair.score, counted.n
FROM unnest(%(touchpoints)s::text[], %(scores)s::smallint[]) AS pair(touchpoint, score)
CROSS JOIN unnest(%(starts)s::timestamp[], %(ends)s::timestamp[])
    WITH ORDINALITY AS stretch(starts, ends, number)
CROSS JOIN LATERAL (
    SELECT COUNT(*) AS n FROM {TABLE} WHERE survey_id = %(survey)s AND {{touchpoint}}
    AND score = pair.score AND created_at >= stretch.starts AND created_at < stretch.ends
) AS counted
WHERE counted.n > 0
"""


def rows_by_pair(survey: Survey, touchpoint: str | None, days: list,
                     bounds: list) -> list[tuple] | None:
    # A bare GROUP BY score reads the table in three processes (parallel workers); grouping
    # by stretch, touchpoint and score the planner expects a group per answer and reads it
    # in one (2.5 times as long). Counting ranges of the index, as on SQLite, takes about
    # as long as that grouped scan in one process, and splits: here over two connections,
    # half of the pairs each, so it finishes with the bare GROUP BY score. None: too many.
    params = {"survey": survey.id, "unnamed": not touchpoint, "touchpoint": touchpoint}
    sql = PG_PAIRS.format(touchpoint="AND touchpoint = %(touchpoint)s" if touchpoint else "")
    pairs = database.db.execute_sql(sql, params).fetchall()
    if len(pairs) * (len(days) - 1) > MAX_PG_RANGE_COUNTS:
        return None
    # Each connection counts as of its own moment: an answer stored meanwhile may be in
    # one half's counts and not the other's pairs, as with any report read while answers
    # come in; every figure is still derived from the same rows, so they add up.
    half = (len(pairs) + 1) // 2
    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(_count_ranges_alone, survey.id, pairs[half:], bounds)
        counted = _count_ranges(survey.id, pairs[:half], bounds) + other.result()
    return [(days[number - 1], name, score, count) for number, name, score, count in counted]


def _count_ranges(survey_id: str, pairs: list[tuple], bounds: list) -> list[tuple]:
    """(stretch number from 1, touchpoint, score, count) of every range with answers."""
    rows: list[tuple] = []
    named = [pair for pair in pairs if pair[0] is not None]
    unnamed = [pair for pair in pairs if pair[0] is None]
    for condition, share in (("touchpoint = pair.touchpoint", named),
                             ("touchpoint IS NULL", unnamed)):
        if share:
            params = {"survey": survey_id, "touchpoints": [name for name, _ in share],
                      "scores": [score for _, score in share],
                      "starts": bounds[:-1], "ends": bounds[1:]}
            sql = PG_RANGE_COUNTS.format(touchpoint=condition)
            rows += database.db.execute_sql(sql, params).fetchall()
    return rows


def _count_ranges_alone(survey_id: str, pairs: list[tuple], bounds: list) -> list[tuple]:
    """_count_ranges on a pooled connection of this thread's own."""
    if not pairs:
        return []
    with database.connection():
        return _count_ranges(survey_id, pairs, bounds)
