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
    result = compare("nps", nps_histogram(18, 6, 6), nps_histogram(15, 6, 9))
    assert result.difference == 20.0 and not result.significant
    assert result.margin_of_error > 20


def test_a_group_under_thirty_answers_gets_no_margin_and_no_verdict():
    """One detractor against many promoters: a huge difference, but one answer has no spread."""
    one = compare("nps", {2: 1}, nps_histogram(300, 100, 50))
    assert one.difference == pytest.approx(-155.6, abs=0.1)
    assert one.margin_of_error is None and not one.significant
    assert compare("csat", {5: 200}, {1: 29}).margin_of_error is None
    at_thirty = compare("csat", {5: 200}, {1: 30})
    assert at_thirty.significant and at_thirty.margin_of_error == 0


def test_csat_compares_two_proportions():
    result = compare("csat", {5: 80, 2: 20}, {5: 70, 2: 30})
    expected = 1.96 * math.sqrt(0.8 * 0.2 / 100 + 0.7 * 0.3 / 100) * 100
    assert result.difference == 10.0
    assert result.margin_of_error == pytest.approx(expected, abs=0.05)
    assert not result.significant  # 10 points on 100 answers each is within the margin
    assert compare("csat", {5: 800, 2: 200}, {5: 700, 2: 300}).significant


def test_ces_uses_welch_with_unequal_spreads_and_sizes():
    steady = {6: 40, 7: 40}
    spread = {1: 9, 4: 9, 7: 12}
    result = compare("ces", steady, spread)
    assert result.difference == pytest.approx(6.5 - 4.3, abs=0.01)
    # Welch's degrees of freedom are near the small group's 29: t is above 1.96.
    a, b = estimate("ces", steady).variance, estimate("ces", spread).variance
    assert result.margin_of_error > 1.96 * math.sqrt(a + b)
    assert result.significant


def test_the_t_quantile_matches_the_tables():
    for freedom, table in ((3, 3.182), (5, 2.571), (10, 2.228), (30, 2.042), (120, 1.980)):
        assert t_quantile_975(freedom) == pytest.approx(table, abs=0.01)
    assert t_quantile_975(math.inf) == 1.96


def test_no_answers_or_a_single_ces_answer_give_no_verdict():
    assert compare("nps", {}, nps_histogram(1, 1, 1)).difference is None
    single = compare("ces", {5: 1}, {3: 40, 4: 40})
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


def false_alarms(population: list[int], sizes: tuple[int, int], rounds: int) -> float:
    rng = random.Random(11)
    alarms = 0
    for _ in range(rounds):
        first, second = ({}, {})
        for histogram, size in ((first, sizes[0]), (second, sizes[1])):
            for score in rng.choices(population, k=size):
                histogram[score] = histogram.get(score, 0) + 1
        alarms += compare("nps", first, second).significant
    return alarms / rounds


def test_a_small_theme_against_many_comments_is_not_called_different_by_chance():
    """Why MIN_ANSWERS is 30: a theme of 30 comments against 500 others, all from the same
    customers, is called different about 5 % of the time; one of 10 would be nearly 10 %."""
    population = [10] * 45 + [8] * 25 + [4] * 30
    assert false_alarms(population, (30, 500), 1500) <= 0.08
    assert false_alarms(population, (29, 500), 200) == 0


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
