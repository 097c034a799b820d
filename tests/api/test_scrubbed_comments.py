"""Comments are stored scrubbed of e-mail addresses, phone numbers, IBANs and postcodes."""

from __future__ import annotations

from server.models import Response
from tests.api.test_responses import answer
from tests.api.test_responses_details import first_step, second_step

COMMENT = ("Pakket kwam niet, bel me op 06-12345678 of mail jan@example.nl. "
           "Geld terug op NL91 ABNA 0417 1643 00, adres 1234 AB. Order 2026123456, € 12,95.")
SCRUBBED = ("Pakket kwam niet, bel me op [phone] of mail [email]. "
            "Geld terug op [iban], adres [postcode]. Order 2026123456, € 12,95.")


def test_a_comment_with_the_score_is_stored_scrubbed(client, make):
    survey = make.survey()
    created = answer(client, survey, score=3, comment=COMMENT)
    assert created.status_code == 201, created.get_data(as_text=True)
    assert Response.get_by_id(created.get_json()["id"]).comment == SCRUBBED


def test_a_comment_added_later_is_stored_scrubbed_and_consented_contact_kept(client, make):
    survey = make.survey(consent_mode="optional")
    response, receipt = first_step(client, survey)
    done = second_step(client, survey, receipt, comment=COMMENT, consent=True,
                       contact="jan@example.nl")
    assert done.status_code == 200, done.get_data(as_text=True)
    stored = Response.get_by_id(response.id)
    assert stored.comment == SCRUBBED
    assert stored.contact == "jan@example.nl"  # given as contact, with consent: kept apart


def test_an_owner_may_turn_scrubbing_off(client, make):
    survey = make.survey(scrub_comments=False)
    created = answer(client, survey, score=3, comment=COMMENT)
    assert Response.get_by_id(created.get_json()["id"]).comment == COMMENT


def test_the_privacy_notice_says_comments_are_scrubbed(client, make):
    scrubbing = client.get(f"/privacy/{make.survey().id}?lang=en").get_data(as_text=True)
    assert "phone numbers, bank account numbers (IBAN) and postcodes" in scrubbing
    dutch = client.get(f"/privacy/{make.survey().id}?lang=nl").get_data(as_text=True)
    assert "telefoonnummers" in dutch
    plain = client.get(f"/privacy/{make.survey(scrub_comments=False).id}?lang=en")
    assert "bank account numbers" not in plain.get_data(as_text=True)


def test_the_setting_is_on_by_default_and_shown_in_the_api(client, make):
    survey = make.survey()
    token = make.token(survey.site)
    body = client.get(f"/api/v1/surveys/{survey.id}",
                      headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["scrub_comments"] is True
