"""Storage limitation and data-subject requests: purge, forget, show-contact (CLI end to end)."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from server import cli
from server import db as database
from server.models import Response, UsedToken
from server.retention import forget, purge
from tests.conftest import TEST_KEY

NOW = dt.datetime(2026, 6, 15, 12, 0, 0)
SECRET_COMMENT = "Bezorger was onbeleefd, mijn naam is Piet Jansen"


def answer(survey, age: dt.timedelta, **fields) -> Response:
    return Response.create(survey=survey, score=fields.pop("score", 9),
                           created_at=NOW - age, **fields)


def test_purge_keeps_answers_just_inside_retention_and_deletes_those_just_outside(make):
    survey = make.survey(retention_days=30)
    inside = answer(survey, dt.timedelta(days=30) - dt.timedelta(seconds=1))
    boundary = answer(survey, dt.timedelta(days=30))
    outside = answer(survey, dt.timedelta(days=30, seconds=1))
    result = purge(now=NOW)
    remaining = {r.id for r in Response.select()}
    assert remaining == {inside.id, boundary.id}
    assert outside.id not in remaining
    assert result == {"deleted": 1, "tokens": 0, "invitations": 0}


def test_each_survey_keeps_its_own_retention(make):
    site = make.site()
    short = make.survey(site, retention_days=7)
    long = make.survey(site, retention_days=365)
    eight_days = dt.timedelta(days=8)
    gone = answer(short, eight_days)
    kept = answer(long, eight_days)
    old_in_long = answer(long, dt.timedelta(days=366))
    assert purge(now=NOW)["deleted"] == 2
    assert [r.id for r in Response.select()] == [kept.id]
    assert not Response.select().where(Response.id.in_([gone.id, old_in_long.id])).exists()


def test_expired_single_use_token_records_are_removed(make):
    UsedToken.create(token_id="spent-and-expired", expires_at=NOW - dt.timedelta(minutes=1))
    UsedToken.create(token_id="spent-still-valid", expires_at=NOW + dt.timedelta(minutes=1))
    assert purge(now=NOW)["tokens"] == 1
    assert [t.token_id for t in UsedToken.select()] == ["spent-still-valid"]


def test_answers_let_go_of_their_form_token_once_it_has_expired(make):
    survey = make.survey()
    old = answer(survey, dt.timedelta(hours=24, seconds=1), token_id="widget:expired")
    new = answer(survey, dt.timedelta(hours=23), token_id="widget:still-valid")
    assert purge(now=NOW)["tokens"] == 1
    assert Response.get_by_id(old.id).token_id is None
    assert Response.get_by_id(new.id).token_id == "widget:still-valid"


def test_forgotten_answers_leave_their_valid_form_tokens_spent(make):
    survey = make.survey()
    recent = answer(survey, dt.timedelta(hours=1), token_id="widget:recent",
                    contact="piet@example.nl")
    answer(survey, dt.timedelta(days=3), contact="piet@example.nl")  # its token is long gone
    kept = answer(survey, dt.timedelta(hours=1), token_id="widget:other",
                  contact="jan@example.nl")
    assert forget("Piet@Example.nl") == 2
    assert [r.id for r in Response.select()] == [kept.id]
    spent = UsedToken.get(UsedToken.token_id == "widget:recent")
    assert spent.expires_at == recent.created_at + dt.timedelta(hours=24)
    assert UsedToken.select().count() == 1


def test_purge_logs_counts_never_contents(make, caplog):
    survey = make.survey(retention_days=1)
    answer(survey, dt.timedelta(days=2), comment=SECRET_COMMENT, contact="piet@example.nl",
           consent_at=NOW - dt.timedelta(days=2), consent_version=1, score=3)
    with caplog.at_level(logging.INFO, logger="tevreden"):
        purge(now=NOW)
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("tevreden")]
    assert lines == ["purge: 1 responses past retention, 0 expired token records, "
                     "0 old invitations"]
    text = caplog.text
    for secret in ("Piet", "piet@example.nl", survey.id):
        assert secret not in text


def run_cli(app, capsys, monkeypatch, *argv: str) -> tuple[int, dict]:
    """`tevreden ARGS --json` in this process, against the test database; one JSON object."""
    monkeypatch.setenv("TEVREDEN_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("TEVREDEN_SECRET_KEY", TEST_KEY)
    monkeypatch.setenv("TEVREDEN_RATELIMIT", "off")
    database.db.close()  # the CLI binds and opens its own connection
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        cli.main([*argv, "--json"])
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == 1, out
    return exited.value.code, json.loads(out)


@pytest.fixture
def contact_answers(make):
    site = make.site()
    first, second = make.survey(site, consent_mode="optional"), make.survey(site)
    consent_at = dt.datetime(2026, 5, 1, 9, 30)
    mine = [
        Response.create(survey=first, score=4, comment="Snelle levering", touchpoint="checkout",
                        contact="klant@example.nl", consent_at=consent_at, consent_version=1),
        Response.create(survey=second, score=9, contact="klant@example.nl",
                        consent_at=consent_at, consent_version=1),
    ]
    other = Response.create(survey=first, score=10, contact="ander@example.nl",
                            consent_at=consent_at, consent_version=1)
    anonymous = Response.create(survey=first, score=7)
    return {"mine": mine, "other": other, "anonymous": anonymous, "first": first}


def test_show_contact_prints_everything_stored_for_the_address(app, capsys, monkeypatch,
                                                               contact_answers):
    code, data = run_cli(app, capsys, monkeypatch, "show-contact", "--contact",
                         "  Klant@Example.NL ")
    assert code == 0
    assert data["contact"] == "klant@example.nl"
    assert data["count"] == 2
    first = data["responses"][0]
    assert first == {
        "id": contact_answers["mine"][0].id, "survey": contact_answers["first"].id,
        "score": 4, "comment": "Snelle levering", "touchpoint": "checkout", "segment": None,
        "reference": None, "language": "nl", "created_at": first["created_at"],
        "consent_at": "2026-05-01T09:30:00Z", "consent_version": 1,
        "contact": "klant@example.nl", "followup": None, "followup_note": None,
        "followup_at": None, "followup_contacted_at": None, "followup_resolved_at": None,
    }
    assert {r["id"] for r in data["responses"]} == {r.id for r in contact_answers["mine"]}


def test_forget_erases_every_answer_with_the_contact_and_nothing_else(app, capsys, monkeypatch,
                                                                      contact_answers):
    code, data = run_cli(app, capsys, monkeypatch, "forget", "--contact", "KLANT@example.nl")
    assert (code, data) == (0, {"deleted": 2})
    remaining = {r.id for r in Response.select()}
    assert remaining == {contact_answers["other"].id, contact_answers["anonymous"].id}
    code, data = run_cli(app, capsys, monkeypatch, "show-contact", "--contact",
                         "klant@example.nl")
    assert data["count"] == 0 and data["responses"] == []
    code, data = run_cli(app, capsys, monkeypatch, "forget", "--contact", "klant@example.nl")
    assert (code, data) == (0, {"deleted": 0})


def test_purge_command_reports_the_count(app, capsys, monkeypatch, make):
    survey = make.survey(retention_days=1)
    Response.create(survey=survey, score=5, created_at=dt.datetime(2000, 1, 1))
    Response.create(survey=survey, score=6)
    code, data = run_cli(app, capsys, monkeypatch, "purge")
    assert code == 0 and data["deleted"] == 1
    assert Response.select().count() == 1


def test_forget_without_contact_is_one_json_error(app, capsys, monkeypatch):
    code, data = run_cli(app, capsys, monkeypatch, "forget")
    assert code != 0 and set(data) == {"error"} and "contact" in data["error"]
