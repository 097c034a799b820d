"""Consent is versioned per survey: a new wording is a new version, old ones stay readable."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import IntegrityError

from server import db as database
from server.models import ConsentText, Response, Survey
from server.retention import purge, show_contact


def test_a_new_survey_starts_with_version_1_in_both_languages(make):
    survey = make.survey(make.site(name="Fietsenmaker Bos"), consent_mode="optional")
    first = survey.consent_text()
    assert (survey.consent_version, first.version) == (1, 1)
    assert "Fietsenmaker Bos" in first.text_nl and "Fietsenmaker Bos" in first.text_en


def test_changing_the_text_makes_a_new_version_and_keeps_the_old(make):
    survey = make.survey(consent_mode="optional")
    original = survey.consent_text()
    second = survey.set_consent_text("Bel me maar.", "Call me.")
    third = survey.set_consent_text("Mail me maar.", "Mail me.")
    assert (second.version, third.version) == (2, 3)
    reloaded = Survey.get_by_id(survey.id)
    assert reloaded.consent_version == 3
    assert reloaded.consent_text().text_en == "Mail me."
    assert reloaded.consent_text(1).text_nl == original.text_nl
    assert reloaded.consent_text(2).text_nl == "Bel me maar."
    assert ConsentText.select().where(ConsentText.survey == survey).count() == 3


def test_saving_the_same_wording_again_is_not_a_new_version(make):
    survey = make.survey(consent_mode="optional")
    second = survey.set_consent_text("Bel me maar.", "Call me.")
    again = survey.set_consent_text("Bel me maar.", "Call me.")
    assert again.id == second.id and Survey.get_by_id(survey.id).consent_version == 2


def test_versions_count_per_survey(make):
    site = make.site()
    one, two = make.survey(site), make.survey(site)
    one.set_consent_text("A", "A")
    one.set_consent_text("B", "B")
    assert two.set_consent_text("C", "C").version == 2


def test_a_version_number_cannot_be_used_twice(make):
    survey = make.survey()
    with pytest.raises(IntegrityError), database.db.atomic():
        ConsentText.create(survey=survey, version=1, text_nl="x", text_en="x")


def test_an_answer_keeps_the_wording_it_was_given_under(make):
    survey = make.survey(consent_mode="optional")
    agreed_at = dt.datetime(2026, 3, 1, 10, 0)
    response = Response.create(survey=survey, score=8, contact="klant@example.nl",
                               consent_at=agreed_at, consent_version=survey.consent_version)
    survey.set_consent_text("Nieuwe tekst", "New text")
    stored = Response.get_by_id(response.id)
    assert (stored.consent_version, stored.consent_at) == (1, agreed_at)
    assert survey.consent_text(stored.consent_version).text_nl.startswith("Ja, ")
    assert show_contact("klant@example.nl")["responses"][0]["consent_version"] == 1


def test_purging_answers_keeps_the_consent_texts_they_pointed_at(make):
    survey = make.survey(consent_mode="optional", retention_days=1)
    Response.create(survey=survey, score=8, contact="klant@example.nl",
                    consent_at=dt.datetime(2020, 1, 1), consent_version=1,
                    created_at=dt.datetime(2020, 1, 1))
    survey.set_consent_text("Nieuw", "New")
    assert purge()["deleted"] == 1
    assert [c.version for c in ConsentText.select().where(ConsentText.survey == survey)
            .order_by(ConsentText.version)] == [1, 2]


def test_an_answer_through_the_widget_records_the_version_shown_and_the_time(client, make):
    import re

    from server.models import utcnow

    survey = make.survey(consent_mode="optional")
    survey.set_consent_text("Bel me maar.", "Call me.")
    page = client.get(f"/w/{survey.id}").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    before = utcnow()
    created = client.post(f"/w/{survey.id}/responses",
                          json={"token": token, "score": 7, "consent": True,
                                "contact": "klant@example.nl"},
                          headers={"Accept": "application/json"})
    assert created.status_code == 201, created.get_json()
    stored = Response.get_by_id(created.get_json()["id"])
    assert stored.consent_version == 2
    assert before - dt.timedelta(seconds=1) <= stored.consent_at <= utcnow()
    assert survey.consent_text(stored.consent_version).text_en == "Call me."


@pytest.mark.parametrize(("mode", "consent"), [("optional", False), ("anonymous", True)])
def test_a_contact_without_consent_or_in_an_anonymous_survey_is_refused(client, make, mode,
                                                                       consent):
    import re

    from tests.helpers import assert_error

    survey = make.survey(consent_mode=mode)
    page = client.get(f"/w/{survey.id}").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    refused = client.post(f"/w/{survey.id}/responses",
                          json={"token": token, "score": 7, "consent": consent,
                                "contact": "klant@example.nl"},
                          headers={"Accept": "application/json"})
    assert_error(refused, 422, "invalid", field="contact")
    assert not Response.select().where(Response.contact == "klant@example.nl").exists()
