"""A survey's report shows one period on every card, whatever dates the owner typed."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from server.core.periods import local_today, utc_start_of
from server.models import Response
from tests.api.test_dashboard import signed_in_site


@pytest.fixture
def survey(client, make):
    return make.survey(signed_in_site(client, make, name="Fietsenwinkel"), name="Na aankoop")


def answer(survey, score: int, days_ago: int) -> None:
    noon = utc_start_of(local_today() - dt.timedelta(days=days_ago)) + dt.timedelta(hours=12)
    Response.create(survey=survey, score=score, created_at=noon)


def day(days_ago: int) -> dt.date:
    return local_today() - dt.timedelta(days=days_ago)


def en(day: dt.date) -> str:
    return day.strftime("%b %-d, %Y")


def report(client, survey, query: str) -> dict:
    """What the page says about its period: the headline's, the trend card's, the count."""
    response = client.get(f"/dashboard/surveys/{survey.id}?lang=en&{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    verdict = re.search(r'data-testid="verdict">(.*?) – (.*?) against', page, re.S)
    return {"page": page,
            "period": re.search(r'data-testid="period">(.*?)</span>', page, re.S).group(1),
            "trend": (verdict.group(1), verdict.group(2)),
            "n": re.search(r'data-testid="n">(.*?)</span>', page).group(1)}


@pytest.mark.parametrize("query,message", [
    ("from=2026-02-30&to={to}", "Enter a date like 2025-03-31."),
    ("from={to}&to=2026-13-01", "Enter a date like 2025-03-31."),
    ("from={to}&to=0001-01-01", "Enter a date between 1970 and 2999."),
    ("from={today}&to={to}", "The end date must not be before the start date."),
])
def test_a_range_with_a_bad_date_is_ignored_for_the_default_period(client, survey, query,
                                                                    message):
    answer(survey, 10, days_ago=10)
    answer(survey, 0, days_ago=150)
    shown = report(client, survey, query.format(to=day(60), today=day(0)))
    assert message in shown["page"]
    assert "The dates were ignored: the report shows the last 90 days." in shown["page"]
    assert shown["period"] == f"Period: the last 90 days ({en(day(89))} – {en(day(0))})"
    assert shown["trend"] == (en(day(89)), en(day(0)))
    assert shown["n"] == "1 answer"


def test_the_dutch_notice_names_the_period_shown(client, survey):
    answer(survey, 10, days_ago=10)
    page = client.get(f"/dashboard/surveys/{survey.id}?from=2026-02-30&to={day(60)}"
                      ).get_data(as_text=True)
    assert "Sommige filters zijn genegeerd:" in page
    assert "De datums zijn genegeerd: het rapport toont de laatste 90 dagen." in page
    assert "Periode: de laatste 90 dagen" in page


def test_up_to_a_day_runs_from_the_first_answer_on_every_card(client, survey):
    answer(survey, 0, days_ago=100)
    answer(survey, 10, days_ago=10)
    shown = report(client, survey, f"to={day(60)}")
    assert shown["period"] == f"Period: the chosen dates ({en(day(100))} – {en(day(60))})"
    assert shown["trend"] == (en(day(100)), en(day(60)))
    assert shown["n"] == "1 answer"
    # The comments and the download open on the same days.
    assert f"responses.csv?from={day(100)}&amp;to={day(60)}" in shown["page"]


def test_up_to_a_day_before_the_first_answer_never_starts_after_it_ends(client, survey):
    answer(survey, 10, days_ago=10)
    shown = report(client, survey, f"to={day(60)}")
    assert shown["period"] == f"Period: the chosen dates ({en(day(60))} – {en(day(60))})"
    assert shown["trend"] == (en(day(60)), en(day(60)))
    assert shown["n"] == "0 answers"


def test_from_a_day_after_today_never_ends_before_it_starts(client, survey):
    answer(survey, 10, days_ago=10)
    shown = report(client, survey, f"from={day(-10)}")
    assert shown["period"] == f"Period: the chosen dates ({en(day(-10))} – {en(day(-10))})"
    assert shown["trend"] == (en(day(-10)), en(day(-10)))
    assert shown["n"] == "0 answers"


def test_from_a_day_runs_up_to_today_on_every_card(client, survey):
    answer(survey, 0, days_ago=100)
    answer(survey, 10, days_ago=10)
    shown = report(client, survey, f"from={day(50)}")
    assert shown["period"] == f"Period: the chosen dates ({en(day(50))} – {en(day(0))})"
    assert shown["trend"] == (en(day(50)), en(day(0)))
    assert shown["n"] == "1 answer"
