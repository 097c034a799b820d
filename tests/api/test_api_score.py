"""GET /surveys/<id>/score: hand-computed figures, every parameter, Amsterdam days, DST;
with compare=previous|year, the change, its margin and a verdict."""

import datetime as dt
import math

import pytest

from server.core.periods import local_today
from tests.api.apiutil import answer, answers, bearer
from tests.helpers import assert_error


@pytest.fixture
def get(client, survey, token):
    """GET …/score of the survey, or of another survey id, with the read token."""

    def get(query="", survey_id=None):
        return client.get(f"/api/v1/surveys/{survey_id or survey.id}/score{query}",
                          headers=bearer(token))

    return get


def test_nps_by_hand(get, survey):
    answers(survey, [10, 10, 9, 8, 7, 6, 0])
    body = get().get_json()
    # 3 promoters, 2 passives, 2 detractors of 7: NPS = (3 - 2) / 7 = 14.3.
    p, d = 3 / 7, 2 / 7
    margin = 1.96 * math.sqrt((p + d - (p - d) ** 2) / 7) * 100
    assert body["survey"] == survey.id and body["metric"] == "nps"
    assert (body["n"], body["score"], body["margin_of_error"]) == (7, 14.3, round(margin, 1))
    assert body["margin_of_error"] == 61.7
    assert (body["promoters"], body["passives"], body["detractors"]) == (3, 2, 2)
    assert body["promoters_percent"] == 42.9 and body["detractors_percent"] == 28.6
    assert body["low_sample"] is True
    assert body["distribution"]["10"] == 2 and body["distribution"]["1"] == 0


def test_csat_by_hand(client, make):
    survey = make.survey(metric="csat")
    answers(survey, [5, 4, 4, 3, 1])
    body = client.get(f"/api/v1/surveys/{survey.id}/score",
                      headers=bearer(make.token(survey.site))).get_json()
    # 3 of 5 satisfied (4-5): 60 %, margin 1.96 * sqrt(.6 * .4 / 5) = 42.9 points; mean 17/5.
    assert (body["score"], body["margin_of_error"], body["mean"]) == (60.0, 42.9, 3.4)


def test_ces_by_hand(client, make):
    survey = make.survey(metric="ces")
    answers(survey, [7, 6, 5, 2])
    body = client.get(f"/api/v1/surveys/{survey.id}/score",
                      headers=bearer(make.token(survey.site))).get_json()
    # mean 5.0; sample sd sqrt((4 + 1 + 0 + 9) / 3); margin 1.96 * sd / 2 = 2.1; 3 of 4 easy.
    assert (body["score"], body["margin_of_error"], body["easy_percent"]) == (5.0, 2.1, 75.0)


def test_no_answers_is_a_null_score_not_an_error(get):
    body = get().get_json()
    assert (body["n"], body["score"], body["margin_of_error"]) == (0, None, None)
    assert body["series"] == [] and body["target"] is None
    assert body["suggested_targets"] is None
    assert [t["touchpoint"] for t in body["touchpoints"]] == ["checkout", "klantenservice"]


def test_thirty_answers_is_no_longer_a_low_sample(get, survey):
    answers(survey, [9] * 30)
    body = get().get_json()
    assert body["low_sample"] is False and body["score"] == 100.0


def test_from_and_to_are_inclusive_amsterdam_days(get, survey):
    answer(survey, 10, "2026-05-03 23:59")  # the day before
    answer(survey, 9, "2026-05-04 00:00")  # 22:00 UTC on 3 May
    answer(survey, 0, "2026-05-04 23:30")  # 21:30 UTC (summer time)
    answer(survey, 8, "2026-05-05 00:15")  # 22:15 UTC on 4 May, but the 5th here
    body = get("?from=2026-05-04&to=2026-05-04").get_json()
    assert body["n"] == 2 and body["distribution"]["9"] == 1 and body["distribution"]["0"] == 1
    assert body["filters"] == {"from": "2026-05-04", "to": "2026-05-04", "touchpoint": None,
                               "segment": None}
    assert get("?from=2026-05-05").get_json()["n"] == 1
    assert get("?to=2026-05-03").get_json()["n"] == 1


def test_winter_time_day_boundary(get, survey):
    answer(survey, 10, "2026-01-15 23:30")  # 22:30 UTC
    answer(survey, 0, "2026-01-16 00:30")  # 23:30 UTC on the 15th
    body = get("?from=2026-01-15&to=2026-01-15&interval=day").get_json()
    assert body["n"] == 1 and body["promoters"] == 1
    days = {p["period"]: p["n"] for p in get("?interval=day").get_json()["series"]}
    assert days == {"2026-01-15": 1, "2026-01-16": 1}


def test_daily_series_across_both_dst_changes(get, survey):
    for when in ("2026-03-28 23:30", "2026-03-29 00:30", "2026-03-29 03:30",
                 "2026-03-29 23:30", "2026-10-25 00:30", "2026-10-25 02:30",
                 "2026-10-25 23:30", "2026-10-26 00:30"):
        answer(survey, 9, when)
    series = get("?interval=day&from=2026-03-28&to=2026-03-30").get_json()["series"]
    assert [(p["period"], p["n"]) for p in series] == [("2026-03-28", 1), ("2026-03-29", 3)]
    series = get("?interval=day&from=2026-10-24").get_json()["series"]
    assert [(p["period"], p["n"]) for p in series] == [("2026-10-25", 3), ("2026-10-26", 1)]


def test_monthly_series_with_empty_months_and_a_month_boundary(get, survey):
    answer(survey, 10, "2026-01-31 23:30")  # January, though 22:30 UTC
    answer(survey, 0, "2026-03-31 23:30")  # March, though 21:30 UTC
    answer(survey, 9, "2026-04-01 00:30")  # April, though 22:30 UTC on 31 March
    body = get().get_json()
    assert body["interval"] == "month"
    assert [(p["period"], p["start"], p["end"], p["n"], p["score"]) for p in body["series"]] == [
        ("2026-01", "2026-01-01", "2026-01-31", 1, 100.0),
        ("2026-02", "2026-02-01", "2026-02-28", 0, None),
        ("2026-03", "2026-03-01", "2026-03-31", 1, -100.0),
        ("2026-04", "2026-04-01", "2026-04-30", 1, 100.0),
    ]
    assert body["series"][0]["margin_of_error"] == 0.0 and "promoters" in body["series"][0]


def test_iso_weeks_across_a_year_boundary(get, survey):
    answer(survey, 10, "2025-12-28 12:00")  # Sunday: 2025-W52
    answer(survey, 9, "2025-12-29 12:00")  # Monday: week 1 of ISO year 2026
    answer(survey, 8, "2026-12-31 12:00")  # 2026 has 53 ISO weeks
    answer(survey, 7, "2027-01-03 23:30")  # Sunday night, still 2026-W53
    answer(survey, 6, "2027-01-04 00:30")  # 2027-W01 (23:30 UTC on the 3rd)
    series = get("?interval=week").get_json()["series"]
    weeks = {p["period"]: (p["start"], p["n"]) for p in series if p["n"]}
    assert weeks == {"2025-W52": ("2025-12-22", 1), "2026-W01": ("2025-12-29", 1),
                     "2026-W53": ("2026-12-28", 2), "2027-W01": ("2027-01-04", 1)}
    assert len(series) == 55  # every week in between, empty ones included


def test_touchpoint_and_segment_filters_and_breakdown(get, survey):
    answers(survey, [10, 10, 0], touchpoint="checkout", segment="nieuw")
    answers(survey, [0, 0], touchpoint="klantenservice")
    answers(survey, [9], touchpoint="oud")  # a touchpoint since removed from the survey
    answers(survey, [8])
    body = get().get_json()
    breakdown = {t["touchpoint"]: (t["n"], t["score"]) for t in body["touchpoints"]}
    assert breakdown == {"checkout": (3, 33.3), "klantenservice": (2, -100.0),
                         "oud": (1, 100.0), None: (1, 0.0)}
    only = get("?touchpoint=checkout").get_json()
    assert only["n"] == 3 and [t["touchpoint"] for t in only["touchpoints"]] == ["checkout"]
    assert get("?touchpoint=oud").get_json()["n"] == 1
    assert get("?segment=nieuw").get_json()["n"] == 3
    assert get("?segment=vast").get_json()["n"] == 0
    assert get("?touchpoint=klantenservice&segment=nieuw").get_json()["n"] == 0


BAD_PARAMETERS = [
    ("?from=2026-05-05&to=2026-05-01", "from"),
    ("?from=2026-13-01", "from"),
    ("?from=2026-02-30&to=2026-03-05", "from"),  # a day that does not exist
    ("?from=2026-02-01&to=2026-02-30", "to"),
    ("?to=gisteren", "to"),
    ("?from=2026-05-01T10:00:00", "from"),
    ("?interval=year", "interval"),
    ("?interval=", "interval"),
    ("?touchpoint=nergens", "touchpoint"),
    ("?segment=Met Spaties", "segment"),
]


def test_bad_parameters_are_422_naming_the_field(get):
    for query, field in BAD_PARAMETERS:
        assert_error(get(query), 422, "invalid", field=field)


def test_unknown_parameters_are_ignored(get, survey):
    answers(survey, [9])
    assert get("?_=12345").get_json()["n"] == 1


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
