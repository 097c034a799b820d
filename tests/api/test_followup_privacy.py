"""What respondents are told about the follow-up: on the receipt, in the widget and in the
privacy notice, in Dutch and English."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from server.models import Response
from tests.api.apiutil import bearer
from tests.api.test_privacy_notice import section
from tests.api.test_responses import HTMX, token_for
from tests.api.test_responses import answer as widget_answer


@pytest.fixture
def survey(make):
    site = make.site(name="Bakkerij de Vries", contact_email="privacy@bakkerij.nl")
    return make.survey(site, metric="nps", consent_mode="optional")


def receipt(client, created, lang="en") -> str:
    page = client.get(urlsplit(created.get_json()["receipt"]).path + f"?lang={lang}",
                      headers={"Accept": "text/html"})
    assert page.status_code == 200, page.get_data(as_text=True)
    return page.get_data(as_text=True)


def test_the_receipt_shows_the_follow_up_and_the_shop_s_note(client, make, survey):
    created = widget_answer(client, survey, score=8, consent=True, contact="an@example.nl")
    token = make.token(survey.site, "export")
    marked = client.patch(f"/api/v1/surveys/{survey.id}/responses/{created.get_json()['id']}",
                          json={"followup": "contacted", "note": "Gebeld over de taart"},
                          headers=bearer(token))
    assert marked.status_code == 200
    html = receipt(client, created)
    assert "Bakkerij de Vries may contact you about this feedback at this address" in html
    assert "Gebeld over de taart" in html and "The shop&#39;s note" in html
    assert "First contacted" in html
    dutch = receipt(client, created, "nl")
    assert "Notitie van de winkel" in dutch and "contact opgenomen" in dutch


def test_an_anonymous_unhappy_answer_is_followed_up_without_contact(client, survey):
    html = receipt(client, widget_answer(client, survey, score=2))
    assert "It cannot contact you, because you left no contact details." in html
    assert "open: the shop has not replied yet" in html


def test_a_content_anonymous_answer_shows_no_follow_up(client, survey):
    html = receipt(client, widget_answer(client, survey, score=9))
    assert "Follow-up" not in html and "may contact you" not in html
    assert Response.select().where(Response.followup.is_null(False)).count() == 0


def test_the_contact_field_says_what_the_address_is_for(client, survey):
    step = client.post(f"/w/{survey.id}/responses",
                       data={"token": token_for(client, survey), "score": "9"}, headers=HTMX)
    assert step.status_code == 201, step.get_data(as_text=True)
    html = step.get_data(as_text=True)
    assert 'aria-describedby="contact-hint"' in html
    assert "Alleen om contact met je op te nemen over deze feedback." in html


def test_the_privacy_notice_says_what_happens_with_a_consented_contact(client, survey):
    english = client.get(f"/privacy/{survey.id}?lang=en").get_data(as_text=True)
    stored = section(english, "stored")
    assert "Bakkerij de Vries may contact you about this feedback" in stored
    assert "no newsletters or advertising" in stored
    assert "a short note the shop keeps about what was done" in stored
    dutch = section(client.get(f"/privacy/{survey.id}").get_data(as_text=True), "stored")
    assert "mag Bakkerij de Vries contact met je opnemen over deze feedback" in dutch
    assert "een korte notitie van de winkel" in dutch


def test_withdrawn_consent_ends_a_content_answer_s_untouched_follow_up(client, survey):
    content = widget_answer(client, survey, score=9, consent=True, contact="an@example.nl")
    unhappy = widget_answer(client, survey, score=4, consent=True, contact="bo@example.nl")
    for created in (content, unhappy):
        withdrawn = client.post(urlsplit(created.get_json()["receipt"]).path,
                                json={"action": "withdraw"})
        assert withdrawn.status_code == 200 and withdrawn.get_json()["contact"] is None
    assert Response.get_by_id(content.get_json()["id"]).followup is None
    assert Response.get_by_id(unhappy.get_json()["id"]).followup == "open"
