"""Comparisons of two periods: the difference, its 95 % margin and whether it is significant."""

import math
import random

import pytest

from server.core.statistics import answers_needed, compare, estimate, t_quantile_975


def nps_histogram(promoters: int, passives: int, detractors: int) -> dict[int, int]:
    return {10: promoters, 8: passives, 3: detractors}


def test_nps_difference_and_margin_follow_the_variance_of_two_estimates():
    now, before = nps_histogram(60, 20, 20), nps_histogram(40, 30, 30)
    result = compare("nps", now, before)
    assert result.difference == 30.0
    # variance per answer: now 0.8 - 0.16 = 0.64, before 0.7 - 0.01 = 0.69 (in NPS units²/1e4)
    expected = 1.96 * math.sqrt(0.64 / 100 + 0.69 / 100) * 100
    assert result.margin_of_error == pytest.approx(expected, abs=0.05)
    assert result.significant


def test_a_small_change_on_few_answers_is_not_significant():
    result = compare("nps", nps_histogram(6, 2, 2), nps_histogram(5, 2, 3))
    assert result.difference == 20.0 and not result.significant
    assert result.margin_of_error > 20


def test_csat_compares_two_proportions():
    result = compare("csat", {5: 80, 2: 20}, {5: 70, 2: 30})
    expected = 1.96 * math.sqrt(0.8 * 0.2 / 100 + 0.7 * 0.3 / 100) * 100
    assert result.difference == 10.0
    assert result.margin_of_error == pytest.approx(expected, abs=0.05)
    assert not result.significant  # 10 points on 100 answers each is within the margin
    assert compare("csat", {5: 800, 2: 200}, {5: 700, 2: 300}).significant


def test_ces_uses_welch_with_unequal_spreads_and_sizes():
    steady = {6: 20, 7: 20}
    spread = {1: 3, 4: 3, 7: 4}
    result = compare("ces", steady, spread)
    assert result.difference == pytest.approx(6.5 - 4.3, abs=0.01)
    # Welch's degrees of freedom are near the small group's 9: t is clearly above 1.96.
    a, b = estimate("ces", steady).variance, estimate("ces", spread).variance
    assert result.margin_of_error > 1.96 * math.sqrt(a + b)
    assert result.significant


def test_the_t_quantile_matches_the_tables():
    for freedom, table in ((3, 3.182), (5, 2.571), (10, 2.228), (30, 2.042), (120, 1.980)):
        assert t_quantile_975(freedom) == pytest.approx(table, abs=0.01)
    assert t_quantile_975(math.inf) == 1.96


def test_no_answers_or_a_single_ces_answer_give_no_verdict():
    assert compare("nps", {}, nps_histogram(1, 1, 1)).difference is None
    single = compare("ces", {5: 1}, {3: 4, 4: 4})
    assert single.difference == 1.5 and single.margin_of_error is None
    assert not single.significant


def test_unknown_metrics_are_refused():
    with pytest.raises(ValueError):
        compare("xyz", {}, {})


def test_false_alarms_happen_about_one_time_in_twenty():
    """Two samples from the same customers differ significantly in about 5 % of periods."""
    rng = random.Random(7)
    population = [10] * 45 + [8] * 25 + [4] * 30
    alarms = 0
    for _ in range(400):
        first, second = ({}, {})
        for histogram in (first, second):
            for score in rng.choices(population, k=200):
                histogram[score] = histogram.get(score, 0) + 1
        alarms += compare("nps", first, second).significant
    assert 0.02 <= alarms / 400 <= 0.09


def test_answers_needed_for_a_five_point_change():
    histogram = nps_histogram(45, 25, 30)
    needed = answers_needed("nps", histogram)
    unit = (0.75 - 0.15 ** 2) * 100 ** 2
    assert needed == math.ceil(2 * unit * (1.96 / 5) ** 2)
    # With that many answers in each period, a 5-point change is about as large as its margin.
    bigger = {k: v * needed / 100 for k, v in nps_histogram(50, 20, 30).items()}
    smaller = {k: v * needed / 100 for k, v in histogram.items()}
    result = compare("nps", bigger, smaller)
    assert result.difference == 5.0 and result.margin_of_error == pytest.approx(5, abs=0.2)
    assert answers_needed("csat", {5: 10, 1: 10}) == math.ceil(2 * 2500 * (1.96 / 5) ** 2)
    assert answers_needed("nps", {10: 5}) is None
