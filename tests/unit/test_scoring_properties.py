"""Property-based checks for server.scoring on random histograms."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.core.scoring import (
    METRICS,
    SCALES,
    ces,
    csat,
    nps,
    scale_points,
    suggested_targets,
    summarise,
    target_progress,
)
from server.core.statistics import MIN_ANSWERS, compare

# No example database: the tree is shared and tests must not leave files behind.
FAST = settings(max_examples=150, deadline=None, database=None)


def histograms(metric: str) -> st.SearchStrategy[dict[int, int]]:
    # Reach a little past the scale and below zero counts so the filtering is exercised too.
    low, high = SCALES[metric]
    return st.dictionaries(st.integers(low - 3, high + 3), st.integers(-5, 500), max_size=15)


def expected_n(metric: str, histogram: dict[int, int]) -> int:
    low, high = SCALES[metric]
    return sum(count for score, count in histogram.items() if low <= score <= high and count > 0)


@FAST
@given(histograms("nps"))
def test_nps_properties(histogram):
    summary = nps(histogram)
    details = summary.details
    assert summary.n == expected_n("nps", histogram)
    assert details["promoters"] + details["passives"] + details["detractors"] == summary.n
    if summary.n == 0:
        assert summary.score is None and summary.margin_of_error is None
    else:
        assert -100.0 <= summary.score <= 100.0
        assert summary.margin_of_error >= 0.0


@FAST
@given(histograms("csat"))
def test_csat_properties(histogram):
    summary = csat(histogram)
    assert summary.n == expected_n("csat", histogram)
    assert 0 <= summary.details["satisfied"] <= summary.n
    if summary.n == 0:
        assert summary.score is None and summary.details["mean"] is None
    else:
        assert 0.0 <= summary.score <= 100.0
        assert 1.0 <= summary.details["mean"] <= 5.0
        assert summary.margin_of_error >= 0.0


@FAST
@given(histograms("ces"))
def test_ces_properties(histogram):
    summary = ces(histogram)
    assert summary.n == expected_n("ces", histogram)
    assert 0 <= summary.details["easy"] <= summary.n
    if summary.n == 0:
        assert summary.score is None
    else:
        assert 1.0 <= summary.score <= 7.0
        assert 0.0 <= summary.details["easy_percent"] <= 100.0
    if summary.n < 2:
        assert summary.margin_of_error is None
    else:
        assert summary.margin_of_error >= 0.0


@pytest.mark.parametrize("metric", METRICS)
@FAST
@given(data=st.data())
def test_distribution_covers_scale_and_sums_to_n(metric, data):
    histogram = data.draw(histograms(metric))
    summary = summarise(metric, histogram)
    assert list(summary.distribution) == scale_points(metric)
    assert sum(summary.distribution.values()) == summary.n
    assert all(count >= 0 for count in summary.distribution.values())
    assert summary.low_sample is (summary.n < 30)
    flat = summary.as_dict()
    assert sum(flat["distribution"].values()) == summary.n


SCORE_BOUNDS = {"nps": (-100.0, 100.0), "csat": (0.0, 100.0), "ces": (1.0, 7.0)}


@pytest.mark.parametrize("metric", METRICS)
@FAST
@given(data=st.data())
def test_suggested_targets_stay_in_range_and_ordered(metric, data):
    low, high = SCORE_BOUNDS[metric]
    baseline = data.draw(st.floats(low, high, allow_nan=False))
    targets = suggested_targets(metric, baseline)
    short, long_ = targets["short_term"], targets["long_term"]
    values = [short["low"], short["high"], long_["low"], long_["high"]]
    assert all(low <= value <= high for value in values)
    assert short["low"] <= short["high"] <= long_["high"]
    assert long_["low"] <= long_["high"]


@FAST
@given(
    baseline=st.floats(-100, 100),
    target=st.floats(-100, 100),
    current=st.none() | st.floats(-100, 100),
    length=st.integers(0, 2000),
    offset=st.integers(-500, 2500),
)
def test_target_progress_invariants(baseline, target, current, length, offset):
    start = date(2025, 1, 1)
    due = start + timedelta(days=length)
    result = target_progress(baseline, target, current, start, due, start + timedelta(days=offset))
    assert 0.0 <= result["time_elapsed_percent"] <= 100.0
    assert result["days_left"] >= 0
    assert result["reached"] is (current is not None and current >= target)
    if result["reached"]:
        assert result["on_track"] is True
    if current is None:
        assert result["progress_percent"] is None and result["on_track"] is None


@FAST
@given(st.sampled_from(METRICS), st.data())
def test_a_group_too_small_to_estimate_its_variance_is_never_called_different(metric, data):
    """However far apart the scores, a group under MIN_ANSWERS answers gets no margin and no
    verdict; the difference of the two scores is still given."""
    low, high = SCALES[metric]
    counts = st.integers(1, (MIN_ANSWERS - 1) // (high - low + 1))
    small = data.draw(st.dictionaries(st.integers(low, high), counts, min_size=1))
    other = data.draw(histograms(metric).filter(lambda h: expected_n(metric, h) > 0))
    for first, second in ((small, other), (other, small)):
        result = compare(metric, first, second)
        assert result.margin_of_error is None and result.significant is False
        assert result.difference is not None
