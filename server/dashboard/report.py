"""A survey's numbers made readable: filters, charts, period change, recent comments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..core import charts
from ..core.periods import local_today
from ..core.scoring import LOW_SAMPLE, SCALES, SCORE_RANGES, summarise
from ..core.statistics import VISIBLE_CHANGE
from ..models import Response, Survey
from ..reports.comparisons import comparison, with_compared_period
from ..reports.counts import Filters, conditions, histogram, known_touchpoint
from ..schemas import SUPPORTED_DAYS, TAG
from .common import METRIC_NAMES, number_text, score_text

if TYPE_CHECKING:
    from .report_period import ReportPeriod

# The filters as the report's filter form labels them, for messages that name one.
FILTER_LABELS = {"touchpoint": _l("Touchpoint"), "segment": _l("Segment"), "from": _l("From"),
                 "to": _l("To")}
RECENT_COMMENTS = 5  # the rest are on the comments page, with search and filters
# Year 1 or 9999 would overflow the time-zone arithmetic of the queries.


def group_labels(metric: str) -> dict[str, str]:
    """The three kinds of answer per metric, named as the guides do, with their range."""
    if metric == "nps":
        return {"detractor": _("detractors (0-6)"), "passive": _("passives (7-8)"),
                "promoter": _("promoters (9-10)")}
    if metric == "csat":
        return {"detractor": _("dissatisfied (1-2)"), "passive": _("neutral (3)"),
                "promoter": _("satisfied (4-5)")}
    return {"detractor": _("difficult (1-3)"), "passive": _("neutral (4)"),
            "promoter": _("easy (5-7)")}


def group_of(metric: str, point: int) -> str:
    low_top, middle_top = {"nps": (6, 8), "csat": (2, 3), "ces": (3, 4)}[metric]
    if point <= low_top:
        return "detractor"
    return "passive" if point <= middle_top else "promoter"


@dataclass
class FilterForm:
    """The filters as typed in the page, the Filters they make, and what was wrong."""

    values: dict[str, str]
    filters: Filters
    errors: dict[str, str]


def read_filters(survey: Survey, args: Mapping[str, str]) -> FilterForm:
    """Filters from the query string; a bad value is reported and ignored, never a 500."""
    values = {key: (args.get(key) or "").strip() for key in ("from", "to", "touchpoint",
                                                              "segment")}
    errors: dict[str, str] = {}
    days: dict[str, dt.date | None] = {}
    for key in ("from", "to"):
        try:
            days[key] = dt.date.fromisoformat(values[key]) if values[key] else None
        except ValueError:
            days[key], errors[key] = None, _("Enter a date like 2025-03-31.")
        if days[key] and not SUPPORTED_DAYS[0] <= days[key] <= SUPPORTED_DAYS[1]:
            days[key], errors[key] = None, _("Enter a date between 1970 and 2999.")
    if days["from"] and days["to"] and days["from"] > days["to"]:
        errors["to"] = _("The end date must not be before the start date.")
        days["to"] = None
    touchpoint = values["touchpoint"] or None
    if touchpoint and not (TAG.match(touchpoint) and known_touchpoint(survey, touchpoint)):
        errors["touchpoint"], touchpoint = _("This survey has no such touchpoint."), None
    segment = values["segment"] or None
    if segment and not TAG.match(segment):
        errors["segment"], segment = _("This is not a segment name."), None
    return FilterForm(values, Filters(days["from"], days["to"], touchpoint, segment), errors)


def segments(survey: Survey) -> list[str]:
    """Segments the answers carry, for the filter's choices."""
    query = (Response.select(Response.segment).distinct()
             .where(Response.survey == survey.id, Response.segment.is_null(False))
             .order_by(Response.segment).limit(50).tuples())
    return [segment for (segment,) in query]


def recent_comments(survey: Survey, filters: Filters) -> list[Response]:
    """The newest answers with a comment, within the filters."""
    return list(Response.select()
                .where(*conditions(survey, filters), Response.comment.is_null(False),
                       Response.comment != "")
                .order_by(Response.created_at.desc(), Response.id.desc())
                .limit(RECENT_COMMENTS))


def period_change(survey: Survey, start: dt.date, end: dt.date) -> dict:
    """The days start..end against as many days before: score, n, the difference and its
    verdict."""
    filters = Filters(start, end)
    current = histogram(survey, filters)
    summary = summarise(survey.metric, current)
    found = comparison(survey, filters, "previous", current)
    return {"score": summary.score, "n": summary.n, "low_sample": summary.low_sample,
            "margin_of_error": summary.margin_of_error,
            "previous": found["score"], "change": found["difference"],
            "margin": found["margin_of_error"], "significant": found["significant"]}


def change_text(metric: str, change: dict, days: int) -> tuple[str, str]:
    """An arrow (decoration) and the words that carry the same meaning: a change is named only
    when it is significant at 95 %."""
    if change["change"] is None:
        return "", _("no earlier period to compare")
    if change["margin"] is None:
        return "", _("too few answers to compare")
    digits = 1 if metric == "ces" else 0
    if not change["significant"]:
        return "", _("no clear change")
    amount = number_text(abs(change["change"]), digits)
    if change["change"] > 0:
        return "▲", _("+%(amount)s vs the %(num)s days before", amount=amount, num=days)
    return "▼", _("−%(amount)s vs the %(num)s days before", amount=amount, num=days)


def trend_verdict(survey: Survey, filters: Filters) -> dict:
    """The report's period against the one just before it, said only when significant, and
    how many answers a 5-point change would need to show."""
    period = with_compared_period(filters, local_today())
    found = comparison(survey, period, "previous")
    return {**found, "current_from": period.date_from, "current_to": period.date_to,
            "visible_change": VISIBLE_CHANGE[survey.metric]}


def month_label(start: str) -> str:
    return format_date(dt.date.fromisoformat(start), "MMM yyyy")


def trend_chart(survey: Survey, report: dict, period: ReportPeriod | None = None) -> Markup:
    """The monthly score as a line within the report's period, with the target when set."""
    metric, fmt = survey.metric, (lambda v: number_text(v, 1))
    points = [charts.Point(month_label(e["start"]), e["score"], e["n"],
                           0 < e["n"] < LOW_SAMPLE) for e in report["series"]]
    target = report["target"]["value"] if report.get("target") else None
    known = [p for p in points if p.value is not None]
    if known:
        desc = _("%(metric)s per month from %(first)s to %(last)s. Latest month: %(score)s "
                 "from %(n)s answers.", metric=METRIC_NAMES[metric], first=points[0].label,
                 last=points[-1].label, score=score_text(metric, known[-1].value),
                 n=known[-1].n)
        if target is not None:
            desc += " " + _("The dashed line is the target, %(target)s.",
                            target=score_text(metric, target))
    else:
        desc = _("No answers in this period yet.")
    if period is not None:
        desc = _("Period: %(period)s.", period=period.name) + " " + desc
    text = charts.Text(
        title=_("%(metric)s per month", metric=METRIC_NAMES[metric]), desc=desc,
        no_data=_("No answers in this period yet."),
        columns=[_("Month"), _("Score"), _("Answers")],
        target=_("target %(value)s", value=score_text(metric, target)) if target is not None
        else "",
        low_sample=_("open dot: fewer than %(n)s answers", n=LOW_SAMPLE))
    return charts.line_chart(points, chart_id="trend", text=text,
                             bounds=SCORE_RANGES[metric], target=target, fmt=fmt)


def distribution_chart(survey: Survey, report: dict) -> Markup:
    """How often each answer was given, grouped as the metric groups them."""
    metric = survey.metric
    low, high = SCALES[metric]
    labels = group_labels(metric)
    bars = [charts.Bar(str(point), int(report["distribution"].get(str(point), 0)),
                       group_of(metric, point)) for point in range(low, high + 1)]
    counts = {key: sum(b.count for b in bars if b.group == key) for key in labels}
    desc = _("Answers from %(low)s to %(high)s: %(groups)s.", low=low, high=high,
             groups=", ".join(f"{labels[k]} {counts[k]}" for k in labels))
    text = charts.Text(
        title=_("Distribution of answers"), desc=desc,
        no_data=_("No answers in this period yet."),
        columns=[_("Answer"), _("Group"), _("Answers"), _("Share")], groups=labels)
    return charts.bar_chart(bars, chart_id="distribution", text=text)
