"""What an owner's digest says per survey: the period's score and n, the change against the
period before (named only when it is significant at 95 %), new comments, answers to follow up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..core.periods import earlier_period
from ..core.scoring import summarise
from ..core.statistics import compare
from ..models import Owner, Response, Site, Survey
from .counts import Filters, conditions, histogram

NEWEST_COMMENTS = 3  # the rest are a click away in the dashboard


@dataclass(frozen=True)
class SurveyDigest:
    survey: Survey
    n: int
    score: float | None
    earlier_n: int
    earlier_score: float | None
    difference: float | None
    margin_of_error: float | None
    significant: bool
    comments_count: int
    comments: list[Response] = field(default_factory=list)
    to_follow_up: int = 0

    @property
    def direction(self) -> str:
        """"up" or "down" for a significant change; "none" for noise; "too_few" when either
        period has too few answers to judge; "unknown" without an earlier period to compare
        with."""
        if self.difference is None:
            return "unknown"
        if self.margin_of_error is None:
            return "too_few"
        if not self.significant:
            return "none"
        return "up" if self.difference > 0 else "down"


def follow_up_count(survey: Survey) -> int:
    """Follow-ups still open, whenever their answers came: nobody has contacted them yet."""
    return (Response.select()
            .where(Response.survey == survey.id, Response.followup == "open").count())


def survey_digest(survey: Survey, start: dt.date, end: dt.date) -> SurveyDigest:
    """The figures of one survey for the days start..end (Amsterdam, inclusive)."""
    filters = Filters(start, end)
    earlier_from, earlier_to = earlier_period(start, end, "previous")
    current = histogram(survey, filters)
    earlier = histogram(survey, Filters(earlier_from, earlier_to))
    now, before = summarise(survey.metric, current), summarise(survey.metric, earlier)
    change = compare(survey.metric, current, earlier)
    with_comment = Response.select().where(*conditions(survey, filters),
                                           Response.comment.is_null(False), Response.comment != "")
    newest = list(with_comment.order_by(Response.created_at.desc(), Response.id.desc())
                  .limit(NEWEST_COMMENTS))
    return SurveyDigest(survey=survey, n=now.n, score=now.score, earlier_n=before.n,
                        earlier_score=before.score, difference=change.difference,
                        margin_of_error=change.margin_of_error, significant=change.significant,
                        comments_count=with_comment.count(), comments=newest,
                        to_follow_up=follow_up_count(survey))


def owner_digest(owner: Owner, start: dt.date, end: dt.date) -> list[SurveyDigest]:
    """Every survey of the owner, in the order the dashboard lists them; a paused survey only
    when either period has answers, an archived one never."""
    surveys = (Survey.owned_by(owner).where(Survey.not_archived())
               .order_by(Site.name, Site.id, Survey.created_at, Survey.id))
    found = (survey_digest(survey, start, end) for survey in surveys)
    return [digest for digest in found if digest.survey.active or digest.n or digest.earlier_n]
