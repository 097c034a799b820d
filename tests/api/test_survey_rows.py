"""Widget requests keep survey rows in memory on SQLite, and never serve one that changed."""

from __future__ import annotations

import pytest

from server import db as database
from server import widget
from server.models import Site, Survey
from tests.api.test_dashboard import post
from tests.api.test_dashboard_manage import owner_survey, settings_form  # noqa: F401 (fixture)
from tests.api.test_responses import JSON, token_for


@pytest.fixture
def reads(monkeypatch):
    """How many times the widget read a survey row from the database."""
    counted = []
    read = widget.read_survey_row

    def counting(survey_id):
        counted.append(survey_id)
        return read(survey_id)

    monkeypatch.setattr(widget, "read_survey_row", counting)
    return counted


@pytest.fixture
def bumps(monkeypatch):
    """How many times the shared generation was renewed."""
    counted = []
    bump = database.Generation.bump

    def counting(self):
        counted.append(self.path)
        bump(self)

    monkeypatch.setattr(database.Generation, "bump", counting)
    return counted


def page(client, survey_id: str):
    return client.get(f"/w/{survey_id}", headers={"Accept": "text/html"})


def test_a_row_is_kept_while_nothing_changes_on_sqlite(client, make, reads):
    survey = make.survey(question_nl="Hoe was het afrekenen?")
    # The first request ends by marking the factory's writes committed; the next reads anew.
    for _ in range(2):
        assert page(client, survey.id).status_code == 200
    reads.clear()
    for _ in range(3):
        response = page(client, survey.id)
        assert response.status_code == 200
        assert "Hoe was het afrekenen?" in response.get_data(as_text=True)
    token = token_for(client, survey)
    assert client.post(f"/w/{survey.id}/responses", headers=JSON,
                       json={"token": token, "score": 9}).status_code == 201
    # PostgreSQL may serve several machines: there, every request reads.
    assert len(reads) == (5 if database.is_postgres() else 0)


@pytest.mark.parametrize("change", ["query", "save", "site", "delete"])
def test_every_write_through_the_models_is_seen_at_once(client, make, reads, change):
    survey = make.survey(question_nl="Eerste vraag?")
    assert page(client, survey.id).status_code == 200
    if change == "query":
        Survey.update(question_nl="Tweede vraag?").where(Survey.id == survey.id).execute()
    elif change == "save":
        survey.question_nl = "Tweede vraag?"
        survey.save()
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


def test_closed_and_unknown_surveys_are_not_kept(client, make, reads):
    survey = make.survey()
    Survey.update(active=False).where(Survey.id == survey.id).execute()
    for _ in range(2):
        assert page(client, survey.id).status_code == 404
        assert page(client, "does-not-exist").status_code == 404
    assert len(reads) == 4


def test_a_change_in_the_dashboard_is_marked_again_after_it_is_committed(
        client, owner_survey, reads, bumps):  # noqa: F811 (fixture)
    assert page(client, owner_survey.id).status_code == 200
    bumps.clear()
    response = post(client, f"/dashboard/surveys/{owner_survey.id}/settings",
                    settings_form(owner_survey, active=None))
    assert response.status_code == 302
    if database.is_postgres():
        assert bumps == []
    else:
        # Once when written, once at the end of the request: a row read by another worker
        # in between (before the commit) is not kept under the newer generation.
        assert len(bumps) >= 2
    assert page(client, owner_survey.id).status_code == 404


def test_kept_rows_expire(client, make, reads, monkeypatch):
    monkeypatch.setattr(widget.SurveyRows, "MAX_AGE", 0.0)
    survey = make.survey()
    for _ in range(2):
        assert page(client, survey.id).status_code == 200
    assert len(reads) == 2


def test_without_the_generation_file_nothing_is_kept(client, make, reads, monkeypatch):
    monkeypatch.setattr(database.Generation, "read", lambda self: None)
    survey = make.survey()
    for _ in range(2):
        assert page(client, survey.id).status_code == 200
    assert len(reads) == 2


def test_the_generation_is_a_file_beside_the_database(app, make, tmp_path):
    generation = getattr(database.db.obj, "generation", None)
    if database.is_postgres():
        assert generation is None
        return
    before = generation.read()
    make.survey()
    after = generation.read()
    assert len(after) == database.Generation.SIZE and after != before
    assert generation.path == database.db.obj.database + "-surveys"
