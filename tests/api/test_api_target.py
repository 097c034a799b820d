"""Targets: PUT /surveys/<id>/target, progress against the baseline, suggested targets."""

import datetime as dt

from server.core.periods import local_today
from tests.api.apiutil import answers, bearer
from tests.helpers import assert_error


def days_ago(n: int) -> dt.datetime:
    return dt.datetime.combine(local_today() - dt.timedelta(days=n), dt.time(12))


def test_put_target_then_read_it_back(client, survey, token):
    today = local_today()
    body = {"target": 40, "due": str(today + dt.timedelta(days=180)),
            "baseline_from": str(today - dt.timedelta(days=120)),
            "baseline_to": str(today - dt.timedelta(days=1))}
    answers(survey, [10, 0], days_ago(60))
    response = client.put(f"/api/v1/surveys/{survey.id}/target", json=body,
                          headers=bearer(token))
    assert response.status_code == 200
    target = response.get_json()["target"]
    assert target["value"] == 40.0 and target["due"] == body["due"]
    assert target["baseline"] == {"from": body["baseline_from"], "to": body["baseline_to"],
                                  "value": 0.0, "n": 2}
    assert target["start"] == str(today) and target["days_left"] == 180
    score = client.get(f"/api/v1/surveys/{survey.id}/score", headers=bearer(token)).get_json()
    assert score["target"] == target
    survey = type(survey).get_by_id(survey.id)
    assert survey.target_set_at == today and survey.baseline_to == today - dt.timedelta(days=1)


def test_progress_and_on_track(client, survey, token):
    today = local_today()
    survey.baseline_from, survey.baseline_to = today - dt.timedelta(days=120), today - dt.timedelta(
        days=31)
    survey.target_value, survey.target_due = 50.0, today + dt.timedelta(days=30)
    survey.target_set_at = today - dt.timedelta(days=30)
    survey.save()
    answers(survey, [10, 0, 8, 7], days_ago(90))  # baseline: NPS 0
    answers(survey, [10, 10, 9, 7, 0], days_ago(10))  # since: (3 - 1) / 5 = 40
    target = client.get(f"/api/v1/surveys/{survey.id}/score",
                        headers=bearer(token)).get_json()["target"]
    assert target["baseline"]["value"] == 0.0 and target["baseline"]["n"] == 4
    assert (target["current"], target["current_n"]) == (40.0, 5)
    assert target["current_from"] == str(today - dt.timedelta(days=30))
    # 40 of the 50 points: 80 % of the way, with half of the time used.
    assert target["progress_percent"] == 80.0 and target["time_elapsed_percent"] == 50.0
    assert target["on_track"] is True and target["reached"] is False
    assert target["days_left"] == 30


def test_target_is_survey_wide_whatever_the_filters(client, survey, token):
    today = local_today()
    survey.target_value, survey.target_due = 20.0, today + dt.timedelta(days=30)
    survey.target_set_at = today - dt.timedelta(days=30)
    survey.save()
    answers(survey, [10, 10], days_ago(5), touchpoint="checkout")
    answers(survey, [0], days_ago(5), touchpoint="klantenservice")
    url = f"/api/v1/surveys/{survey.id}/score"
    everything = client.get(url, headers=bearer(token)).get_json()
    filtered = client.get(f"{url}?touchpoint=checkout&from={today - dt.timedelta(days=6)}",
                          headers=bearer(token)).get_json()
    assert filtered["score"] == 100.0 and everything["score"] == 33.3
    assert filtered["target"] == everything["target"]
    assert everything["target"]["current"] == 33.3 and everything["target"]["reached"] is True
    assert everything["target"]["baseline"] is None
    assert everything["target"]["progress_percent"] is None


def test_suggested_targets_from_the_baseline(client, survey, token):
    today = local_today()
    survey.baseline_from, survey.baseline_to = today - dt.timedelta(days=100), today - dt.timedelta(
        days=10)
    survey.save()
    answers(survey, [10, 10, 9, 7, 0], days_ago(50))  # 40
    answers(survey, [0, 0, 0], days_ago(3))  # after the baseline: not part of it
    suggested = client.get(f"/api/v1/surveys/{survey.id}/score",
                           headers=bearer(token)).get_json()["suggested_targets"]
    assert suggested["based_on"] == {"kind": "baseline", "from": str(survey.baseline_from),
                                     "to": str(survey.baseline_to), "value": 40.0, "n": 5}
    assert suggested["short_term"] == {"months": [3, 6], "low": 42.0, "high": 45.0}
    assert suggested["long_term"] == {"months": [12, 36], "low": 45.0, "high": 55.0}


def test_suggested_targets_from_the_last_six_months_without_a_baseline(client, make):
    survey = make.survey(metric="csat")
    answers(survey, [5, 4, 4, 3, 1], days_ago(20))  # 60 %
    answers(survey, [1, 1, 1], days_ago(400))  # too old to count
    body = client.get(f"/api/v1/surveys/{survey.id}/score",
                      headers=bearer(make.token(survey.site))).get_json()
    suggested = body["suggested_targets"]
    assert suggested["based_on"]["kind"] == "recent" and suggested["based_on"]["n"] == 5
    assert suggested["based_on"]["to"] == str(local_today())
    assert suggested["short_term"]["low"] == 62.0 and suggested["long_term"]["high"] == 75.0
    assert body["target"] is None


INVALID_TARGETS = [
    ({"due": "2030-01-01"}, "target"),
    ({"target": 30}, "due"),
    ({"target": 150, "due": "2030-01-01"}, "target"),
    ({"target": -101, "due": "2030-01-01"}, "target"),
    ({"target": 150, "due": "2030-01-01", "metric": "csat"}, "target"),
    ({"target": "veel", "due": "2030-01-01"}, "target"),
    ({"target": 30, "due": "1 januari"}, "due"),
    ({"target": 30, "due": "2030-01-01", "baseline_from": "2026-01-01"}, "baseline_to"),
    ({"target": 30, "due": "2026-03-01", "baseline_from": "2026-01-01",
      "baseline_to": "2026-03-31"}, "due"),
    ({"target": 30, "due": "2030-01-01", "baseline_from": "2026-04-01",
      "baseline_to": "2026-01-31"}, "baseline_from"),
    ({"target": 30, "due": "2030-01-01", "colour": "blue"}, "colour"),
]


def test_put_target_validation(client, survey, token):
    for body, field in INVALID_TARGETS:
        response = client.put(f"/api/v1/surveys/{survey.id}/target", json=body,
                              headers=bearer(token))
        assert_error(response, 422, "invalid", field=field)
    assert type(survey).get_by_id(survey.id).target_value is None


def test_ces_targets_lie_on_its_scale(client, make):
    survey = make.survey(metric="ces")
    url = f"/api/v1/surveys/{survey.id}/target"
    headers = bearer(make.token(survey.site))
    assert_error(client.put(url, json={"target": 8, "due": "2030-01-01"}, headers=headers),
                 422, field="target")
    assert client.put(url, json={"target": 5.5, "due": "2030-01-01"},
                      headers=headers).status_code == 200


def test_a_body_that_is_not_a_json_object_is_400(client, survey, token):
    for data, content_type in (("not json", "text/plain"), ("{not json", "application/json"),
                               ("[1, 2]", "application/json"), ("", "application/json"),
                               ("target=30&due=2030-01-01", "application/x-www-form-urlencoded")):
        response = client.put(f"/api/v1/surveys/{survey.id}/target", data=data,
                              content_type=content_type, headers=bearer(token))
        assert_error(response, 400, "bad_request")


def test_a_body_over_32_kb_is_413(client, survey, token):
    body = '{"target": 30, "due": "2030-01-01", "x": "' + "a" * 33_000 + '"}'
    response = client.put(f"/api/v1/surveys/{survey.id}/target", data=body,
                          content_type="application/json", headers=bearer(token))
    assert_error(response, 413, "payload_too_large")


def test_both_scopes_may_set_the_target(client, make, survey):
    for scope in ("read", "export"):
        response = client.put(f"/api/v1/surveys/{survey.id}/target",
                              json={"target": 10, "due": "2030-01-01"},
                              headers=bearer(make.token(survey.site, scope)))
        assert response.status_code == 200
