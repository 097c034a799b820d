"""?q= searches comments with the database's own full-text engine, always in sync."""

from __future__ import annotations

import datetime as dt

import pytest

from server import db as database
from server.models import Response, Survey, utcnow
from server.retention import forget, purge
from tests.api.apiutil import bearer
from tests.api.test_api_themes import stored
from tests.api.test_responses_details import first_step, second_step
from tests.helpers import assert_error


@pytest.fixture
def survey(make):
    return make.survey(make.site(), metric="nps", consent_mode="optional")


@pytest.fixture
def search(client, make, survey):
    token = make.token(survey.site)

    def search(query: str, extra: str = "") -> list[str]:
        response = client.get(f"/api/v1/surveys/{survey.id}/responses",
                              query_string={"q": query}, headers=bearer(token))
        assert response.status_code == 200, response.get_data(as_text=True)
        return [item["comment"] for item in response.get_json()["items"]]

    return search


def test_words_are_found_in_their_forms(search, survey):
    stored(survey, 3, "De bezorger kwam veel te laat")
    stored(survey, 9, "Snel bezorgd, mooie prijzen")
    stored(survey, 8, "Retourneren ging makkelijk")
    stored(survey, 7, None)
    assert search("bezorging") == ["Snel bezorgd, mooie prijzen", "De bezorger kwam veel te laat"]
    assert search("bezorgd prijs") == ["Snel bezorgd, mooie prijzen"]  # every word
    assert search("RETOUR") == ["Retourneren ging makkelijk"]
    assert search("fiets") == []


def test_odd_queries_find_nothing_or_everything_never_fail(search, survey):
    stored(survey, 3, "Prima")
    for query in ('"', "' OR 1=1 --", "NEAR(a b)", "a:*", "*", "%_", "\\", "é", "!!!"):
        assert search(query) in ([], ["Prima"]), query


def test_search_combines_with_theme_and_group(client, make, survey):
    stored(survey, 2, "Pakket te laat, slechte service")
    stored(survey, 10, "Pakket snel, goede service")
    token = make.token(survey.site)
    body = client.get(f"/api/v1/surveys/{survey.id}/responses?q=service&group=detractors"
                      "&theme=delivery", headers=bearer(token)).get_json()
    assert [item["score"] for item in body["items"]] == [2]
    assert_error(client.get(f"/api/v1/surveys/{survey.id}/responses?q={'x' * 201}",
                            headers=bearer(token)), 422, field="q")


def test_the_index_follows_added_comments_erasure_purge_and_deletion(client, search, survey):
    response, receipt = first_step(client, survey)
    assert search("verpakking") == []
    second_step(client, survey, receipt, comment="Verpakking was kapot", consent=True,
                contact="jan@example.nl")
    assert search("verpakking") == ["Verpakking was kapot"]
    forget("jan@example.nl")
    assert search("verpakking") == []
    old = stored(survey, 5, "Oude klacht over de verpakking")
    Response.update(created_at=utcnow() - dt.timedelta(days=400)).where(
        Response.id == old.id).execute()
    purge()
    assert search("verpakking") == []
    stored(survey, 5, "Nieuwe verpakking")
    Survey.delete().where(Survey.id == survey.id).execute()
    if not database.is_postgres():
        rows = database.db.execute_sql("SELECT count(*) FROM response_search "
                                       "WHERE response_search MATCH 'verpakking'").fetchone()
        assert rows[0] == 0


def test_search_uses_the_databases_index(app):
    from server.reports.search import text_search

    sql, params = Response.select(Response.id).where(*text_search("bezorging")).sql()
    if database.is_postgres():
        database.db.execute_sql("SET enable_seqscan = off")
        plan = " ".join(r[0] for r in database.db.execute_sql(f"EXPLAIN {sql}", params))
        database.db.execute_sql("RESET enable_seqscan")
        assert "response_comment_search" in plan, plan
    else:
        plan = " ".join(str(r) for r in database.db.execute_sql(
            f"EXPLAIN QUERY PLAN {sql}", params))
        assert "VIRTUAL TABLE INDEX" in plan, plan
