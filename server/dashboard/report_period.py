"""The period a survey's report is about: a stated default, a few choices, or the owner's dates.

Every figure on the report names this period, so that a score is never read without it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from flask_babel import gettext as _
from peewee import fn

from ..core.periods import REPORT_DAYS, local_day_of, local_today
from ..models import Response, Survey
from .common import day_text
from .report import FilterForm

# The choices offered above the report, in days; None is every answer so far.
PERIODS: dict[str, int | None] = {"30": 30, "90": 90, "365": 365, "all": None}
DEFAULT_PERIOD = str(REPORT_DAYS)  # a key of PERIODS


@dataclasses.dataclass
class ReportPeriod:
    """Which period the report shows (a key of PERIODS, or "custom"), its days and its name."""

    key: str
    start: dt.date | None
    end: dt.date | None
    name: str  # "the last 90 days": what headings and figures say
    dates: str  # "5 Sep 2026 – 3 Dec 2026", or "" when nothing bounds it


def period_name(key: str) -> str:
    if key == "all":
        return _("all answers so far")
    if key == "365":
        return _("the last 12 months")
    if key == "custom":
        return _("the chosen dates")
    return _("the last %(num)s days", num=PERIODS[key])


def default_period(today: dt.date | None = None) -> ReportPeriod:
    """The period a report opens on, which the overview shows too: the same number either way."""
    end = today or local_today()
    start = end - dt.timedelta(days=REPORT_DAYS - 1)
    return ReportPeriod(DEFAULT_PERIOD, start, end, period_name(DEFAULT_PERIOD),
                        f"{day_text(start)} – {day_text(end)}")


def first_answer_day(survey: Survey) -> dt.date | None:
    first = (Response.select(fn.MIN(Response.created_at))
             .where(Response.survey == survey.id).scalar())
    return local_day_of(first) if first else None


def custom_period(survey: Survey, start: dt.date | None, end: dt.date | None,
                  today: dt.date) -> tuple[dt.date, dt.date]:
    """Both ends of the dates the owner typed, when one was left empty: from a day on means up
    to today (that day itself when it is later); up to a day means from the first answer
    (that day itself when none came before it). The start never comes after the end."""
    if end is None:
        return start, max(start, today)
    if start is None:
        first = first_answer_day(survey)
        start = min(first, end) if first else end
    return start, end


def apply_period(survey: Survey, form: FilterForm, args: Mapping[str, str],
                 today: dt.date | None = None) -> ReportPeriod:
    """Sets the form's dates to the chosen period: dates typed by the owner win, then
    ?period=, else the default; returns the period with its words. Every card of the report
    reads the form's dates, so all of them show this one period."""
    today = today or local_today()
    filters = form.filters
    # Half of a range the owner typed is not the period they meant: show a whole one instead.
    dates_ignored = "from" in form.errors or "to" in form.errors
    if dates_ignored:
        filters = dataclasses.replace(filters, date_from=None, date_to=None)
    if filters.date_from or filters.date_to:
        key = "custom"
        start, end = custom_period(survey, filters.date_from, filters.date_to, today)
    else:
        key = args.get("period") or DEFAULT_PERIOD
        if key not in PERIODS:
            form.errors["period"], key = _("Choose one of the periods offered."), DEFAULT_PERIOD
        days = PERIODS[key]
        start = today - dt.timedelta(days=days - 1) if days else None
        end = today if days else None
    form.filters = dataclasses.replace(filters, date_from=start, date_to=end)
    if dates_ignored:
        form.errors["dates"] = _("The dates were ignored: the report shows %(period)s.",
                                 period=period_name(key))
    shown_start = start or first_answer_day(survey)
    dates = ""
    if shown_start or end:
        dates = (f"{day_text(shown_start) if shown_start else '…'} – "
                 f"{day_text(end) if end else day_text(today)}")
    return ReportPeriod(key, start, end, period_name(key), dates)


def period_query(form: FilterForm, period: ReportPeriod) -> dict[str, str]:
    """The query that opens the same report elsewhere (comments, CSV): the period as dates."""
    query = {k: v for k, v in form.values.items()
             if v and k in ("touchpoint", "segment") and k not in form.errors}
    if period.start:
        query["from"] = period.start.isoformat()
    if period.end:
        query["to"] = period.end.isoformat()
    return query


def period_choices() -> dict[str, str]:
    """The choices offered above the report, as links."""
    return {"30": _("Last 30 days"), "90": _("Last 90 days"), "365": _("Last 12 months"),
            "all": _("All answers")}
