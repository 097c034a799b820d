"""Receipts: the respondent sees everything stored and deletes it, with the receipt as the key."""

from __future__ import annotations

import pytest

from server.models import Response
from server.retention import describe
from server.signing import sign
from server.visitor.answers import receipt_for
from tests.api.test_responses import JSON, answer, token_for
from tests.helpers import assert_error


@pytest.fixture
def survey(make):
    site = make.site(name="Fietsenwinkel Jansen")
    return make.survey(site, consent_mode="optional", touchpoints=["checkout"])


@pytest.fixture
def given(client, survey):
    """An answer with everything filled in, and its receipt."""
    created = answer(client, survey, score=8, comment="Goede <b>service</b>", consent=True,
                     contact="jan@example.nl", touchpoint="checkout", segment="b2c")
    assert created.status_code == 201
    body = created.get_json()
    return Response.get_by_id(body["id"]), body["receipt"].rsplit("/", 1)[1]


def test_the_receipt_shows_everything_stored(client, survey, given):
    response, receipt = given
    page = client.get(f"/r/{receipt}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for text in ("Fietsenwinkel Jansen", "8 op een schaal van 0 tot en met 10",
                 "Goede &lt;b&gt;service&lt;/b&gt;", "<dd>Checkout</dd>", "b2c", "jan@example.nl",
                 "versie 1", survey.consent_text().text_nl, "Verwijder mijn antwoord",
                 f"/privacy/{survey.id}", "nooit bewaard"):
        assert text in html, text
    assert "<b>service" not in html
    assert client.get(f"/r/{receipt}", headers=JSON).get_json() == describe(response)


def test_the_receipt_speaks_english_for_an_english_answer(client, survey):
    from tests.api.test_responses import token_for

    created = answer(client, survey, token=token_for(client, survey, "?lang=en"), score=4)
    receipt = created.get_json()["receipt"].rsplit("/", 1)[1]
    html = client.get(f"/r/{receipt}").get_data(as_text=True)
    assert '<html lang="en">' in html and "Delete my answer" in html


def test_deleting_asks_for_confirmation_first(client, given):
    response, receipt = given
    confirm = client.post(f"/r/{receipt}", data={"action": "delete"})
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Je antwoord verwijderen?" in html
    assert 'name="confirm" value="yes"' in html
    assert Response.get_or_none(Response.id == response.id) is not None


def test_a_confirmed_deletion_removes_the_answer(client, given):
    response, receipt = given
    done = client.post(f"/r/{receipt}", data={"action": "delete", "confirm": "yes"})
    assert done.status_code == 200 and "Je antwoord is verwijderd" in done.get_data(as_text=True)
    assert Response.get_or_none(Response.id == response.id) is None
    gone = client.get(f"/r/{receipt}")
    assert gone.status_code == 404 and "verwijderd" in gone.get_data(as_text=True)
    assert_error(client.get(f"/r/{receipt}", headers=JSON), 404, "not_found")


def test_an_erased_answer_leaves_its_form_spent(client, survey):
    token = token_for(client, survey)
    created = answer(client, survey, token=token, score=8)
    receipt = created.get_json()["receipt"].rsplit("/", 1)[1]
    assert client.post(f"/r/{receipt}", json={"action": "delete", "confirm": True},
                       headers=JSON).status_code == 200
    assert Response.select().count() == 0
    assert_error(answer(client, survey, token=token, score=2), 409, "conflict")
    assert Response.select().count() == 0


def test_json_clients_delete_with_confirm_or_delete(client, survey, given):
    response, receipt = given
    assert_error(client.post(f"/r/{receipt}", json={"action": "delete"}, headers=JSON),
                 422, field="confirm")
    deleted = client.post(f"/r/{receipt}", json={"action": "delete", "confirm": True},
                          headers=JSON)
    assert deleted.get_json() == {"deleted": 1}
    other = answer(client, survey, score=2).get_json()["receipt"].rsplit("/", 1)[1]
    assert client.delete(f"/r/{other}", headers=JSON).get_json() == {"deleted": 1}
    assert Response.select().count() == 0
    assert_error(client.delete(f"/r/{other}", headers=JSON), 404)


def test_consent_can_be_withdrawn_and_the_address_goes(client, given):
    response, receipt = given
    page = client.post(f"/r/{receipt}", data={"action": "withdraw"})
    assert page.status_code == 200 and "ingetrokken" in page.get_data(as_text=True)
    stored = Response.get_by_id(response.id)
    assert stored.contact is None and stored.consent_at is None and stored.consent_version is None
    assert stored.score == 8 and stored.comment


def test_an_unknown_action_is_refused(client, given):
    _, receipt = given
    assert_error(client.post(f"/r/{receipt}", json={"action": "explode"}, headers=JSON),
                 422, field="action")


def test_forged_receipts_are_refused(client, given):
    _, genuine = given
    for receipt in ("garbage", "WzEsIjIwMjUiXQ.aaaa.bbbb", "a" * 300, genuine[:-4] + "AAAA"):
        assert_error(client.get(f"/r/{receipt}", headers=JSON), 400)
        assert client.get(f"/r/{receipt}").status_code == 400
        assert_error(client.post(f"/r/{receipt}", json={"action": "delete", "confirm": True},
                                 headers=JSON), 400)
    assert Response.select().count() == 1


def test_tokens_of_other_purposes_are_not_receipts(client, given):
    response, _ = given
    for token in (sign("widget", [response.id, response.created_at.isoformat()]),
                  sign("invite", [response.id, response.created_at.isoformat()]),
                  sign("receipt", response.id), sign("receipt", ["1", "x"])):
        assert client.get(f"/r/{token}", headers=JSON).status_code in (400, 404)
    assert Response.select().count() == 1


def test_a_receipt_page_is_private(client, given):
    _, receipt = given
    page = client.get(f"/r/{receipt}")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in page.headers["X-Robots-Tag"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in page.headers


def test_receipts_survive_a_key_rotation(app, client, given):
    response, receipt = given
    app.config["SECRET_KEYS"] = ["a-brand-new-key-" + "y" * 32, *app.config["SECRET_KEYS"]]
    assert client.get(f"/r/{receipt}").status_code == 200
    assert receipt_for(response) != receipt


def test_a_comment_given_is_changed_from_the_receipt_not_overwritten_blindly(client, survey,
                                                                            given):
    response, receipt = given
    page = client.get(f"/r/{receipt}").get_data(as_text=True)
    assert "Wijzig je opmerking" in page and "Voeg een opmerking toe" not in page
    form = client.get(f"/w/{survey.id}/responses/{receipt}").get_data(as_text=True)
    # The comment given is in the box, to change, and the counter counts it.
    assert ">Goede &lt;b&gt;service&lt;/b&gt;</textarea>" in form
    assert "<span data-count>20</span>/2000" in form
    changed = client.post(f"/w/{survey.id}/responses/{receipt}", headers=JSON,
                          json={"comment": "Goede service, snelle levering"})
    assert changed.status_code == 200
    assert Response.get_by_id(response.id).comment == "Goede service, snelle levering"


def test_an_answer_without_a_comment_offers_to_add_one(client, survey):
    created = answer(client, survey, score=9).get_json()
    receipt = created["receipt"].rsplit("/", 1)[1]
    assert "Voeg een opmerking toe" in client.get(f"/r/{receipt}").get_data(as_text=True)
    form = client.get(f"/w/{survey.id}/responses/{receipt}").get_data(as_text=True)
    assert "></textarea>" in form
