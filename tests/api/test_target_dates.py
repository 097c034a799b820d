"""A target's dates: the baseline (nulmeting) measures the past, and a day must exist."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from server.core.periods import local_today
from server.models import Survey
from tests.api.apiutil import bearer
from tests.api.test_dashboard import post
from tests.helpers import assert_error


def day(days_from_today: int) -> str:
    return (local_today() + dt.timedelta(days=days_from_today)).isoformat()


def field_error(page: str, field: str) -> str:
    return re.search(rf'id="{field}-error">(.*?)</p>', page, re.S).group(1)


FUTURE_BASELINES = [
    # (baseline_from, baseline_to, the field refused, the Dutch reason)
    (day(1), day(60), "baseline_from", "laat die uiterlijk vandaag beginnen"),
    (day(-30), day(1), "baseline_to", "laat die uiterlijk vandaag eindigen"),
]


@pytest.mark.parametrize("start,end,field,reason", FUTURE_BASELINES)
def test_the_form_refuses_a_baseline_after_today(client, owner_survey, start, end, field,
                                                 reason):
    response = post(client, f"/dashboard/surveys/{owner_survey.id}/target",
                    {"target": "20", "due": day(400), "baseline_from": start,
                     "baseline_to": end})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), field) == (
        f"Een nulmeting meet antwoorden die al gegeven zijn: {reason}.")
    assert Survey.get_by_id(owner_survey.id).target_value is None


@pytest.mark.parametrize("start,end,field,reason", FUTURE_BASELINES)
def test_the_api_refuses_a_baseline_after_today(client, survey, token, start, end, field,
                                                reason):
    response = client.put(f"/api/v1/surveys/{survey.id}/target", headers=bearer(token),
                          json={"target": 20, "due": day(400), "baseline_from": start,
                                "baseline_to": end})
    error = assert_error(response, 422, "invalid", field=field)
    assert "today" in " ".join(error["fields"][field])
    assert Survey.get_by_id(survey.id).baseline_from is None


def test_a_baseline_up_to_today_is_kept(client, owner_survey, survey, token):
    response = post(client, f"/dashboard/surveys/{owner_survey.id}/target",
                    {"target": "20", "due": day(400), "baseline_from": day(-90),
                     "baseline_to": day(0)})
    assert response.status_code == 302
    assert Survey.get_by_id(owner_survey.id).baseline_to == local_today()
    response = client.put(f"/api/v1/surveys/{survey.id}/target", headers=bearer(token),
                          json={"target": 20, "due": day(400), "baseline_from": day(-90),
                                "baseline_to": day(0)})
    assert response.status_code == 200


@pytest.mark.parametrize("form,field,message", [
    ({"due": "2026-02-30"}, "due", "Vul een datum in zoals 2025-03-31."),
    ({"due": "31-12-2030"}, "due", "Vul een datum in zoals 2025-03-31."),
    ({"due": "9999-12-31"}, "due", "Vul een datum in tussen 1970 en 2999."),
    ({"baseline_from": "2025-02-30", "baseline_to": "2025-03-31"}, "baseline_from",
     "Vul een datum in zoals 2025-03-31."),
    ({"baseline_from": "2025-01-01", "baseline_to": "2025-04-31"}, "baseline_to",
     "Vul een datum in zoals 2025-03-31."),
])
def test_a_day_that_does_not_exist_is_named_as_such(client, owner_survey, form, field,
                                                    message):
    response = post(client, f"/dashboard/surveys/{owner_survey.id}/target",
                    {"target": "20", "due": "2030-01-01", **form})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), field) == message


def test_the_api_names_a_due_date_that_does_not_exist(client, survey, token):
    response = client.put(f"/api/v1/surveys/{survey.id}/target", headers=bearer(token),
                          json={"target": 20, "due": "2026-02-30"})
    error = assert_error(response, 422, "invalid", field="due")
    assert error["fields"]["due"] == ["Not a valid date."]


def test_the_english_form_says_the_same(client, owner_survey):
    response = post(client, f"/dashboard/surveys/{owner_survey.id}/target?lang=en",
                    {"target": "20", "due": "2026-02-30", "baseline_from": day(1),
                     "baseline_to": day(60)})
    page = response.get_data(as_text=True)
    assert field_error(page, "due") == "Enter a date like 2025-03-31."
