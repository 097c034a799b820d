"""The pure parts of server.queries: Amsterdam days, periods, ISO weeks, folding."""

import datetime as dt

import pytest

from server.core.periods import (
    bucket_start,
    local_day_of,
    months_before,
    next_bucket,
    period_label,
    utc_start_of,
)
from server.reports.counts import Filters
from server.reports.queries import fold_series, fold_touchpoints


@pytest.mark.parametrize(("day", "utc"), [
    (dt.date(2026, 1, 15), dt.datetime(2026, 1, 14, 23)),  # winter: UTC+1
    (dt.date(2026, 5, 4), dt.datetime(2026, 5, 3, 22)),  # summer: UTC+2
    (dt.date(2026, 3, 29), dt.datetime(2026, 3, 28, 23)),  # the day clocks go forward
    (dt.date(2026, 3, 30), dt.datetime(2026, 3, 29, 22)),
    (dt.date(2026, 10, 25), dt.datetime(2026, 10, 24, 22)),  # the day clocks go back
    (dt.date(2026, 10, 26), dt.datetime(2026, 10, 25, 23)),
])
def test_an_amsterdam_day_starts_at(day, utc):
    assert utc_start_of(day) == utc
    assert local_day_of(utc) == day
    assert local_day_of(utc - dt.timedelta(microseconds=1)) == day - dt.timedelta(days=1)


def test_dst_days_are_23_and_25_hours_long():
    def hours(day):
        return (utc_start_of(day + dt.timedelta(days=1)) - utc_start_of(day)) / dt.timedelta(
            hours=1)

    assert hours(dt.date(2026, 3, 29)) == 23
    assert hours(dt.date(2026, 10, 25)) == 25
    assert hours(dt.date(2026, 6, 1)) == 24


@pytest.mark.parametrize(("day", "interval", "start", "label"), [
    (dt.date(2026, 5, 7), "day", dt.date(2026, 5, 7), "2026-05-07"),
    (dt.date(2026, 5, 7), "week", dt.date(2026, 5, 4), "2026-W19"),
    (dt.date(2026, 5, 7), "month", dt.date(2026, 5, 1), "2026-05"),
    (dt.date(2026, 1, 1), "week", dt.date(2025, 12, 29), "2026-W01"),
    (dt.date(2027, 1, 3), "week", dt.date(2026, 12, 28), "2026-W53"),
    (dt.date(2021, 1, 3), "week", dt.date(2020, 12, 28), "2020-W53"),
    (dt.date(2024, 12, 30), "week", dt.date(2024, 12, 30), "2025-W01"),
])
def test_periods(day, interval, start, label):
    assert bucket_start(day, interval) == start
    assert period_label(start, interval) == label


def test_unknown_interval_is_a_value_error():
    with pytest.raises(ValueError, match="interval"):
        bucket_start(dt.date(2026, 1, 1), "year")


@pytest.mark.parametrize(("start", "interval", "following"), [
    (dt.date(2026, 1, 31), "day", dt.date(2026, 2, 1)),
    (dt.date(2026, 12, 28), "week", dt.date(2027, 1, 4)),
    (dt.date(2026, 1, 1), "month", dt.date(2026, 2, 1)),
    (dt.date(2026, 12, 1), "month", dt.date(2027, 1, 1)),
    (dt.date(2024, 2, 1), "month", dt.date(2024, 3, 1)),
])
def test_next_period(start, interval, following):
    assert next_bucket(start, interval) == following


@pytest.mark.parametrize(("day", "months", "earlier"), [
    (dt.date(2026, 8, 31), 6, dt.date(2026, 2, 28)),
    (dt.date(2026, 5, 15), 6, dt.date(2025, 11, 15)),
    (dt.date(2026, 1, 31), 1, dt.date(2025, 12, 31)),
    (dt.date(2024, 8, 29), 6, dt.date(2024, 2, 29)),
])
def testmonths_before(day, months, earlier):
    assert months_before(day, months) == earlier


def test_fold_series_fills_empty_periods_and_summarises_each():
    rows = [(dt.date(2026, 1, 5), "checkout", 10, 2), (dt.date(2026, 1, 20), None, 0, 1),
            (dt.date(2026, 3, 2), "checkout", 8, 1)]
    series = fold_series("nps", rows, "month")
    assert [(p["period"], p["n"], p["score"]) for p in series] == [
        ("2026-01", 3, 33.3), ("2026-02", 0, None), ("2026-03", 1, 0.0)]
    assert series[0]["start"] == dt.date(2026, 1, 1) and series[1]["end"] == dt.date(2026, 2, 28)
    assert fold_series("nps", [], "week") == []


class FakeSurvey:
    metric = "csat"
    touchpoints = ["checkout", "levering"]


def test_fold_touchpoints_lists_the_survey_own_first_then_others_then_none():
    rows = [(dt.date(2026, 1, 5), "checkout", 5, 2), (dt.date(2026, 1, 6), "oud", 1, 1),
            (dt.date(2026, 1, 6), None, 4, 1), (dt.date(2026, 1, 7), "checkout", 2, 2)]
    breakdown = fold_touchpoints(FakeSurvey(), Filters(), rows)
    assert [(t["touchpoint"], t["n"], t["score"]) for t in breakdown] == [
        ("checkout", 4, 50.0), ("levering", 0, None), ("oud", 1, 0.0), (None, 1, 100.0)]


def test_filters_echo_and_emptiness():
    assert Filters().is_empty() and not Filters(segment="vast").is_empty()
    assert Filters(dt.date(2026, 1, 1), None, "checkout").as_dict() == {
        "from": "2026-01-01", "to": None, "touchpoint": "checkout", "segment": None}
