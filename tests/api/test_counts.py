"""server.counts.day_rows against a naive count, on every strategy of both databases."""

import datetime as dt
import random
from collections import Counter

import pytest

from server.core.periods import local_day_of, period_cuts
from server.models import Response
from server.reports import counts, counts_pg
from server.reports.counts import Filters, day_rows

TOUCHPOINTS = ["checkout", "klantenservice", "", None]
SEGMENTS = [None, "nieuw", "vast"]


@pytest.fixture(params=["counted", "grouped"])
def strategy(request, monkeypatch):
    """Index range counts (PostgreSQL: as on a vacuumed table), or one grouped read."""
    if request.param == "counted":
        monkeypatch.setattr(counts_pg, "mostly_all_visible", lambda: True)
    else:
        monkeypatch.setattr(counts, "MAX_RANGE_COUNTS", 0)
        monkeypatch.setattr(counts_pg, "MAX_PG_RANGE_COUNTS", 0)
    return request.param


@pytest.fixture
def stored(make):
    """A survey with 900 answers over 14 months (both DST changes), and their fields."""
    survey = make.survey()
    rng = random.Random(7)
    start = dt.datetime(2025, 2, 20)
    rows = [{"survey": survey.id, "score": rng.randrange(11),
             "touchpoint": rng.choice(TOUCHPOINTS), "segment": rng.choice(SEGMENTS),
             "created_at": start + dt.timedelta(minutes=rng.randrange(60 * 24 * 420))}
            for _ in range(900)]
    # Either side of Amsterdam midnight, in winter and in summer time.
    for when in (dt.datetime(2025, 10, 31, 22, 59), dt.datetime(2025, 10, 31, 23, 0),
                 dt.datetime(2025, 6, 30, 21, 59, 59), dt.datetime(2025, 6, 30, 22, 0)):
        rows.append({"survey": survey.id, "score": 9, "touchpoint": "checkout",
                     "segment": None, "created_at": when})
    Response.insert_many(rows).execute()
    return survey, rows


def naive(rows: list[dict], filters: Filters, cut_days: list[dt.date] | None) -> Counter:
    """(first day of the answer's stretch, touchpoint, score) -> count, in Python."""
    expected: Counter = Counter()
    for row in rows:
        day = local_day_of(row["created_at"])
        if ((filters.date_from and day < filters.date_from)
                or (filters.date_to and day > filters.date_to)
                or (filters.touchpoint and row["touchpoint"] != filters.touchpoint)
                or (filters.segment and row["segment"] != filters.segment)):
            continue
        if cut_days is not None:
            day = max(cut for cut in cut_days if cut <= day)
        expected[(day, row["touchpoint"], row["score"])] += 1
    return expected


@pytest.mark.parametrize("filters", [
    Filters(),
    Filters(touchpoint="klantenservice"),
    Filters(touchpoint=""),
    Filters(segment="vast"),
    Filters(dt.date(2025, 6, 1), dt.date(2025, 11, 15), touchpoint="checkout"),
    Filters(dt.date(2025, 7, 1), dt.date(2025, 7, 1)),
    Filters(dt.date(2027, 1, 1)),
], ids=["all", "touchpoint", "empty-touchpoint", "segment", "period-touchpoint", "one-day",
        "nothing"])
@pytest.mark.parametrize("interval", ["day", "month"])
def test_day_rows_match_a_naive_count(stored, strategy, filters, interval):
    survey, rows = stored
    extra = [dt.date(2025, 8, 17), dt.date(2025, 10, 26)]  # target days inside a month
    got = Counter()
    for day, touchpoint, score, count in day_rows(survey, filters,
                                                  period_cuts(interval, extra)):
        assert count > 0
        got[(day, touchpoint, score)] += count
    first = local_day_of(min(row["created_at"] for row in rows))
    first = max(first, filters.date_from) if filters.date_from else first
    cut_days = [first, *(cut for cut in period_cuts(interval, extra)(
        first, dt.date(2026, 12, 31)) if cut > first)]
    assert got == naive(rows, filters, cut_days)
    assert sum(got.values()) == sum(naive(rows, filters, None).values())
