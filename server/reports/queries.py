"""Score reports: totals, trends, touchpoints and targets in Europe/Amsterdam time.

One grouped read (counts.day_rows) gives answers per Amsterdam day, touchpoint and
score; Python folds those few thousand rows into the totals, the series per day, ISO week
or month, and the touchpoint breakdown, which keeps DST and ISO weeks exact.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from ..core.periods import (
    bucket_start,
    local_day_of,
    local_today,
    months_before,
    next_bucket,
    period_cuts,
    period_label,
)
from ..core.scoring import suggested_targets, summarise, target_progress
from ..models import Survey
from .counts import DayRow, Filters, Histogram, day_rows, histogram
from .followups import followup_figures

SUGGESTION_MONTHS = 6  # without a baseline, targets are suggested from the last half year


def fold_series(metric: str, rows: Iterable[DayRow], interval: str) -> list[dict]:
    buckets: dict[dt.date, Counter] = defaultdict(Counter)
    periods: dict[dt.date, dt.date] = {}  # day -> its period's start, computed once per day
    for day, _touchpoint, score, count in rows:
        start = periods.get(day)
        if start is None:
            start = periods[day] = bucket_start(day, interval)
        buckets[start][score] += count
    series: list[dict] = []
    if not buckets:
        return series
    # Empty periods between the first and the last answer are listed, so charts keep time.
    start, last = min(buckets), max(buckets)
    while start <= last:
        end = next_bucket(start, interval)
        series.append({"period": period_label(start, interval), "start": start,
                       "end": end - dt.timedelta(days=1),
                       **summarise(metric, buckets.get(start, {})).as_dict()})
        start = end
    return series


def series(survey: Survey, filters: Filters, interval: str) -> list[dict]:
    """One summary per Amsterdam day, ISO week or month; `start`/`end` are dates."""
    bucket_start(dt.date.today(), interval)  # rejects an unknown interval before querying
    rows = day_rows(survey, filters, period_cuts(interval))
    return fold_series(survey.metric, rows, interval)


def fold_touchpoints(survey: Survey, filters: Filters, rows: Iterable[DayRow]) -> list[dict]:
    counts: dict[str | None, Counter] = defaultdict(Counter)
    for _day, touchpoint, score, count in rows:
        counts[touchpoint][score] += count
    names: list[str | None] = [filters.touchpoint] if filters.touchpoint else list(
        survey.touchpoints)
    # Touchpoints since removed from the settings, and answers without one, still count.
    names += sorted(name for name in counts if name is not None and name not in names)
    if None in counts:
        names.append(None)
    return [{"touchpoint": name, **summarise(survey.metric, counts.get(name, {})).as_dict()}
            for name in names]


def touchpoint_breakdown(survey: Survey, filters: Filters) -> list[dict]:
    """A summary per touchpoint: the survey's own first, then others, then none (null)."""
    return fold_touchpoints(survey, filters, day_rows(survey, filters, period_cuts("month")))


def _histogram_between(survey: Survey, start: dt.date, end: dt.date,
                       rows: list[DayRow] | None) -> Histogram:
    """Survey-wide answers between two Amsterdam days, from rows already read when possible."""
    if rows is None:
        return histogram(survey, Filters(start, end))
    total: Counter = Counter()
    for day, _touchpoint, score, count in rows:
        if start <= day <= end:
            total[score] += count
    return dict(total)


def _period(survey: Survey, start: dt.date, end: dt.date, rows: list[DayRow] | None) -> dict:
    summary = summarise(survey.metric, _histogram_between(survey, start, end, rows))
    return {"from": start.isoformat(), "to": end.isoformat(), "value": summary.score,
            "n": summary.n}


def _target_start(survey: Survey) -> tuple[dt.date, dt.date]:
    """The day the target period began, and the first day its current score counts."""
    start = survey.target_set_at or survey.baseline_to or local_day_of(survey.created_at)
    current_from = max(start, survey.baseline_to + dt.timedelta(days=1)) \
        if survey.baseline_to else start
    return start, current_from


def _recent_from(today: dt.date) -> dt.date:
    return months_before(today, SUGGESTION_MONTHS) + dt.timedelta(days=1)


def target_days(survey: Survey, today: dt.date) -> list[dt.date]:
    """Every day on which a period of target_report or suggestions begins or after it ends:
    rows cut at these days (counts.day_rows) add up to each period exactly."""
    days = [today + dt.timedelta(days=1)]
    if survey.baseline_from and survey.baseline_to:
        days += [survey.baseline_from, survey.baseline_to + dt.timedelta(days=1)]
    else:
        days.append(_recent_from(today))
    _start, current_from = _target_start(survey)
    days += [current_from, max(today, current_from) + dt.timedelta(days=1)]
    return days


def target_report(survey: Survey, today: dt.date, rows: list[DayRow] | None = None) -> dict | None:
    """Progress to the survey's target: current = answers since the target period began.

    `rows`, when given, are all the survey's answers cut at every day of target_days.
    """
    if survey.target_value is None or survey.target_due is None:
        return None
    baseline = None
    if survey.baseline_from and survey.baseline_to:
        baseline = _period(survey, survey.baseline_from, survey.baseline_to, rows)
    start, current_from = _target_start(survey)
    current = _period(survey, current_from, max(today, current_from), rows)
    progress = target_progress(baseline["value"] if baseline else None, survey.target_value,
                               current["value"], start, survey.target_due, today)
    return {
        "value": survey.target_value,
        "due": survey.target_due.isoformat(),
        "start": start.isoformat(),
        "baseline": baseline,
        "current": current["value"],
        "current_n": current["n"],
        "current_from": current["from"],
        **{key: progress[key] for key in ("progress_percent", "time_elapsed_percent",
                                          "on_track", "reached", "days_left")},
    }


def suggestions(survey: Survey, today: dt.date, rows: list[DayRow] | None = None) -> dict | None:
    """Realistic targets from the baseline, else from the last six months, else None."""
    if survey.baseline_from and survey.baseline_to:
        basis = {"kind": "baseline",
                 **_period(survey, survey.baseline_from, survey.baseline_to, rows)}
    else:
        basis = {"kind": "recent", **_period(survey, _recent_from(today), today, rows)}
    if basis["value"] is None:
        return None
    return {**suggested_targets(survey.metric, basis["value"]), "based_on": basis}


def score_report(survey: Survey, filters: Filters, interval: str = "month",
                 today: dt.date | None = None) -> dict:
    """The JSON body of GET /api/v1/surveys/<id>/score."""
    bucket_start(dt.date.today(), interval)
    today = today or local_today()
    # Cut at every period of the series and, unfiltered, of the target: few rows, exact sums.
    extra = target_days(survey, today) if filters.is_empty() else ()
    rows = day_rows(survey, filters, period_cuts(interval, extra))
    total: Counter = Counter()
    for _day, _touchpoint, score, count in rows:
        total[score] += count
    # Target and suggestions are survey-wide: reuse this scan only when it was unfiltered.
    everything = rows if filters.is_empty() else None
    series_json = [{**entry, "start": entry["start"].isoformat(),
                    "end": entry["end"].isoformat()}
                   for entry in fold_series(survey.metric, rows, interval)]
    return {
        "survey": survey.id,
        "metric": survey.metric,
        **summarise(survey.metric, total).as_dict(),
        "interval": interval,
        "series": series_json,
        "touchpoints": fold_touchpoints(survey, filters, rows),
        "filters": filters.as_dict(),
        "target": target_report(survey, today, everything),
        "suggested_targets": suggestions(survey, today, everything),
        "followups": followup_figures(survey, filters),
    }
