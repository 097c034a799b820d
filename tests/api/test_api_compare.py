"""GET /surveys/<id>/score?compare=previous|year: the change, its margin and a verdict."""

import datetime as dt

import pytest

from server.core.periods import local_today
from tests.api.apiutil import answers, bearer
from tests.helpers import assert_error


@pytest.fixture
def survey(make):
    return make.survey(make.site(), metric="nps")


@pytest.fixture
def get(client, make, survey):
    token = make.token(survey.site)

    def get(query=""):
        return client.get(f"/api/v1/surveys/{survey.id}/score{query}", headers=bearer(token))

    return get


def test_previous_compares_with_as_many_days_just_before(get, survey):
    answers(survey, [10] * 60 + [8] * 20 + [3] * 20, "2026-05-10 12:00")  # NPS 40
    answers(survey, [10] * 40 + [8] * 30 + [3] * 30, "2026-04-10 12:00")  # NPS 10
    body = get("?from=2026-05-01&to=2026-05-31&compare=previous").get_json()
    assert body["score"] == 40.0 and body["n"] == 100
    comparison = body["comparison"]
    assert (comparison["from"], comparison["to"]) == ("2026-03-31", "2026-04-30")
    assert (comparison["n"], comparison["score"], comparison["difference"]) == (100, 10.0, 30.0)
    assert 20 < comparison["margin_of_error"] < 30 and comparison["significant"] is True
    assert comparison["answers_needed"] > 100


def test_year_compares_with_the_same_days_a_year_earlier(get, survey):
    answers(survey, [10, 9, 3], "2026-05-10 12:00")
    answers(survey, [10, 3, 3], "2025-05-10 12:00")
    answers(survey, [0] * 50, "2026-04-10 12:00")  # the previous period, not compared here
    comparison = get("?from=2026-05-01&to=2026-05-31&compare=year").get_json()["comparison"]
    assert (comparison["from"], comparison["to"]) == ("2025-05-01", "2025-05-31")
    assert comparison["n"] == 3 and comparison["difference"] == pytest.approx(66.7, abs=0.1)
    assert comparison["significant"] is False  # three answers each: no clear change


def test_without_a_period_the_last_30_days_are_compared(get, survey):
    today = local_today()
    body = get("?compare=previous").get_json()
    assert body["filters"]["to"] == today.isoformat()
    assert body["filters"]["from"] == (today - dt.timedelta(days=29)).isoformat()
    assert body["comparison"]["to"] == (today - dt.timedelta(days=30)).isoformat()
    assert body["comparison"]["difference"] is None and body["comparison"]["n"] == 0
    assert body["comparison"]["significant"] is False


def test_without_compare_there_is_no_comparison(get, survey):
    assert "comparison" not in get().get_json()


def test_an_unknown_comparison_is_422(get):
    assert_error(get("?compare=lastweek"), 422, field="compare")


def test_touchpoint_filters_apply_to_both_periods(get, survey):
    answers(survey, [10] * 30, "2026-05-10 12:00", touchpoint="checkout")
    answers(survey, [0] * 30, "2026-05-10 12:00", touchpoint="klantenservice")
    answers(survey, [0] * 30, "2026-04-10 12:00", touchpoint="checkout")
    body = get("?from=2026-05-01&to=2026-05-31&compare=previous&touchpoint=checkout").get_json()
    assert body["comparison"]["difference"] == 200.0 and body["comparison"]["significant"]
