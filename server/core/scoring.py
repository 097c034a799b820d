"""Pure NPS, CSAT and CES statistics, target suggestions and progress on score histograms."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

METRICS = ("nps", "csat", "ces")
SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
# Range of the headline score, which differs from the answer scale for NPS and CSAT.
SCORE_RANGES: dict[str, tuple[float, float]] = {
    "nps": (-100.0, 100.0),
    "csat": (0.0, 100.0),
    "ces": (1.0, 7.0),
}
LOW_SAMPLE = 30
Z_95 = 1.96

# The three kinds of answer per metric, as the responses API filters them (?group=).
GROUPS = ("promoters", "passives", "detractors")
GROUP_RANGES: dict[str, dict[str, tuple[int, int]]] = {
    "nps": {"detractors": (0, 6), "passives": (7, 8), "promoters": (9, 10)},
    "csat": {"detractors": (1, 2), "passives": (3, 3), "promoters": (4, 5)},
    "ces": {"detractors": (1, 3), "passives": (4, 4), "promoters": (5, 7)},
}

DETRACTOR = "detractor"
PASSIVE = "passive"
PROMOTER = "promoter"

SHORT_TERM_MONTHS = [3, 6]
LONG_TERM_MONTHS = [12, 36]
SHORT_TERM_IMPROVEMENT = (2.0, 5.0)
LONG_TERM_IMPROVEMENT = (5.0, 15.0)


@dataclass(frozen=True)
class Summary:
    metric: str
    n: int
    score: float | None
    margin_of_error: float | None
    low_sample: bool
    details: dict[str, float | int | None]
    distribution: dict[int, int]

    def as_dict(self) -> dict:
        """Flat, JSON-ready view; distribution keys become strings because JSON keys must be."""
        result: dict = {
            "n": self.n,
            "score": self.score,
            "margin_of_error": self.margin_of_error,
            "low_sample": self.low_sample,
        }
        result.update(self.details)
        result["distribution"] = {str(point): count for point, count in self.distribution.items()}
        return result


def _check_metric(metric: str) -> None:
    if metric not in SCALES:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")


def scale_points(metric: str) -> list[int]:
    """All answer values of ``metric``'s scale, ascending."""
    _check_metric(metric)
    low, high = SCALES[metric]
    return list(range(low, high + 1))


def nps_group(score: int) -> str:
    """Classify a 0–10 answer as detractor (0–6), passive (7–8) or promoter (9–10)."""
    if not 0 <= score <= 10:
        raise ValueError(f"NPS answer must be 0..10, got {score!r}")
    if score >= 9:
        return PROMOTER
    if score >= 7:
        return PASSIVE
    return DETRACTOR


def answer_group(metric: str, score: int) -> str:
    """The kind of answer a score of ``metric`` is: promoters, passives or detractors."""
    _check_metric(metric)
    return next(group for group, (low, high) in GROUP_RANGES[metric].items()
                if low <= score <= high)


def _distribution(metric: str, histogram: Mapping[int, int]) -> dict[int, int]:
    # Out-of-scale answers and non-positive counts come from bad data, so they must not count.
    low, high = SCALES[metric]
    counts = {point: 0 for point in range(low, high + 1)}
    for score, count in histogram.items():
        if low <= score <= high and count > 0:
            counts[score] += count
    return counts


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _percent(part: int, n: int) -> float | None:
    return None if n == 0 else part / n * 100


def whole_percents(counts: Sequence[int]) -> list[int]:
    """Whole percentages of the counts that add up to 100, each off by less than one: the
    largest remainders get the points that rounding each one alone would lose or add."""
    total = sum(counts)
    if total <= 0:
        return [0] * len(counts)
    exact = [count * 100 / total for count in counts]
    whole = [math.floor(value) for value in exact]
    by_remainder = sorted(range(len(counts)), key=lambda i: exact[i] - whole[i], reverse=True)
    for i in by_remainder[:100 - sum(whole)]:
        whole[i] += 1
    return whole


def _proportion_margin(p: float, n: int) -> float:
    # max() guards against a tiny negative variance from floating-point error at p == 0 or 1.
    return Z_95 * math.sqrt(max(p * (1 - p), 0.0) / n) * 100


def _summary(
    metric: str,
    distribution: dict[int, int],
    score: float | None,
    margin: float | None,
    details: dict[str, float | int | None],
) -> Summary:
    n = sum(distribution.values())
    return Summary(metric, n, score, margin, n < LOW_SAMPLE, details, distribution)


def nps(histogram: Mapping[int, int]) -> Summary:
    """Net Promoter Score: % promoters (9–10) minus % detractors (0–6), in −100..100."""
    dist = _distribution("nps", histogram)
    n = sum(dist.values())
    groups = {DETRACTOR: 0, PASSIVE: 0, PROMOTER: 0}
    for point, count in dist.items():
        groups[nps_group(point)] += count
    score = margin = None
    if n:
        p_pro, p_det = groups[PROMOTER] / n, groups[DETRACTOR] / n
        score = (p_pro - p_det) * 100
        # Variance of a difference of two multinomial proportions (promoter = +1, detractor = −1).
        variance = max(p_pro + p_det - (p_pro - p_det) ** 2, 0.0)
        margin = Z_95 * math.sqrt(variance / n) * 100
    details: dict[str, float | int | None] = {
        "promoters": groups[PROMOTER],
        "passives": groups[PASSIVE],
        "detractors": groups[DETRACTOR],
        "promoters_percent": _round(_percent(groups[PROMOTER], n), 1),
        "passives_percent": _round(_percent(groups[PASSIVE], n), 1),
        "detractors_percent": _round(_percent(groups[DETRACTOR], n), 1),
    }
    return _summary("nps", dist, _round(score, 1), _round(margin, 1), details)


def _mean(dist: Mapping[int, int], n: int) -> float | None:
    return None if n == 0 else sum(point * count for point, count in dist.items()) / n


def csat(histogram: Mapping[int, int]) -> Summary:
    """Customer Satisfaction: % of answers 4–5 on a 1–5 scale, margin in percentage points."""
    dist = _distribution("csat", histogram)
    n = sum(dist.values())
    satisfied = dist[4] + dist[5]
    score = _percent(satisfied, n)
    margin = None if n == 0 else _proportion_margin(satisfied / n, n)
    details: dict[str, float | int | None] = {
        "mean": _round(_mean(dist, n), 2),
        "satisfied": satisfied,
    }
    return _summary("csat", dist, _round(score, 1), _round(margin, 1), details)


def _sample_sd(dist: Mapping[int, int], n: int, mean: float) -> float:
    # n − 1 (Bessel) because the responses are a sample of all customers.
    squares = sum(count * (point - mean) ** 2 for point, count in dist.items())
    return math.sqrt(squares / (n - 1))


def ces(histogram: Mapping[int, int]) -> Summary:
    """Customer Effort Score: mean of a 1–7 scale (7 = very easy); score rounded as a mean."""
    dist = _distribution("ces", histogram)
    n = sum(dist.values())
    mean = _mean(dist, n)
    # A single answer has no spread, so no honest margin can be given.
    margin = None if mean is None or n < 2 else Z_95 * _sample_sd(dist, n, mean) / math.sqrt(n)
    easy = dist[5] + dist[6] + dist[7]
    details: dict[str, float | int | None] = {
        "easy_percent": _round(_percent(easy, n), 1),
        "easy": easy,
    }
    return _summary("ces", dist, _round(mean, 2), _round(margin, 1), details)


_SUMMARISERS = {"nps": nps, "csat": csat, "ces": ces}


def summarise(metric: str, histogram: Mapping[int, int]) -> Summary:
    """Summary of ``histogram`` (score -> count) for ``metric``; ValueError if it is unknown."""
    _check_metric(metric)
    return _SUMMARISERS[metric](histogram)


def _improve(metric: str, baseline: float, percent: float) -> float:
    if metric == "ces":
        return baseline * (1 + percent / 100)
    # NPS: p % of half the 200-point width is p points; CSAT is already a percentage.
    return baseline + percent


def _clamp(metric: str, value: float) -> float:
    low, high = SCORE_RANGES[metric]
    return min(max(value, low), high)


def _target_range(metric: str, baseline: float, improvement: tuple[float, float]) -> dict:
    digits = 2 if metric == "ces" else 1
    low, high = (round(_clamp(metric, _improve(metric, baseline, p)), digits) for p in improvement)
    return {"low": low, "high": high}


def suggested_targets(metric: str, baseline: float) -> dict:
    """Realistic targets after a baseline measurement (nulmeting) of 3–6 months.

    Dutch guides expect 2–5 % improvement within 3–6 months and 5–15 % within 1–3 years.
    "p %" is applied to the scale, not to the baseline, so that it stays meaningful near
    zero: NPS gains p points (p % of half its −100..100 width), CSAT gains p percentage
    points, and CES (a 1..7 mean) is multiplied by 1 + p/100. Results are clamped to the
    metric's score range, so a baseline already at the top yields the top as target.
    """
    _check_metric(metric)
    return {
        "short_term": {
            "months": list(SHORT_TERM_MONTHS),
            **_target_range(metric, baseline, SHORT_TERM_IMPROVEMENT),
        },
        "long_term": {
            "months": list(LONG_TERM_MONTHS),
            **_target_range(metric, baseline, LONG_TERM_IMPROVEMENT),
        },
    }


def _elapsed_percent(start: date, due: date, today: date) -> float:
    total = (due - start).days
    if total <= 0:
        # A zero-length period is either over or not begun; avoid dividing by zero.
        return 100.0 if today >= due else 0.0
    return min(max((today - start).days / total * 100, 0.0), 100.0)


def _progress_percent(baseline: float | None, target: float, current: float | None) -> float | None:
    if baseline is None or current is None or target == baseline:
        return None
    return (current - baseline) / (target - baseline) * 100


def _on_track(reached: bool, progress: float | None, elapsed: float) -> bool | None:
    if reached:
        return True
    return None if progress is None else progress >= elapsed


def target_progress(
    baseline: float | None,
    target: float,
    current: float | None,
    start: date,
    due: date,
    today: date,
) -> dict:
    """How far ``current`` has moved from ``baseline`` to ``target`` versus time used.

    Higher is better for every metric, so ``reached`` means ``current >= target``.
    ``on_track`` is None when neither reaching nor progress can be judged.
    """
    progress = _progress_percent(baseline, target, current)
    elapsed = _elapsed_percent(start, due, today)
    reached = current is not None and current >= target
    return {
        "baseline": baseline,
        "target": target,
        "current": current,
        "progress_percent": _round(progress, 1),
        "time_elapsed_percent": round(elapsed, 1),
        "on_track": None if current is None else _on_track(reached, progress, elapsed),
        "reached": reached,
        "days_left": max((due - today).days, 0),
    }
