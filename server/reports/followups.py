"""The follow-up loop in numbers and as an inbox: which answers wait, and how fast they were
answered. Only answers with a follow-up are read, through their own index."""

from __future__ import annotations

import datetime as dt

from peewee import Case, fn

from ..core.followups import OPEN, REPLY_WITHIN, hours_between, loop_figures
from ..models import Response, Survey, utcnow
from .counts import Filters, conditions


def followup_figures(survey: Survey, filters: Filters, now: dt.datetime | None = None) -> dict:
    """`followups` of GET …/score: per status, and how fast answers were first contacted,
    for the answers given within the filters."""
    now = now or utcnow()
    terms = [*conditions(survey, filters), Response.followup.is_null(False)]
    late = Case(None, [((Response.followup == OPEN)
                        & (Response.created_at < now - REPLY_WITHIN), 1)], 0)
    counts: dict[str, int] = {}
    overdue_open = 0
    for status, count, overdue in (Response.select(Response.followup, fn.COUNT(Response.id),
                                                   fn.SUM(late))
                                   .where(*terms).group_by(Response.followup).tuples()):
        counts[status] = count
        overdue_open += int(overdue or 0)
    contacted = (Response.select(Response.created_at, Response.followup_contacted_at)
                 .where(*terms, Response.followup_contacted_at.is_null(False)).tuples())
    hours = [hours_between(given, first) for given, first in contacted]
    return loop_figures(counts, hours, overdue_open)
