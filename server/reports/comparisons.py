"""A period's score against the period before or the same period a year earlier."""

from __future__ import annotations

import dataclasses
import datetime as dt

from ..core.periods import compared_period, earlier_period
from ..core.scoring import summarise
from ..core.statistics import answers_needed, compare
from ..models import Survey
from .counts import Filters, Histogram, histogram


def with_compared_period(filters: Filters, today: dt.date) -> Filters:
    """The filters with both ends of the period set (the last 30 days when none is given)."""
    start, end = compared_period(filters.date_from, filters.date_to, today)
    return dataclasses.replace(filters, date_from=start, date_to=end)


def comparison(survey: Survey, filters: Filters, kind: str,
               current: Histogram | None = None) -> dict:
    """The `comparison` of GET …/score?compare=: the earlier period's figures and the change.

    `filters` must have both ends of its period set (with_compared_period); `current`, when
    given, is their histogram already read.
    """
    start, end = earlier_period(filters.date_from, filters.date_to, kind)
    earlier_filters = dataclasses.replace(filters, date_from=start, date_to=end)
    current = histogram(survey, filters) if current is None else current
    earlier = histogram(survey, earlier_filters)
    result = compare(survey.metric, current, earlier)
    before = summarise(survey.metric, earlier)
    return {"from": start.isoformat(), "to": end.isoformat(), "n": before.n,
            "score": before.score, "difference": result.difference,
            "margin_of_error": result.margin_of_error, "significant": result.significant,
            # Answers per period that would show a 5-point change, as the two periods vary.
            "answers_needed": answers_needed(survey.metric, {
                score: current.get(score, 0) + earlier.get(score, 0)
                for score in {*current, *earlier}})}
