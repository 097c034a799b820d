"""Honest comparisons: the difference of two scores with its 95 % margin and a verdict.

Pure functions on score histograms (score -> count), as in scoring.py:
- NPS: each answer is +1 (promoter), 0 or -1 (detractor); the variance of the NPS estimate is
  (p + d - (p - d)^2) / n, and two independent estimates' variances add.
- CSAT: a proportion of 4-5 answers; the difference of two proportions, unpooled.
- CES: a mean on 1-7; Welch's t with the Welch-Satterthwaite degrees of freedom.
A difference is significant at 95 % when it lies further from zero than its margin, and only
when both groups have at least MIN_ANSWERS answers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .scoring import LOW_SAMPLE, SCALES, Z_95, summarise

# The change an owner wants to be able to see, in score units (NPS points, CSAT percentage
# points, CES scale points: 0.3 is 5 % of its 1-7 width).
VISIBLE_CHANGE = {"nps": 5.0, "csat": 5.0, "ces": 0.3}

# A group needs as many answers as a score needs to stop being an "open point" (LOW_SAMPLE):
# with fewer, its variance estimate is too rough (one answer, or a few alike, give a variance
# of zero), and two samples of the same customers come out "significant" far more often than
# 5 % of the time (tests/unit/test_statistics.py simulates it); so no margin, no verdict.
MIN_ANSWERS = LOW_SAMPLE


@dataclass(frozen=True)
class Estimate:
    """A score, the variance of that estimate, and the answers it rests on."""

    score: float | None
    variance: float | None
    n: int


@dataclass(frozen=True)
class Comparison:
    difference: float | None
    margin_of_error: float | None
    significant: bool


def _counts(metric: str, histogram: Mapping[int, int]) -> dict[int, int]:
    low, high = SCALES[metric]
    return {point: count for point, count in histogram.items()
            if low <= point <= high and count > 0}


def estimate(metric: str, histogram: Mapping[int, int]) -> Estimate:
    """The score of a histogram with the variance of the estimate (None with too few answers)."""
    summarise(metric, {})  # rejects an unknown metric
    counts = _counts(metric, histogram)
    n = sum(counts.values())
    if n == 0:
        return Estimate(None, None, 0)
    if metric == "nps":
        promoters = sum(c for p, c in counts.items() if p >= 9) / n
        detractors = sum(c for p, c in counts.items() if p <= 6) / n
        unit = max(promoters + detractors - (promoters - detractors) ** 2, 0.0) * 100 ** 2
        return Estimate((promoters - detractors) * 100, unit / n, n)
    if metric == "csat":
        share = sum(c for p, c in counts.items() if p >= 4) / n
        return Estimate(share * 100, share * (1 - share) * 100 ** 2 / n, n)
    mean = sum(p * c for p, c in counts.items()) / n
    if n < 2:
        return Estimate(mean, None, n)
    spread = sum(c * (p - mean) ** 2 for p, c in counts.items()) / (n - 1)
    return Estimate(mean, spread / n, n)


def t_quantile_975(freedom: float) -> float:
    """The 97.5 % quantile of Student's t (Cornish-Fisher expansion; within 0.01 of the
    tables from 3 degrees of freedom on)."""
    if freedom == math.inf:
        return Z_95
    z, d = Z_95, max(freedom, 1.0)
    return (z + (z ** 3 + z) / (4 * d) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * d ** 2)
            + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * d ** 3)
            + (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z)
            / (92160 * d ** 4))


def _critical(metric: str, current: Estimate, earlier: Estimate) -> float:
    if metric != "ces":
        return Z_95
    a, b = current.variance or 0.0, earlier.variance or 0.0
    if a + b == 0:
        return Z_95
    denominator = (a ** 2 / (current.n - 1) if a else 0) + (b ** 2 / (earlier.n - 1) if b else 0)
    freedom = (a + b) ** 2 / denominator if denominator else math.inf
    return t_quantile_975(freedom)


def comparable(*sizes: int) -> bool:
    """Whether groups of these sizes can be compared: each has MIN_ANSWERS answers or more."""
    return all(n >= MIN_ANSWERS for n in sizes)


def compare(metric: str, current: Mapping[int, int], earlier: Mapping[int, int]) -> Comparison:
    """current's score minus earlier's, with the 95 % margin of that difference."""
    now, before = estimate(metric, current), estimate(metric, earlier)
    if now.score is None or before.score is None:
        return Comparison(None, None, False)
    digits = 2 if metric == "ces" else 1
    difference = now.score - before.score
    if not comparable(now.n, before.n):  # a single CES answer, without any spread, too
        return Comparison(round(difference, digits), None, False)
    margin = _critical(metric, now, before) * math.sqrt(now.variance + before.variance)
    # Two periods that cannot vary (all promoters twice) differ by nothing that chance explains.
    significant = abs(difference) > margin if margin > 0 else abs(difference) > 0
    return Comparison(round(difference, digits), round(margin, digits), significant)


def answers_needed(metric: str, histogram: Mapping[int, int],
                   change: float | None = None) -> int | None:
    """Answers per period for a change of `change` (default VISIBLE_CHANGE) to be significant
    between two periods that vary as this histogram does; None without a spread to go by."""
    change = change or VISIBLE_CHANGE[metric]
    found = estimate(metric, histogram)
    if found.variance is None or found.variance == 0:
        return None
    unit = found.variance * found.n  # the variance of one answer
    return max(math.ceil(2 * unit * (Z_95 / change) ** 2), MIN_ANSWERS)
