"""A change to a survey or its site shows in the very next widget page, however it is made."""

from __future__ import annotations

import re

import pytest

from server import db as database
from server.models import Response, Site, Survey
from tests.api.test_dashboard import post
from tests.api.test_dashboard_manage import settings_form
from tests.conftest import PG_URL
from tests.helpers import assert_error

postgres_only = pytest.mark.skipif(not PG_URL, reason="needs TEVREDEN_TEST_DATABASE_URL")


def page(client, survey_id: str):
    return client.get(f"/w/{survey_id}", headers={"Accept": "text/html"})


@pytest.mark.parametrize("change", ["query", "save", "save-only", "site", "delete"])
def test_every_write_through_the_models_is_seen_at_once(client, make, change):
    survey = make.survey(question_nl="Eerste vraag?")
    for _ in range(2):  # rendered once, then served from what was kept
        assert page(client, survey.id).status_code == 200
    if change == "query":
        Survey.update(question_nl="Tweede vraag?").where(Survey.id == survey.id).execute()
    elif change == "save":
        survey.question_nl = "Tweede vraag?"
        survey.save()
    elif change == "save-only":
        survey.question_nl = "Tweede vraag?"
        survey.save(only=[Survey.question_nl])
    elif change == "site":
        Site.update(name="Nieuwe naam").where(Site.id == survey.site_id).execute()
    else:
        Survey.delete().where(Survey.id == survey.id).execute()
    response = page(client, survey.id)
    if change == "delete":
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        expected = "Nieuwe naam" if change == "site" else "Tweede vraag?"
        assert expected in response.get_data(as_text=True)


def test_every_change_bumps_the_version(make):
    survey = make.survey()
    versions = [Survey.get_by_id(survey.id).version]
    Survey.update(name="Ander").where(Survey.id == survey.id).execute()
    versions.append(Survey.get_by_id(survey.id).version)
    survey.save()
    versions.append(Survey.get_by_id(survey.id).version)
    assert versions == sorted(set(versions))


def test_closed_and_unknown_surveys_are_not_found(client, make):
    survey = make.survey()
    Survey.update(active=False).where(Survey.id == survey.id).execute()
    for _ in range(2):
        assert page(client, survey.id).status_code == 404
        assert page(client, "does-not-exist").status_code == 404


def test_closing_a_survey_in_the_dashboard_closes_the_widget(client, owner_survey):  # noqa: F811
    assert page(client, owner_survey.id).status_code == 200
    response = post(client, f"/dashboard/surveys/{owner_survey.id}/settings",
                    settings_form(owner_survey, active=None))
    assert response.status_code == 302
    assert page(client, owner_survey.id).status_code == 404


@pytest.fixture
def other_connection(database_url):
    """A connection of its own, as another instance or someone in psql would have."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@postgres_only
def test_a_change_made_elsewhere_is_seen_by_the_next_request(client, make, other_connection):
    survey = make.survey(question_nl="Eerste vraag?")
    for _ in range(2):
        assert page(client, survey.id).status_code == 200
    other_connection.execute("UPDATE survey SET question_nl = 'Tweede vraag?', "
                             "version = version + 1 WHERE id = %s", (survey.id,))
    assert "Tweede vraag?" in page(client, survey.id).get_data(as_text=True)
    other_connection.execute("UPDATE survey SET active = false WHERE id = %s", (survey.id,))
    assert page(client, survey.id).status_code == 404


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@postgres_only
def test_a_dead_pooled_connection_is_replaced(client, make, other_connection):
    survey = make.survey()
    assert page(client, survey.id).status_code == 200
    pid = database.db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    database.db.close()  # the connection back to the pool, as after a request
    # As a restarted server would: the pooled connection dies while it waits.
    other_connection.execute("SELECT pg_terminate_backend(%s)", (pid,))
    for _ in range(2):
        assert page(client, survey.id).status_code == 200


def form_token(client, survey_id: str) -> str:
    html = page(client, survey_id).get_data(as_text=True)
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def answer(client, survey_id: str, token: str, **fields):
    return client.post(f"/w/{survey_id}/responses", json={"token": token, "score": 9, **fields},
                       headers={"Accept": "application/json"})


@pytest.mark.parametrize("change", ["close", "delete"])
def test_a_survey_closed_after_its_form_was_shown_takes_no_answer(client, make, change):
    survey = make.survey()
    token = form_token(client, survey.id)
    if change == "close":
        Survey.update(active=False).where(Survey.id == survey.id).execute()
    else:
        Survey.delete().where(Survey.id == survey.id).execute()
    assert_error(answer(client, survey.id, token), 404)
    assert Response.select().count() == 0


def test_a_form_shown_before_a_change_is_answered_once_and_a_new_form_follows_the_change(
        client, make):
    survey = make.survey(touchpoints=["checkout"])
    old_token = form_token(client, survey.id)
    survey.touchpoints = ["checkout", "bezorging"]
    survey.save()
    new_token = form_token(client, survey.id)
    assert answer(client, survey.id, old_token, touchpoint="checkout").status_code == 201
    assert answer(client, survey.id, new_token, touchpoint="bezorging").status_code == 201
    assert_error(answer(client, survey.id, old_token), 409)
    assert sorted(r.touchpoint for r in Response.select()) == ["bezorging", "checkout"]
