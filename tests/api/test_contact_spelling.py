"""One address, however it is typed: contacts are stored and looked up in NFKC, case-folded,
in the widget, the CLI, the API and the dashboard; answers stored before are folded too."""

from __future__ import annotations

import importlib

import pytest

from server import db as database
from server.models import Response, utcnow
from tests.api.apiutil import bearer
from tests.api.test_dashboard import post, quick_owner, sign_in
from tests.api.test_responses import answer
from tests.api.test_retention import run_cli

# Full-width letters and at sign, a compatibility ligature, the German sharp s, odd spaces.
SPELLINGS = {
    "full@example.nl": ["ＦＵＬＬ@example.nl", "ｆｕｌｌ＠ＥＸＡＭＰＬＥ.nl",
                        " FULL@Example.NL\u3000"],
    "office@example.nl": ["o\ufb03ce@example.nl", "OFFICE@EXAMPLE.NL"],
    "strasse@example.nl": ["Straße@example.nl", "STRASSE@example.nl"],
}


@pytest.fixture
def survey(make):
    owner = quick_owner()
    return make.survey(make.site(owner), consent_mode="optional")


@pytest.mark.parametrize("folded", SPELLINGS)
def test_an_address_is_stored_in_one_spelling_and_found_by_any(app, client, capsys,
                                                               monkeypatch, make, survey,
                                                               folded):
    first, *others = SPELLINGS[folded]
    created = answer(client, survey, score=3, consent=True, contact=first)
    assert created.status_code == 201, created.get_data(as_text=True)
    assert Response.get_by_id(created.get_json()["id"]).contact == folded
    for spelling in [folded, first, *others]:
        code, data = run_cli(app, capsys, monkeypatch, "show-contact", "--contact", spelling)
        assert (code, data["contact"], data["count"]) == (0, folded, 1), spelling
        found = client.get("/api/v1/contacts", query_string={"contact": spelling},
                           headers=bearer(make.token(survey.site, "export")))
        assert found.status_code == 200 and found.get_json()["count"] == 1, spelling
    sign_in(client, survey.site.owner)
    page = post(client, f"/dashboard/sites/{survey.site_id}/privacy",
                {"action": "lookup", "contact": others[-1]})
    assert page.status_code == 200 and "1 antwoord" in page.get_data(as_text=True)
    code, data = run_cli(app, capsys, monkeypatch, "forget", "--contact", others[0])
    assert (code, data) == (0, {"deleted": 1})


def test_the_second_step_stores_the_folded_address(client, survey):
    receipt = answer(client, survey, score=9).get_json()["receipt"].rsplit("/", 1)[1]
    added = client.post(f"/w/{survey.id}/responses/{receipt}",
                        json={"consent": True, "contact": "Ｊａｎ@Example.nl"},
                        headers={"Accept": "application/json"})
    assert added.status_code == 200, added.get_data(as_text=True)
    assert Response.get_by_id(added.get_json()["id"]).contact == "jan@example.nl"


def test_addresses_stored_before_are_folded_and_stay_findable(app, capsys, monkeypatch, survey):
    # As answers were stored before: trimmed and lower-cased, full-width letters kept.
    old = [Response.create(survey=survey, score=2, contact=contact, consent_at=utcnow(),
                           consent_version=1)
           for contact in ("ｆｕｌｌ@example.nl", "straße@example.nl", "plain@example.nl")]
    migration = importlib.import_module("migrations.0009_response_contact_folded")
    migration.up(None, database.db.obj)
    assert [Response.get_by_id(r.id).contact for r in old] == [
        "full@example.nl", "strasse@example.nl", "plain@example.nl"]
    code, data = run_cli(app, capsys, monkeypatch, "show-contact", "--contact",
                         "ＦＵＬＬ@example.nl")
    assert data["count"] == 1 and data["responses"][0]["id"] == old[0].id
    code, data = run_cli(app, capsys, monkeypatch, "forget", "--contact", "STRASSE@example.nl")
    assert data == {"deleted": 1}


def test_invitations_fold_addresses_as_answers_do():
    from server.models.invitations import normalise_email

    assert normalise_email(" ＡＮＮＡ@Example.nl ") == "anna@example.nl"
