"""Widget requests keep survey rows in memory, and never serve one that changed."""

from __future__ import annotations

import pytest

from server import db as database
from server import widget
from server.models import Site, Survey
from tests.api.test_dashboard import post
from tests.api.test_dashboard_manage import owner_survey, settings_form  # noqa: F401 (fixture)
from tests.api.test_responses import JSON, token_for
from tests.conftest import PG_URL


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


def test_a_row_is_kept_while_nothing_changes(client, make, reads):
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
    assert reads == []


def test_a_kept_row_gives_the_models_peewee_gives(app, make):
    """active_survey builds Survey and Site from the row itself: as peewee's query does."""
    survey = make.survey(make.site(origins=["https://shop.example.nl"]),
                         touchpoints=["checkout", "levering"], question_en="How was it?")
    queried = Survey.select(Survey, Site).join(Site).where(Survey.id == survey.id).get()
    for _ in range(2):  # read, then kept
        with app.test_request_context(f"/w/{survey.id}"):
            built = widget.active_survey(survey.id)
        assert built.__data__ == queried.__data__
        assert built.site.__data__ == queried.site.__data__
        assert built.site_id == queried.site.id and built.__rel__["site"] is built.site
        assert not built.is_dirty() and not built.site.is_dirty()
        built.touchpoints.append("elders")  # a request's change stays its own
    with app.test_request_context(f"/w/{survey.id}"):
        assert widget.active_survey(survey.id).touchpoints == ["checkout", "levering"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_page_from_a_kept_row_takes_no_connection_on_sqlite(client, make, monkeypatch):
    survey = make.survey()
    for _ in range(2):
        assert page(client, survey.id).status_code == 200
    taken = []
    connect, lock = database.db.obj.connect, database.db.obj.write_lock

    def counting(*args, **kwargs):
        taken.append("in the write lock" if getattr(lock.local, "held", False) else "before")
        return connect(*args, **kwargs)

    monkeypatch.setattr(database.db.obj, "connect", counting)
    token = token_for(client, survey)  # a page, from the kept row
    assert taken == []
    assert client.post(f"/w/{survey.id}/responses", headers=JSON,
                       json={"token": token, "score": 9}).status_code == 201
    assert taken == ["before"]  # the answer takes one, not while other writers wait for it
    assert database.db.is_closed()  # and gives it back


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


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_generation_is_a_file_beside_the_database(app, make, tmp_path):
    generation = database.db.obj.generation
    before = generation.read()
    make.survey()
    after = generation.read()
    assert len(after) == database.Generation.SIZE and after != before
    assert generation.path == database.db.obj.database + "-surveys"


# PostgreSQL: the generation is a number that triggers renew, read as a pooled connection is
# taken (in the round trip that checks it is alive).

postgres_only = pytest.mark.parametrize("database_url", [pytest.param(
    "postgres", marks=pytest.mark.skipif(not PG_URL, reason="no TEVREDEN_TEST_DATABASE_URL"))],
    indirect=True)


@pytest.fixture
def other_connection(database_url):
    """A connection of its own, as another machine or someone in psql would have."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


def stored_generation(conn) -> int:
    return conn.execute(database.CheckedGeneration.QUERY).fetchone()[0]


@postgres_only
def test_triggers_renew_the_generation_with_every_committed_change(make, other_connection):
    conn = other_connection
    before = stored_generation(conn)
    survey = make.survey()
    assert stored_generation(conn) > before
    for statement in ("UPDATE survey SET question_nl = 'Nieuw?' WHERE id = %s",
                      "UPDATE site SET name = 'Nieuw' WHERE id = "
                      "(SELECT site_id FROM survey WHERE id = %s)"):
        before = stored_generation(conn)
        conn.execute(statement, (survey.id,))
        assert stored_generation(conn) == before + 1
    # Not before the change is committed: a reader in between would keep the old row.
    before = stored_generation(conn)
    with conn.transaction():
        conn.execute("UPDATE survey SET active = false WHERE id = %s", (survey.id,))
        with database.connection():
            assert database.db.execute_sql(
                database.CheckedGeneration.QUERY).fetchone()[0] == before
    assert stored_generation(conn) == before + 1
    # Deleting an owner deletes its sites and surveys: the cascade counts too.
    before = stored_generation(conn)
    conn.execute('DELETE FROM "owner" WHERE id = (SELECT owner_id FROM site WHERE id = '
                 "(SELECT site_id FROM survey WHERE id = %s))", (survey.id,))
    assert stored_generation(conn) > before


@postgres_only
def test_a_change_made_elsewhere_is_seen_by_the_next_request(client, make, reads,
                                                              other_connection):
    survey = make.survey(question_nl="Eerste vraag?")
    for _ in range(2):
        assert page(client, survey.id).status_code == 200
    reads.clear()
    assert page(client, survey.id).status_code == 200
    assert reads == []
    other_connection.execute("UPDATE survey SET question_nl = 'Tweede vraag?' WHERE id = %s",
                             (survey.id,))
    response = page(client, survey.id)
    assert "Tweede vraag?" in response.get_data(as_text=True)
    assert reads == [survey.id]
    other_connection.execute("UPDATE survey SET active = false WHERE id = %s", (survey.id,))
    assert page(client, survey.id).status_code == 404


@postgres_only
def test_a_dead_pooled_connection_is_replaced(client, make, other_connection):
    survey = make.survey()
    assert page(client, survey.id).status_code == 200
    database.db.close()  # the fixture's connection back to the pool, as after a request
    # As a restarted server would: every idle pooled connection of this process dies.
    pids = [conn.info.backend_pid for _, _, conn in database.db.obj._connections]
    assert pids
    other_connection.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) pid",
                             (pids,))
    for _ in range(2):
        assert page(client, survey.id).status_code == 200


@postgres_only
def test_before_the_migration_connections_are_used_and_nothing_is_kept(other_connection):
    import psycopg

    schema = "tevreden_unmigrated"
    conn = other_connection
    conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    try:
        conn.execute(f'SET search_path = "{schema}"')
        generation = database.CheckedGeneration("test")
        generation.check(conn)
        assert generation.read() is None
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        conn.execute(f'DROP SCHEMA "{schema}"')
