"""Themes: tagged when a comment is stored, counted as drivers, owners' own, filters."""

from __future__ import annotations

import pytest

from server.models import Response, Survey
from tests.api.apiutil import bearer
from tests.api.test_cli import as_json, tevreden  # noqa: F401  (the fixture)
from tests.api.test_responses import answer
from tests.api.test_responses_details import first_step, second_step
from tests.helpers import assert_error, run_queued


def stored(survey, score: int, comment: str | None) -> Response:
    from server.models.themes import comment_fields

    return Response.create(survey=survey, score=score, **comment_fields(survey, comment))


def test_a_comment_is_tagged_when_it_is_stored(client, survey, token):
    created = answer(client, survey, score=3, comment="Bezorging duurde te lang en de "
                                                       "retourlabel ontbrak")
    assert created.status_code == 201
    assert Response.get_by_id(created.get_json()["id"]).themes == ["delivery", "returns"]
    _response, receipt = first_step(client, survey)
    second_step(client, survey, receipt, comment="Betalen met iDEAL ging snel")
    items = client.get(f"/api/v1/surveys/{survey.id}/responses",
                       headers=bearer(token)).get_json()["items"]
    assert [item["themes"] for item in items] == [["payment"], ["delivery", "returns"]]


def test_the_responses_filter_by_theme_and_group(client, survey, token):
    stored(survey, 2, "Pakket te laat")
    stored(survey, 10, "Snel geleverd")
    stored(survey, 8, "Prijs is prima")
    stored(survey, 1, "Duur en traag")
    url = f"/api/v1/surveys/{survey.id}/responses"

    def comments(query):
        body = client.get(url + query, headers=bearer(token)).get_json()
        return [item["comment"] for item in body["items"]]

    assert comments("?theme=delivery") == ["Snel geleverd", "Pakket te laat"]
    assert comments("?theme=delivery&group=detractors") == ["Pakket te laat"]
    assert comments("?group=passives") == ["Prijs is prima"]
    assert comments("?theme=deliver") == []  # an id, never part of one
    assert comments("?theme=de_ivery") == []  # '_' is a letter here, not a wildcard
    assert_error(client.get(url + "?group=fans", headers=bearer(token)), 422, field="group")
    assert_error(client.get(url + "?theme=Not%20a%20tag", headers=bearer(token)), 422,
                 field="theme")


def test_drivers_compare_each_theme_with_the_other_comments(client, survey, token):
    for _ in range(30):
        stored(survey, 2, "Bezorging was veel te laat")
        stored(survey, 10, "Goede kwaliteit")
        stored(survey, 9, "Prima prijs")
    stored(survey, 10, None)  # no comment: not among n_comments
    body = client.get(f"/api/v1/surveys/{survey.id}/themes", headers=bearer(token)).get_json()
    assert body["n_comments"] == 90
    first = body["themes"][0]
    assert first["id"] == "delivery" and first["name"] == "Levering"
    assert (first["n"], first["share"], first["score"]) == (30, 0.333, -100.0)
    assert first["score_others"] == 100.0 and first["difference"] == -200.0
    assert first["significant"] is True and first["margin_of_error"] >= 0
    assert set(first) >= {"id", "name", "n", "share", "score", "margin_of_error",
                          "score_others", "difference", "significant"}
    payment = next(t for t in body["themes"] if t["id"] == "payment")
    assert payment["n"] == 0 and payment["score"] is None and not payment["significant"]


def test_drivers_follow_the_filters(client, survey, token):
    stored(survey, 2, "Te laat bezorgd")
    body = client.get(f"/api/v1/surveys/{survey.id}/themes?from=2030-01-01",
                      headers=bearer(token)).get_json()
    assert body["n_comments"] == 0
    assert_error(client.get(f"/api/v1/surveys/{survey.id}/themes?touchpoint=nergens",
                            headers=bearer(token)), 422, field="touchpoint")


def test_an_owners_theme_tags_old_and_new_comments(app, client, survey, token):
    old = stored(survey, 4, "De fietsbel was kapot")
    url = f"/api/v1/surveys/{survey.id}/themes/fietsen"
    done = client.put(url, json={"name": "Fietsen", "keywords": ["fiets", "e-bike"]},
                      headers=bearer(token))
    assert done.status_code == 202, done.get_data(as_text=True)
    assert done.get_json() == {"id": "fietsen", "name": "Fietsen", "keywords": ["fiets", "e-bike"],
                               "retagging": True}
    assert Response.get_by_id(old.id).themes == ["quality"]  # until the worker comes round
    assert run_queued(app) >= 1
    assert Response.get_by_id(old.id).themes == ["quality", "fietsen"]
    created = answer(client, survey, score=9, comment="Mijn nieuwe e-bike is top")
    assert Response.get_by_id(created.get_json()["id"]).themes == ["fietsen"]
    names = [t["id"] for t in client.get(f"/api/v1/surveys/{survey.id}/themes",
                                         headers=bearer(token)).get_json()["themes"]]
    assert "fietsen" in names and len(names) == 9
    removed = client.delete(url, headers=bearer(token))
    assert removed.status_code == 202
    assert removed.get_json() == {"id": "fietsen", "deleted": 1, "retagging": True}
    run_queued(app)
    assert Response.get_by_id(old.id).themes == ["quality"]
    assert_error(client.delete(url, headers=bearer(token)), 404)


def test_a_built_in_themes_words_can_be_changed_and_restored(app, client, survey, token):
    old = stored(survey, 4, "Pakket kwam via Homerr")
    url = f"/api/v1/surveys/{survey.id}/themes/delivery"
    client.put(url, json={"name": "Levering", "keywords": ["homerr"]}, headers=bearer(token))
    run_queued(app)
    assert Response.get_by_id(old.id).themes == ["delivery"]
    survey = Survey.get_by_id(survey.id)  # as the next request reads it: a newer version
    assert Response.get_by_id(stored(survey, 5, "Snel bezorgd").id).themes == []
    client.delete(url, headers=bearer(token))
    run_queued(app)
    assert Response.get_by_id(old.id).themes == ["delivery"]  # 'pakket' is a built-in word


@pytest.mark.parametrize("body", [{}, {"name": "X"}, {"name": "X", "keywords": []},
                                  {"name": "", "keywords": ["a"]}, {"name": "X", "keywords": "a"},
                                  {"name": "X", "keywords": ["a"], "extra": 1}])
def test_bad_themes_are_422(client, survey, token, body):
    assert_error(client.put(f"/api/v1/surveys/{survey.id}/themes/mine", json=body,
                            headers=bearer(token)), 422)


def test_another_sites_survey_is_404(client, make, survey):
    other = make.token(make.site())
    assert_error(client.get(f"/api/v1/surveys/{survey.id}/themes", headers=bearer(other)), 404)
    assert_error(client.put(f"/api/v1/surveys/{survey.id}/themes/x", headers=bearer(other),
                            json={"name": "X", "keywords": ["x"]}), 404)


def test_add_theme_on_the_command_line(tevreden, survey):  # noqa: F811
    old = stored(survey, 6, "Klantenservice en de fietsenmaker waren top")
    code, out, _ = tevreden("add-theme", "--survey", survey.id, "--id", "fietsen",
                            "--name", "Fietsen", "--keyword", "fiets", "--keyword", "e-bike",
                            "--json")
    assert code == 0, out
    assert as_json(out) == {"id": "fietsen", "survey": survey.id, "name": "Fietsen",
                            "keywords": ["fiets", "e-bike"], "changed": 1}
    assert Response.get_by_id(old.id).themes == ["service", "fietsen"]
    code, out, _ = tevreden("add-theme", "--survey", survey.id, "--id", "Fout!", "--name", "X",
                            "--keyword", "x", "--json")
    assert code != 0 and "error" in as_json(out)


def test_migrating_tags_the_comments_stored_before(app, survey):
    from playhouse.migrations import Runner

    from server import db as database

    answer = Response.create(survey=survey, score=3, comment="Pakket kwam te laat")
    runner = Runner(database.db.obj, directory=database.MIGRATIONS_DIR)
    try:
        assert "0011_themes" in runner.down("0011_themes")
        assert "themes" not in {c.name for c in database.db.get_columns("response")}
    finally:
        runner.up()
    assert Response.get_by_id(answer.id).themes == ["delivery"]


def test_a_theme_of_one_comment_gets_no_margin_and_no_verdict(client, survey, token):
    stored(survey, 0, "Bezorging te laat")  # the only comment about delivery
    for _ in range(40):
        stored(survey, 10, "Mooie kwaliteit")
        stored(survey, 9, "Goede prijs")
    body = client.get(f"/api/v1/surveys/{survey.id}/themes", headers=bearer(token)).get_json()
    delivery = next(t for t in body["themes"] if t["id"] == "delivery")
    assert (delivery["n"], delivery["score"]) == (1, -100.0)
    assert delivery["difference"] < -150  # the scores do differ ...
    assert delivery["margin_of_error"] is None and delivery["significant"] is False
    quality = next(t for t in body["themes"] if t["id"] == "quality")
    assert quality["margin_of_error"] is not None  # 40 against 41: enough to compare
