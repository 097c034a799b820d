"""Closing the feedback loop: which answers need a follow-up, its states, and the loop's figures.

An answer needs one when it is unhappy (NPS 0-6, CSAT 1-2, CES 1-3: the detractors of
GROUP_RANGES) or when the visitor left contact details with consent.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping

from .scoring import GROUP_RANGES

OPEN, CONTACTED, RESOLVED = "open", "contacted", "resolved"
STATUSES = (OPEN, CONTACTED, RESOLVED)
# The promise the figures measure: a reply within two days; older open ones are overdue.
REPLY_WITHIN = dt.timedelta(hours=48)
REPLY_WITHIN_HOURS = REPLY_WITHIN.total_seconds() / 3600


def unhappy(metric: str, score: int) -> bool:
    """NPS detractors (0-6), CSAT 1-2 and CES 1-3."""
    low, high = GROUP_RANGES[metric]["detractors"]
    return low <= score <= high


def first_status(metric: str, score: int, has_contact: bool) -> str | None:
    """The follow-up an answer gets when it is stored: open, or none at all."""
    return OPEN if has_contact or unhappy(metric, score) else None


def overdue(status: str | None, created_at: dt.datetime, now: dt.datetime) -> bool:
    """Open for longer than the reply promise."""
    return status == OPEN and now - created_at > REPLY_WITHIN


def hours_between(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / 3600


def loop_figures(counts: Mapping[str, int], hours_to_contact: Iterable[float],
                 overdue_open: int) -> dict:
    """The loop's figures for a period.

    `hours_to_contact`: from each answer to its first contact, for every contacted one (also
    those resolved since). `within_48h_percent` counts those among the answers whose outcome
    is known: contacted ones, and open ones older than 48 h (late whatever happens next).
    Answers resolved without a contact, and open ones still within 48 h, are left out.
    """
    hours = sorted(hours_to_contact)
    decided = len(hours) + overdue_open
    in_time = sum(1 for value in hours if value <= REPLY_WITHIN_HOURS)
    return {
        **{status: int(counts.get(status, 0)) for status in STATUSES},
        "median_hours_to_contact": round(statistics.median(hours), 1) if hours else None,
        "within_48h_percent": round(100 * in_time / decided, 1) if decided else None,
    }
