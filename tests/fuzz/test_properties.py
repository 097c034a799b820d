"""Property-based checks: the visitor's answer schema on any input, and the score's arithmetic.

The pure scoring functions have their own properties in tests/unit; here they are checked
through the database and the API, where counts are split over periods and touchpoints.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from server.core.scoring import SCALES, SCORE_RANGES
from server.models import Response, Survey, utcnow
from server.schemas import TAG, messages
from server.visitor.schemas import COMMENT_MAX, VisitorResponseSchema

FAST = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
TOUCHPOINTS = ["checkout", "klantenservice"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6,
)
FIELDS = ["token", "score", "comment", "touchpoint", "segment", "consent", "contact", "invite"]
# Any mix of the real field names and junk, with values of any JSON type, often plausible.
plausible = {
    "token": st.text(min_size=1, max_size=40),
    "score": st.integers(-3, 13) | st.from_regex(r"\A\s?-?\d{1,3}\s?\Z"),
    "comment": st.text(max_size=40) | st.just("x" * (COMMENT_MAX + 1)),
    "touchpoint": st.sampled_from([*TOUCHPOINTS, "Checkout", " checkout ", "elders", ""]),
    "segment": st.from_regex(r"\A[a-z0-9_-]{1,70}\Z") | st.text(max_size=10),
    "consent": st.booleans() | st.sampled_from(["on", "true", "", "nee"]),
    "contact": st.emails() | st.text(max_size=20),
    "invite": st.text(max_size=20),
}
answers = st.fixed_dictionaries(
    {}, optional={name: strategy | json_values for name, strategy in plausible.items()})
inputs = answers | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), json_values,
                                   max_size=6) | json_values


def survey(metric: str, consent_mode: str) -> Survey:
    return Survey(id="s" * 16, metric=metric, touchpoints=TOUCHPOINTS, consent_mode=consent_mode)


@pytest.fixture
def in_request(app):
    with app.test_request_context("/w/survey"):
        yield


@FAST
@given(metric=st.sampled_from(sorted(SCALES)), consent_mode=st.sampled_from(
    ["anonymous", "optional"]), data=inputs)
# Python's \s matches the ASCII separators \x1c-\x1f, which int() does not strip.
@example(metric="nps", consent_mode="anonymous", data={"token": "t", "score": "0\x1f"})
def test_any_input_is_either_a_valid_answer_or_named_problems(in_request, metric,
                                                               consent_mode, data):
    schema = VisitorResponseSchema(survey(metric, consent_mode))
    try:
        answer = schema.load(data)
    except ValidationError as err:
        problems = messages(err)
        assert problems and all(isinstance(k, str) and v and all(isinstance(m, str) for m in v)
                                for k, v in problems.items())
        return
    low, high = SCALES[metric]
    assert isinstance(answer["score"], int) and not isinstance(answer["score"], bool)
    assert low <= answer["score"] <= high
    assert isinstance(answer["token"], str) and answer["token"]
    assert answer["touchpoint"] in (None, *TOUCHPOINTS)
    assert answer["segment"] is None or TAG.match(answer["segment"])
    assert answer["comment"] is None or len(answer["comment"]) <= COMMENT_MAX
    if consent_mode == "anonymous" or not answer["consent"]:
        assert answer["contact"] is None
    if answer["contact"] is not None:
        assert answer["consent"] is True
        assert "@" in answer["contact"] and len(answer["contact"]) <= 254
        assert answer["contact"] == answer["contact"].lower()


@FAST
@given(metric=st.sampled_from(sorted(SCALES)), data=st.data())
def test_every_honest_answer_is_accepted(in_request, metric, data):
    low, high = SCALES[metric]
    score = data.draw(st.integers(low, high))
    sent = {"token": data.draw(st.text(min_size=1, max_size=40).filter(str.strip)),
            "score": data.draw(st.sampled_from([score, str(score), f" {score} "])),
            "touchpoint": data.draw(st.sampled_from([None, *TOUCHPOINTS])),
            "comment": data.draw(st.none() | st.text(max_size=COMMENT_MAX // 4))}
    contact = data.draw(st.none() | st.emails().filter(lambda e: len(e) <= 254))
    if contact:
        sent.update(consent=True, contact=contact)
    answer = VisitorResponseSchema(survey(metric, "optional")).load(sent)
    assert answer["score"] == score
    assert answer["touchpoint"] == sent["touchpoint"]
    assert answer["contact"] == (contact.lower() if contact else None)


# ---------------------------------------------------------------- the visitor's endpoint

TOKEN = re.compile(r'name="token" value="([^"]+)"')


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=answers, as_json=st.booleans())
@example(data={"score": "7\x1c"}, as_json=False)
@example(data={"score": "0\x1f"}, as_json=True)
def test_posting_any_answer_never_fails_the_server(client, make, data, as_json):
    target = make.survey(make.site(), consent_mode="optional", touchpoints=TOUCHPOINTS)
    page = client.get(f"/w/{target.id}").get_data(as_text=True)
    sent = {"token": TOKEN.search(page).group(1), **data}
    if as_json:
        response = client.post(f"/w/{target.id}/responses", json=sent,
                               headers={"Accept": "application/json"})
    else:
        form = {k: v if isinstance(v, str) else str(v) for k, v in sent.items()}
        response = client.post(f"/w/{target.id}/responses", data=form)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.status_code in (201, 303, 400, 409, 422), response.status_code


# ---------------------------------------------------------------- counts through the API

answer_rows = st.lists(
    st.tuples(st.integers(0, 730 * 24),  # hours back: two years, both DST changes each year
              st.integers(-2, 12),  # a few out-of-scale scores from bad imports
              st.sampled_from([*TOUCHPOINTS, "retour", None])),
    max_size=60)


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(metric=st.sampled_from(sorted(SCALES)), rows=answer_rows,
       interval=st.sampled_from(["day", "week", "month"]))
def test_score_counts_add_up_over_periods_and_touchpoints(client, make, metric, rows,
                                                          interval):
    site = make.site()
    target = make.survey(site, metric=metric, touchpoints=TOUCHPOINTS)
    now = utcnow().replace(minute=30, second=0, microsecond=0)
    Response.insert_many([{"survey": target.id, "score": score, "touchpoint": touchpoint,
                           "language": "nl", "created_at": now - dt.timedelta(hours=hours)}
                          for hours, score, touchpoint in rows]).execute()
    low, high = SCALES[metric]
    expected_n = sum(1 for _, score, _ in rows if low <= score <= high)
    assume(interval != "day" or len(rows) < 40)  # a day series over two years is long
    response = client.get(f"/api/v1/surveys/{target.id}/score?interval={interval}",
                          headers={"Authorization": f"Bearer {make.token(site)}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    assert report["n"] == expected_n
    assert sum(entry["n"] for entry in report["series"]) == expected_n
    assert sum(entry["n"] for entry in report["touchpoints"]) == expected_n
    assert sum(report["distribution"].values()) == expected_n
    if metric == "nps":
        assert report["promoters"] + report["passives"] + report["detractors"] == expected_n
    minimum, maximum = SCORE_RANGES[metric]
    for summary in [report, *report["series"], *report["touchpoints"]]:
        assert summary["score"] is None or minimum <= summary["score"] <= maximum
    periods = [entry["period"] for entry in report["series"]]
    assert periods == sorted(periods) and len(set(periods)) == len(periods)


def test_one_schema_serves_every_survey_with_the_same_rules(in_request):
    """Shared between answers (and threads): a schema keeps no state of an answer."""
    nps, same = survey("nps", "optional"), survey("nps", "optional")
    same.id = "t" * 16
    schema = VisitorResponseSchema.for_survey(nps)
    assert VisitorResponseSchema.for_survey(same) is schema
    assert VisitorResponseSchema.for_survey(survey("csat", "optional")) is not schema
    fewer = survey("nps", "optional")
    fewer.touchpoints = ["checkout"]
    assert VisitorResponseSchema.for_survey(fewer) is not schema
    with pytest.raises(ValidationError) as refused:
        VisitorResponseSchema.for_survey(fewer).load({"token": "t", "score": 3,
                                                      "touchpoint": TOUCHPOINTS[-1]})
    assert "touchpoint" in messages(refused.value)
    assert schema.load({"token": "t", "score": 3, "touchpoint": TOUCHPOINTS[-1]})["score"] == 3
