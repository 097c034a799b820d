"""Hand-computed examples for server.scoring."""

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from server.core import scoring
from server.core.scoring import (
    LOW_SAMPLE,
    METRICS,
    SCALES,
    Summary,
    answer_group,
    ces,
    csat,
    nps,
    nps_group,
    scale_points,
    suggested_targets,
    summarise,
    target_progress,
    whole_percents,
)


def test_constants():
    assert METRICS == ("nps", "csat", "ces")
    assert SCALES == {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
    assert LOW_SAMPLE == 30


@pytest.mark.parametrize(
    ("metric", "points"),
    [
        ("nps", list(range(0, 11))),
        ("csat", [1, 2, 3, 4, 5]),
        ("ces", [1, 2, 3, 4, 5, 6, 7]),
    ],
)
def test_scale_points(metric, points):
    assert scale_points(metric) == points


@pytest.mark.parametrize(
    ("score", "group"),
    [
        (0, "detractor"),
        (6, "detractor"),
        (7, "passive"),
        (8, "passive"),
        (9, "promoter"),
        (10, "promoter"),
    ],
)
def test_nps_group(score, group):
    assert nps_group(score) == group


@pytest.mark.parametrize("score", [-1, 11])
def test_nps_group_rejects_out_of_scale(score):
    with pytest.raises(ValueError):
        nps_group(score)


@pytest.mark.parametrize(
    ("histogram", "expected"),
    [
        # n = 12; P = 5 + 3 = 8, Pa = 2, D = 2; pP = 8/12, pD = 2/12
        # score = (8 - 2) / 12 * 100 = 50.0
        # var = pP + pD - (pP - pD)^2 = 10/12 - 0.25 = 0.583333
        # MoE = 1.96 * sqrt(0.583333 / 12) * 100 = 1.96 * 0.220479 * 100 = 43.21 -> 43.2
        # percents: 66.67 -> 66.7, 16.67 -> 16.7, 16.67 -> 16.7
        (
            {10: 5, 9: 3, 8: 2, 0: 2},
            dict(n=12, score=50.0, moe=43.2, groups=(8, 2, 2), pct=(66.7, 16.7, 16.7)),
        ),
        # all promoters: pP = 1, pD = 0 -> score 100; var = 1 - 1 = 0 -> MoE 0.0
        (
            {10: 30, 9: 10},
            dict(n=40, score=100.0, moe=0.0, groups=(40, 0, 0), pct=(100.0, 0.0, 0.0)),
        ),
        # one passive answer: score 0; var = 0 + 0 - 0 = 0 -> MoE 0.0
        (
            {7: 1},
            dict(n=1, score=0.0, moe=0.0, groups=(0, 1, 0), pct=(0.0, 100.0, 0.0)),
        ),
        # one detractor: score -100; var = 1 - (-1)^2 = 0 -> MoE 0.0
        (
            {3: 1},
            dict(n=1, score=-100.0, moe=0.0, groups=(0, 0, 1), pct=(0.0, 0.0, 100.0)),
        ),
        # tie: n = 10, pP = pD = 0.3 -> score 0; var = 0.6 - 0 = 0.6
        # MoE = 1.96 * sqrt(0.06) * 100 = 1.96 * 0.244949 * 100 = 48.01 -> 48.0
        (
            {10: 3, 8: 4, 3: 3},
            dict(n=10, score=0.0, moe=48.0, groups=(3, 4, 3), pct=(30.0, 40.0, 30.0)),
        ),
        # n = 10; pP = 0.2, pD = 0.6 -> score = -40; var = 0.8 - 0.16 = 0.64
        # MoE = 1.96 * sqrt(0.064) * 100 = 1.96 * 0.252982 * 100 = 49.58 -> 49.6
        (
            {2: 6, 8: 2, 10: 2},
            dict(n=10, score=-40.0, moe=49.6, groups=(2, 2, 6), pct=(20.0, 20.0, 60.0)),
        ),
    ],
)
def test_nps_examples(histogram, expected):
    summary = nps(histogram)
    assert summary.metric == "nps"
    assert summary.n == expected["n"]
    assert summary.score == pytest.approx(expected["score"])
    assert summary.margin_of_error == pytest.approx(expected["moe"])
    assert summary.low_sample is (expected["n"] < 30)
    details = summary.details
    assert (details["promoters"], details["passives"], details["detractors"]) == expected["groups"]
    percents = (
        details["promoters_percent"],
        details["passives_percent"],
        details["detractors_percent"],
    )
    assert percents == pytest.approx(expected["pct"])


def test_nps_distribution_has_every_point_in_order():
    summary = nps({10: 5, 9: 3, 8: 2, 0: 2})
    assert list(summary.distribution) == list(range(11))
    expected = dict.fromkeys(range(11), 0) | {0: 2, 8: 2, 9: 3, 10: 5}
    assert summary.distribution == expected


@pytest.mark.parametrize(
    ("histogram", "n", "score", "moe", "mean", "satisfied"),
    [
        # n = 30, satisfied = 10 + 10 = 20 -> 20/30 = 66.67 -> 66.7
        # mean = (5*10 + 4*10 + 3*5 + 2*3 + 1*2) / 30 = 113/30 = 3.7667 -> 3.77
        # MoE = 1.96 * sqrt((2/3)(1/3)/30) * 100 = 1.96 * 0.086066 * 100 = 16.87 -> 16.9
        ({5: 10, 4: 10, 3: 5, 2: 3, 1: 2}, 30, 66.7, 16.9, 3.77, 20),
        # all 5s: p = 1 -> score 100, MoE sqrt(0) = 0.0, mean 5.0
        ({5: 4}, 4, 100.0, 0.0, 5.0, 4),
        # one "1": p = 0 -> score 0, MoE 0.0, mean 1.0
        ({1: 1}, 1, 0.0, 0.0, 1.0, 0),
        # n = 4, satisfied = 2 -> 50.0; mean = (5 + 4 + 2 + 1) / 4 = 3.0
        # MoE = 1.96 * sqrt(0.25 / 4) * 100 = 1.96 * 0.25 * 100 = 49.0
        ({5: 1, 4: 1, 2: 1, 1: 1}, 4, 50.0, 49.0, 3.0, 2),
    ],
)
def test_csat_examples(histogram, n, score, moe, mean, satisfied):
    summary = csat(histogram)
    assert summary.metric == "csat"
    assert summary.n == n
    assert summary.score == pytest.approx(score)
    assert summary.margin_of_error == pytest.approx(moe)
    assert summary.details == {"mean": pytest.approx(mean), "satisfied": satisfied}
    assert summary.low_sample is (n < LOW_SAMPLE)
    assert list(summary.distribution) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("histogram", "n", "score", "moe", "easy", "easy_percent"),
    [
        # n = 4, mean = (7*2 + 5 + 1) / 4 = 5.0
        # squares: 2^2 + 2^2 + 0^2 + (-4)^2 = 24; s = sqrt(24/3) = 2.828427
        # MoE = 1.96 * 2.828427 / sqrt(4) = 2.77 -> 2.8; easy = 3 -> 75.0 %
        ({7: 2, 5: 1, 1: 1}, 4, 5.0, 2.8, 3, 75.0),
        # n = 4, mean = (6*3 + 4) / 4 = 5.5; squares 3*0.25 + 2.25 = 3; s = 1
        # MoE = 1.96 * 1 / 2 = 0.98 -> 1.0; easy = 3 -> 75.0 %
        ({6: 3, 4: 1}, 4, 5.5, 1.0, 3, 75.0),
        # n = 3, mean = (1 + 2 + 2) / 3 = 1.6667 -> 1.67; squares 0.4444 + 2*0.1111 = 0.6667
        # s = sqrt(0.6667/2) = 0.57735; MoE = 1.96 * 0.57735 / sqrt(3) = 0.653 -> 0.7
        ({1: 1, 2: 2}, 3, 1.67, 0.7, 0, 0.0),
        # n = 1: no sample spread -> margin None
        ({4: 1}, 1, 4.0, None, 0, 0.0),
    ],
)
def test_ces_examples(histogram, n, score, moe, easy, easy_percent):
    summary = ces(histogram)
    assert summary.metric == "ces"
    assert summary.n == n
    assert summary.score == pytest.approx(score)
    if moe is None:
        assert summary.margin_of_error is None
    else:
        assert summary.margin_of_error == pytest.approx(moe)
    assert summary.details == {"easy_percent": pytest.approx(easy_percent), "easy": easy}
    assert list(summary.distribution) == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    ("metric", "details"),
    [
        (
            "nps",
            {
                "promoters": 0,
                "passives": 0,
                "detractors": 0,
                "promoters_percent": None,
                "passives_percent": None,
                "detractors_percent": None,
            },
        ),
        ("csat", {"mean": None, "satisfied": 0}),
        ("ces", {"easy_percent": None, "easy": 0}),
    ],
)
def test_empty_histogram(metric, details):
    summary = summarise(metric, {})
    assert summary.n == 0
    assert summary.score is None
    assert summary.margin_of_error is None
    assert summary.low_sample is True
    assert summary.details == details
    assert summary.distribution == {point: 0 for point in scale_points(metric)}


@pytest.mark.parametrize(
    ("metric", "histogram", "n", "score"),
    [
        # 11, -1 outside 0..10; 5: 0 and 6: -4 are non-positive counts -> only 10: 2 counts
        ("nps", {11: 5, -1: 3, 10: 2, 5: 0, 6: -4}, 2, 100.0),
        # 0 and 6 outside 1..5 -> only 5: 1 counts
        ("csat", {0: 3, 6: 1, 5: 1}, 1, 100.0),
        # 0 and 8 outside 1..7 -> only 3: 2 counts, mean 3.0
        ("ces", {0: 1, 8: 9, 3: 2}, 2, 3.0),
    ],
)
def test_out_of_range_scores_and_bad_counts_ignored(metric, histogram, n, score):
    summary = summarise(metric, histogram)
    assert summary.n == n
    assert summary.score == pytest.approx(score)
    assert sum(summary.distribution.values()) == n
    assert set(summary.distribution) == set(scale_points(metric))


def test_ces_zero_spread_has_zero_margin():
    # two equal answers: s = 0 -> MoE 0.0 (not None, since n >= 2)
    assert ces({3: 2}).margin_of_error == 0.0


@pytest.mark.parametrize("metric", METRICS)
def test_summarise_dispatches(metric):
    histogram = {5: 3, 4: 1}
    expected = {"nps": nps, "csat": csat, "ces": ces}[metric](histogram)
    assert summarise(metric, histogram) == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: summarise("foo", {1: 1}),
        lambda: summarise("NPS", {}),
        lambda: scale_points("csi"),
        lambda: suggested_targets("foo", 10.0),
    ],
)
def test_unknown_metric_raises(call):
    with pytest.raises(ValueError):
        call()


def test_low_sample_boundary():
    assert csat({5: LOW_SAMPLE - 1}).low_sample is True
    assert csat({5: LOW_SAMPLE}).low_sample is False


def test_summary_is_frozen():
    summary = nps({10: 1})
    with pytest.raises(dataclasses.FrozenInstanceError):
        summary.n = 5  # type: ignore[misc]
    assert isinstance(summary, Summary)


def test_as_dict_is_flat_and_json_ready():
    result = nps({10: 5, 9: 3, 8: 2, 0: 2}).as_dict()
    assert list(result)[:4] == ["n", "score", "margin_of_error", "low_sample"]
    assert result["n"] == 12
    assert result["score"] == 50.0
    assert result["promoters"] == 8
    assert result["detractors_percent"] == pytest.approx(16.7)
    assert list(result["distribution"]) == [str(point) for point in range(11)]
    assert result["distribution"]["10"] == 5
    assert json.loads(json.dumps(result)) == result


def test_as_dict_empty_ces():
    result = ces({}).as_dict()
    assert result == {
        "n": 0,
        "score": None,
        "margin_of_error": None,
        "low_sample": True,
        "easy_percent": None,
        "easy": 0,
        "distribution": {str(point): 0 for point in range(1, 8)},
    }


@pytest.mark.parametrize(
    ("metric", "baseline", "short", "long"),
    [
        # NPS: +2..+5 points, +5..+15 points
        ("nps", 20.0, (22.0, 25.0), (25.0, 35.0)),
        ("nps", -50.0, (-48.0, -45.0), (-45.0, -35.0)),
        # 95 + 15 = 110 and 95 + 5 = 100 clamp to 100
        ("nps", 95.0, (97.0, 100.0), (100.0, 100.0)),
        ("nps", 100.0, (100.0, 100.0), (100.0, 100.0)),
        # CSAT: +p percentage points; 90 + 15 = 105 -> 100
        ("csat", 80.0, (82.0, 85.0), (85.0, 95.0)),
        ("csat", 90.0, (92.0, 95.0), (95.0, 100.0)),
        # CES: baseline * (1 + p/100): 5 * 1.02 = 5.1, 5 * 1.05 = 5.25, 5 * 1.15 = 5.75
        ("ces", 5.0, (5.1, 5.25), (5.25, 5.75)),
        # 6.4 * 1.02 = 6.528 -> 6.53, 6.4 * 1.05 = 6.72, 6.4 * 1.15 = 7.36 -> clamped to 7
        ("ces", 6.4, (6.53, 6.72), (6.72, 7.0)),
    ],
)
def test_suggested_targets(metric, baseline, short, long):
    targets = suggested_targets(metric, baseline)
    assert targets["short_term"]["months"] == [3, 6]
    assert targets["long_term"]["months"] == [12, 36]
    assert (targets["short_term"]["low"], targets["short_term"]["high"]) == pytest.approx(short)
    assert (targets["long_term"]["low"], targets["long_term"]["high"]) == pytest.approx(long)


def test_suggested_targets_months_are_fresh_lists():
    first = suggested_targets("nps", 0.0)
    first["short_term"]["months"].append(99)
    assert suggested_targets("nps", 0.0)["short_term"]["months"] == [3, 6]


START = date(2025, 1, 1)
DUE = date(2025, 12, 31)  # 364 days after START
HALFWAY = date(2025, 7, 2)  # 182 days after START -> 50 % of time elapsed


@pytest.mark.parametrize(
    ("baseline", "current", "progress", "on_track", "reached"),
    [
        # (26 - 20) / (30 - 20) = 60 % >= 50 % elapsed -> on track
        (20.0, 26.0, 60.0, True, False),
        # (25 - 20) / 10 = 50 % == 50 % elapsed -> still on track
        (20.0, 25.0, 50.0, True, False),
        # (22 - 20) / 10 = 20 % < 50 % -> behind
        (20.0, 22.0, 20.0, False, False),
        # (15 - 20) / 10 = -50 % -> going backwards
        (20.0, 15.0, -50.0, False, False),
        # (31 - 20) / 10 = 110 % -> reached
        (20.0, 31.0, 110.0, True, True),
        # no baseline: progress unknown; not reached -> on_track unknown
        (None, 25.0, None, None, False),
        # no baseline but target reached -> on track
        (None, 35.0, None, True, True),
        # no current measurement: everything unknown, not reached
        (20.0, None, None, None, False),
        # target == baseline: progress undefined; current >= target -> on track
        (30.0, 30.0, None, True, True),
        (30.0, 28.0, None, None, False),
    ],
)
def test_target_progress(baseline, current, progress, on_track, reached):
    result = target_progress(baseline, 30.0, current, START, DUE, HALFWAY)
    assert result["baseline"] == baseline
    assert result["target"] == 30.0
    assert result["current"] == current
    if progress is None:
        assert result["progress_percent"] is None
    else:
        assert result["progress_percent"] == pytest.approx(progress)
    assert result["time_elapsed_percent"] == pytest.approx(50.0)
    assert result["on_track"] is on_track
    assert result["reached"] is reached
    assert result["days_left"] == 182  # 364 - 182


@pytest.mark.parametrize(
    ("start", "due", "today", "elapsed", "days_left"),
    [
        # before the start: 0 % elapsed; 2024-12-01 -> 2025-12-31 is 31 + 364 = 395 days
        (START, DUE, date(2024, 12, 1), 0.0, 395),
        (START, DUE, START, 0.0, 364),
        (START, DUE, DUE, 100.0, 0),
        # after the due date: clamped to 100 %, no negative days left
        (START, DUE, date(2026, 2, 1), 100.0, 0),
        # zero-length period: 0 % before the date, 100 % on/after it
        (DUE, DUE, date(2025, 12, 30), 0.0, 1),
        (DUE, DUE, DUE, 100.0, 0),
    ],
)
def test_target_progress_time(start, due, today, elapsed, days_left):
    result = target_progress(20.0, 30.0, 25.0, start, due, today)
    assert result["time_elapsed_percent"] == pytest.approx(elapsed)
    assert result["days_left"] == days_left


def test_target_progress_behind_late_in_period():
    # 1 Nov: 304 / 364 days = 83.5 % elapsed; progress (26 - 20) / 10 = 60 % -> behind
    result = target_progress(20.0, 30.0, 26.0, START, DUE, date(2025, 11, 1))
    assert result["time_elapsed_percent"] == pytest.approx(83.5)
    assert result["on_track"] is False
    assert result["days_left"] == 60


def test_module_has_no_framework_imports():
    source = Path(scoring.__file__).read_text(encoding="utf-8")
    for name in ("flask", "peewee", "sqlite3", "psycopg"):
        assert f"import {name}" not in source


@pytest.mark.parametrize("counts", [[59, 59, 82], [1, 1, 1], [295, 305, 400], [0, 0, 0], [3],
                                    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]])
def test_whole_percents_add_up_to_100_and_each_is_off_by_less_than_one(counts):
    percents = whole_percents(counts)
    total = sum(counts)
    if total == 0:
        assert percents == [0] * len(counts)
        return
    assert sum(percents) == 100
    for count, percent in zip(counts, percents, strict=True):
        assert abs(percent - count * 100 / total) < 1


def test_a_share_of_29_45_percent_reads_29_not_30():
    assert whole_percents([589, 1411]) == [29, 71]  # 29.45 %: rounded once, not twice


@pytest.mark.parametrize("metric, score, group", [
    ("nps", 0, "detractors"), ("nps", 6, "detractors"), ("nps", 7, "passives"),
    ("nps", 8, "passives"), ("nps", 9, "promoters"), ("nps", 10, "promoters"),
    ("csat", 2, "detractors"), ("csat", 3, "passives"), ("csat", 4, "promoters"),
    ("ces", 3, "detractors"), ("ces", 4, "passives"), ("ces", 5, "promoters"),
])
def test_answer_group(metric, score, group):
    assert answer_group(metric, score) == group
