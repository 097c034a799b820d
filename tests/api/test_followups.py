"""Follow-up: which answers get one, the owner's moves and their times, the loop's figures."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest

from server import db as database
from server.models import Response
from tests.api.apiutil import answer, bearer
from tests.api.test_responses import answer as widget_answer
from tests.helpers import assert_error

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def survey(make):
    return make.survey(make.site(), metric="nps", consent_mode="optional")


def listed(client, survey, token) -> dict:
    body = client.get(f"/api/v1/surveys/{survey.id}/responses", headers=bearer(token))
    assert body.status_code == 200, body.get_data(as_text=True)
    return {item["id"]: item for item in body.get_json()["items"]}


def patch(client, survey, response_id, token, body):
    return client.patch(f"/api/v1/surveys/{survey.id}/responses/{response_id}", json=body,
                        headers=bearer(token))


@pytest.mark.parametrize("metric, unhappy, content", [
    ("nps", [0, 6], [7, 10]), ("csat", [1, 2], [3, 5]), ("ces", [1, 3], [4, 7])])
def test_unhappy_answers_start_open_and_the_others_have_none(client, make, metric, unhappy,
                                                              content):
    survey = make.survey(make.site(), metric=metric)
    ids = {score: widget_answer(client, survey, score=score).get_json()["id"]
           for score in unhappy + content}
    items = listed(client, survey, make.token(survey.site, "export"))
    assert {score: items[i]["followup"] for score, i in ids.items()} == {
        **{score: "open" for score in unhappy}, **{score: None for score in content}}
    opened = items[ids[unhappy[0]]]
    assert opened["followup_at"] == opened["created_at"] and opened["followup_note"] is None


def test_consent_to_be_contacted_opens_a_follow_up_also_in_the_second_step(client, make,
                                                                          survey):
    at_once = widget_answer(client, survey, score=10, consent=True, contact="an@example.nl")
    later = widget_answer(client, survey, score=9)
    receipt = later.get_json()["receipt"].rsplit("/", 1)[1]
    skipped = widget_answer(client, survey, score=9)
    step = client.post(f"/w/{survey.id}/responses/{receipt}",
                       json={"consent": True, "contact": "bo@example.nl"},
                       headers={"Accept": "application/json"})
    assert step.status_code == 200, step.get_data(as_text=True)
    items = listed(client, survey, make.token(survey.site, "export"))
    assert items[at_once.get_json()["id"]]["followup"] == "open"
    assert items[later.get_json()["id"]]["followup"] == "open"
    assert items[skipped.get_json()["id"]]["followup"] is None


def test_moves_keep_the_first_contact_and_date_the_resolution(client, make, survey,
                                                               monkeypatch):
    given = dt.datetime(2026, 3, 2, 9, 0)
    response = answer(survey, 3, given, followup="open", followup_at=given)
    token = make.token(survey.site, "export")
    clock = {"now": given + 5 * HOUR}
    monkeypatch.setattr("server.models.responses.utcnow", lambda: clock["now"])

    first = patch(client, survey, response.id, token, {"followup": "contacted",
                                                        "note": "Gebeld, pakket komt morgen"})
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json()["followup"] == "contacted"
    assert first.get_json()["followup_note"] == "Gebeld, pakket komt morgen"
    assert first.get_json()["followup_contacted_at"] == "2026-03-02T14:00:00Z"
    assert first.get_json()["followup_at"] == "2026-03-02T14:00:00Z"

    clock["now"] = given + 30 * HOUR  # contacted again: the first contact stays, the note too
    again = patch(client, survey, response.id, token, {"followup": "contacted"}).get_json()
    assert again["followup_contacted_at"] == "2026-03-02T14:00:00Z"
    assert again["followup_at"] == "2026-03-03T15:00:00Z"
    assert again["followup_note"] == "Gebeld, pakket komt morgen"

    clock["now"] = given + 50 * HOUR
    resolved = patch(client, survey, response.id, token,
                     {"followup": "resolved", "note": "Opgelost"}).get_json()
    assert resolved["followup_resolved_at"] == "2026-03-04T11:00:00Z"
    assert resolved["followup_contacted_at"] == "2026-03-02T14:00:00Z"

    clock["now"] = given + 60 * HOUR  # reopened: no longer resolved, first contact kept
    reopened = patch(client, survey, response.id, token,
                     {"followup": "open", "note": ""}).get_json()
    assert reopened["followup"] == "open" and reopened["followup_resolved_at"] is None
    assert reopened["followup_contacted_at"] == "2026-03-02T14:00:00Z"
    assert reopened["followup_note"] is None
    assert listed(client, survey, token)[response.id]["followup"] == "open"


def test_resolving_without_contact_sets_no_contact_time(client, make, survey):
    response = answer(survey, 2, followup="open")
    body = patch(client, survey, response.id, make.token(survey.site, "export"),
                 {"followup": "resolved"}).get_json()
    assert body["followup"] == "resolved" and body["followup_contacted_at"] is None
    assert body["followup_resolved_at"] is not None


def test_another_owners_survey_or_answer_is_a_404(client, make, survey):
    token = make.token(survey.site, "export")
    other = make.survey(make.site(), metric="nps")
    theirs = answer(other, 1, followup="open")
    assert_error(patch(client, other, theirs.id, token, {"followup": "contacted"}), 404)
    # Their answer's id under one's own survey is no better.
    assert_error(patch(client, survey, theirs.id, token, {"followup": "contacted"}), 404)
    assert_error(patch(client, survey, 2**40, token, {"followup": "contacted"}), 404)
    assert Response.get_by_id(theirs.id).followup == "open"


def test_a_read_token_changes_nothing(client, make, survey):
    response = answer(survey, 1, followup="open")
    refused = patch(client, survey, response.id, make.token(survey.site, "read"),
                    {"followup": "resolved", "note": "x"})
    assert_error(refused, 403, code="insufficient_scope")
    stored = Response.get_by_id(response.id)
    assert (stored.followup, stored.followup_note, stored.followup_at) == ("open", None, None)
    assert_error(client.patch(f"/api/v1/surveys/{survey.id}/responses/{response.id}",
                              json={"followup": "resolved"}), 401)


@pytest.mark.parametrize("body, field", [
    ({"followup": "done"}, "followup"), ({"followup": None}, "followup"), ({}, "followup"),
    ({"followup": "contacted", "note": "x" * 2001}, "note"),
    ({"followup": "contacted", "extra": 1}, "extra")])
def test_bad_values_are_422_and_change_nothing(client, make, survey, body, field):
    response = answer(survey, 1, followup="open")
    token = make.token(survey.site, "export")
    assert_error(patch(client, survey, response.id, token, body), 422, field=field)
    assert Response.get_by_id(response.id).followup == "open"


def test_an_answer_without_follow_up_cannot_be_marked(client, make, survey):
    happy = answer(survey, 10)
    token = make.token(survey.site, "export")
    assert_error(patch(client, survey, happy.id, token, {"followup": "contacted"}), 422,
                 field="followup")
    not_json = client.patch(f"/api/v1/surveys/{survey.id}/responses/{happy.id}",
                            data="followup=contacted", headers=bearer(token))
    assert_error(not_json, 400)


def test_the_note_is_shown_to_export_tokens_only(client, make, survey):
    response = answer(survey, 1, followup="contacted", followup_note="Belde met Jan")
    read = listed(client, survey, make.token(survey.site, "read"))[response.id]
    assert read["followup"] == "contacted" and "followup_note" not in read
    export = listed(client, survey, make.token(survey.site, "export"))[response.id]
    assert export["followup_note"] == "Belde met Jan"


def followups(client, survey, token, query=""):
    body = client.get(f"/api/v1/surveys/{survey.id}/score{query}", headers=bearer(token))
    assert body.status_code == 200, body.get_data(as_text=True)
    return body.get_json()["followups"]


def test_the_loop_figures_count_the_period_s_answers(client, make, survey):
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    day = now - dt.timedelta(days=10)
    waits = [2, 10, 47, 49, 100]  # hours to first contact
    for hours in waits[:3]:
        answer(survey, 4, day, followup="contacted", followup_contacted_at=day + hours * HOUR)
    for hours in waits[3:]:
        answer(survey, 5, day, followup="resolved", followup_contacted_at=day + hours * HOUR,
               followup_resolved_at=day + 200 * HOUR)
    answer(survey, 6, day, followup="resolved", followup_resolved_at=day + HOUR)  # no contact
    answer(survey, 0, day, followup="open")  # overdue: open for ten days
    answer(survey, 1, now - HOUR, followup="open")  # still within its 48 hours
    answer(survey, 9, day)  # no follow-up
    answer(survey, 2, now - dt.timedelta(days=400), followup="open")  # outside the period
    token = make.token(survey.site, "read")
    first = (now - dt.timedelta(days=30)).date().isoformat()
    figures = followups(client, survey, token, f"?from={first}")
    in_time = 3  # 2, 10 and 47 hours; 49 and 100 are late, and so is the overdue open one
    decided = len(waits) + 1
    assert figures == {
        "open": 2, "contacted": 3, "resolved": 3,
        "median_hours_to_contact": statistics.median(waits),
        "within_48h_percent": round(100 * in_time / decided, 1)}
    everything = followups(client, survey, token)
    assert everything["open"] == 3
    assert everything["within_48h_percent"] == round(100 * in_time / (decided + 1), 1)


def test_no_follow_ups_give_empty_figures(client, make, survey):
    answer(survey, 9)
    assert followups(client, survey, make.token(survey.site)) == {
        "open": 0, "contacted": 0, "resolved": 0, "median_hours_to_contact": None,
        "within_48h_percent": None}


def test_the_migration_opens_follow_ups_for_answers_stored_before_it(app, make):
    from playhouse.migrations import Runner

    nps = make.survey(make.site(), metric="nps")
    csat = make.survey(make.site(), metric="csat")
    runner = Runner(database.db.obj, directory=database.MIGRATIONS_DIR)
    assert runner.down(target="0022_response_followup")[-1] == "0022_response_followup"
    try:
        given = dt.datetime(2026, 1, 5, 12, 0)
        rows = [(nps, 6, None), (nps, 7, None), (nps, 9, "a@example.nl"), (csat, 2, None),
                (csat, 3, None)]
        Response.insert_many(
            [{"survey": s.id, "score": score, "contact": contact, "created_at": given,
              "language": "nl"} for s, score, contact in rows]).execute()
    finally:
        runner.up()
    stored = (Response.select(Response.score, Response.followup, Response.followup_at)
              .order_by(Response.id).tuples())
    assert list(stored) == [(6, "open", given), (7, None, None), (9, "open", given),
                            (2, "open", given), (3, None, None)]

