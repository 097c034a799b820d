"""The follow-up rules on their own: who gets one, what is overdue, and the loop's figures."""

from __future__ import annotations

import datetime as dt

import pytest

from server.core.followups import first_status, loop_figures, overdue, unhappy


@pytest.mark.parametrize("metric, low, high", [("nps", 0, 6), ("csat", 1, 2), ("ces", 1, 3)])
def test_unhappy_is_the_metric_s_low_group(metric, low, high):
    assert all(unhappy(metric, score) for score in range(low, high + 1))
    assert not unhappy(metric, high + 1)
    assert first_status(metric, high, False) == "open"
    assert first_status(metric, high + 1, False) is None
    assert first_status(metric, high + 1, True) == "open"


def test_open_for_more_than_48_hours_is_overdue():
    given = dt.datetime(2026, 6, 1, 12, 0)
    at_48 = given + dt.timedelta(hours=48)
    assert not overdue("open", given, at_48)
    assert overdue("open", given, at_48 + dt.timedelta(seconds=1))
    assert not overdue("contacted", given, at_48 + dt.timedelta(days=9))


def test_figures_by_hand():
    # Contacted after 1, 48 (still in time), 48.5 and 200 hours; two more open and late.
    figures = loop_figures({"open": 5, "contacted": 3, "resolved": 1}, [200, 1, 48.5, 48], 2)
    assert figures == {"open": 5, "contacted": 3, "resolved": 1,
                       "median_hours_to_contact": round((48 + 48.5) / 2, 1),
                       "within_48h_percent": round(100 * 2 / 6, 1)}
    assert loop_figures({}, [], 0) == {"open": 0, "contacted": 0, "resolved": 0,
                                       "median_hours_to_contact": None,
                                       "within_48h_percent": None}
    assert loop_figures({"open": 1}, [], 1)["within_48h_percent"] == 0.0
