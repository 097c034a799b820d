"""server.queries against a real database: Amsterdam days from SQL match zoneinfo's."""

import datetime as dt
import random
from collections import Counter

import pytest

from server.core.periods import local_day_of
from server.models import Response
from server.reports import counts
from server.reports.counts import Filters, day_rows, histogram
from server.reports.queries import score_report, series, touchpoint_breakdown
from tests.api.apiutil import answers


@pytest.mark.parametrize("range_counts", [0, 10**6], ids=["grouped", "counted"])
def test_every_answer_lands_on_its_amsterdam_day(make, monkeypatch, range_counts):
    # SQLite: GROUP BY per day (0 counting queries allowed), or a count per range.
    monkeypatch.setattr(counts, "MAX_RANGE_COUNTS", range_counts)
    survey = make.survey()
    rng = random.Random(4)
    start = dt.datetime(2025, 3, 1)
    # Two DST springs and autumns, thick around midnight and the 01:00 UTC changes.
    moments = [start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 600)) for _ in range(600)]
    moments += [dt.datetime(2025, 10, 25, 21, 59), dt.datetime(2025, 10, 25, 22, 0),
                dt.datetime(2025, 10, 26, 22, 59), dt.datetime(2025, 10, 26, 23, 0),
                dt.datetime(2026, 3, 28, 22, 59, 59), dt.datetime(2026, 3, 28, 23, 0),
                dt.datetime(2026, 3, 29, 21, 59), dt.datetime(2026, 3, 29, 22, 0)]
    expected, rows = Counter(), []
    for when in moments:
        score, touchpoint = rng.randrange(11), rng.choice(["checkout", None])
        rows.append({"survey": survey.id, "score": score, "touchpoint": touchpoint,
                     "created_at": when})
        expected[(local_day_of(when), touchpoint, score)] += 1
    Response.insert_many(rows).execute()
    got = Counter({(day, tp, score): count for day, tp, score, count in
                   day_rows(survey, Filters())})
    assert got == expected
    assert local_day_of(dt.datetime(2026, 3, 28, 23, 0)) == dt.date(2026, 3, 29)


def test_histogram_series_and_breakdown_agree(make):
    survey = make.survey()
    answers(survey, [10, 9, 3], "2026-04-30 23:30", touchpoint="checkout")
    answers(survey, [7, 0], "2026-05-01 00:30", touchpoint="klantenservice")
    filters = Filters(dt.date(2026, 4, 1), dt.date(2026, 5, 31))
    assert histogram(survey, filters) == {10: 1, 9: 1, 3: 1, 7: 1, 0: 1}
    months = series(survey, filters, "month")
    assert [(m["period"], m["start"], m["n"]) for m in months] == [
        ("2026-04", dt.date(2026, 4, 1), 3), ("2026-05", dt.date(2026, 5, 1), 2)]
    assert [(t["touchpoint"], t["n"]) for t in touchpoint_breakdown(survey, filters)] == [
        ("checkout", 3), ("klantenservice", 2)]
    assert histogram(survey, Filters(dt.date(2026, 5, 2))) == {}
    assert series(survey, Filters(dt.date(2026, 5, 2)), "day") == []


def test_score_report_with_a_given_today(make):
    survey = make.survey()
    survey.baseline_from, survey.baseline_to = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
    survey.target_value, survey.target_due = 30.0, dt.date(2026, 12, 31)
    survey.target_set_at = dt.date(2026, 4, 1)
    survey.save()
    answers(survey, [10, 0], "2026-02-10 12:00")
    answers(survey, [10, 10, 7, 0], "2026-06-10 12:00")
    report = score_report(survey, Filters(), "month", today=dt.date(2026, 8, 16))
    target = report["target"]
    assert target["baseline"] == {"from": "2026-01-01", "to": "2026-03-31", "value": 0.0, "n": 2}
    assert (target["current"], target["current_n"]) == (25.0, 4)
    assert target["progress_percent"] == 83.3  # 25 of the 30 points
    assert target["time_elapsed_percent"] == 50.0 and target["on_track"] is True
    assert target["days_left"] == 137
    # Filtered reports compute the survey-wide target with their own queries: same answer.
    filtered = score_report(survey, Filters(touchpoint="x"), "month", today=dt.date(2026, 8, 16))
    assert filtered["target"] == target and filtered["n"] == 0
    assert filtered["suggested_targets"] == report["suggested_targets"]
    assert report["suggested_targets"]["based_on"]["kind"] == "baseline"
