"""The second step: comment, consent and contact added to the same answer, by its receipt."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from server.models import Response
from server.visitor.answers import receipt_for
from tests.api.test_responses import HTMX, JSON, answer
from tests.helpers import assert_error


@pytest.fixture
def survey(make):
    return make.survey(make.site(), consent_mode="optional")


def first_step(client, survey, score: int = 6) -> tuple[Response, str]:
    created = answer(client, survey, score=score)
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    return Response.get_by_id(body["id"]), body["receipt"].rsplit("/", 1)[1]


def second_step(client, survey, receipt: str, headers=JSON, **fields):
    return client.post(f"/w/{survey.id}/responses/{receipt}", json=fields, headers=headers)


def test_comment_consent_and_contact_are_added_to_the_answer(client, survey):
    response, receipt = first_step(client, survey)
    done = second_step(client, survey, receipt, comment="Snel en vriendelijk",
                       consent=True, contact=" Klant@Example.NL")
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()["id"] == response.id
    stored = Response.get_by_id(response.id)
    assert (stored.score, stored.comment, stored.contact) == (6, "Snel en vriendelijk",
                                                              "klant@example.nl")
    assert stored.consent_version == survey.consent_version
    assert stored.consent_at is not None and stored.updated_at is not None
    assert Response.select().count() == 1


def test_the_consent_version_is_the_one_current_when_given(client, survey):
    survey.set_consent_text("Nieuwe tekst", "New text")
    _, receipt = first_step(client, survey)
    second_step(client, survey, receipt, consent=True, contact="a@example.nl")
    assert Response.get().consent_version == 2


def test_a_comment_alone_stores_no_contact(client, survey):
    response, receipt = first_step(client, survey)
    assert second_step(client, survey, receipt, comment="Prima").status_code == 200
    stored = Response.get_by_id(response.id)
    assert stored.comment == "Prima" and stored.contact is None and stored.consent_at is None


def test_bad_details_are_refused_and_nothing_changes(client, survey):
    response, receipt = first_step(client, survey)
    for fields, field in [({"contact": "klant@example.nl"}, "contact"),
                          ({"consent": True}, "contact"),
                          ({"consent": True, "contact": "klant@"}, "contact"),
                          ({"comment": "x" * 2001}, "comment"),
                          ({"comment": ["lijst"]}, "comment")]:
        assert_error(second_step(client, survey, receipt, **fields), 422, "invalid", field)
    stored = Response.get_by_id(response.id)
    assert stored.comment is None and stored.contact is None and stored.updated_at is None


def test_an_anonymous_survey_takes_a_comment_but_no_contact(client, make):
    anonymous = make.survey(consent_mode="anonymous")
    response, receipt = first_step(client, anonymous)
    assert_error(second_step(client, anonymous, receipt, consent=True, contact="a@b.nl"),
                 422, "invalid", "contact")
    assert second_step(client, anonymous, receipt, comment="Goed").status_code == 200
    assert Response.get_by_id(response.id).comment == "Goed"


def test_after_24_hours_the_answer_is_closed(client, survey):
    response, receipt = first_step(client, survey)
    late = response.created_at - dt.timedelta(hours=24, minutes=1)
    Response.update(created_at=late).where(Response.id == response.id).execute()
    receipt = receipt_for(Response.get_by_id(response.id))
    refused = second_step(client, survey, receipt, comment="Te laat")
    assert "24" in assert_error(refused, 403, "forbidden")["message"]
    assert Response.get_by_id(response.id).comment is None
    page = client.get(f"/w/{survey.id}/responses/{receipt}")
    assert page.status_code == 403 and "24 uur" in page.get_data(as_text=True)


def test_within_24_hours_it_is_open(client, survey):
    response, _ = first_step(client, survey)
    almost = response.created_at - dt.timedelta(hours=23, minutes=59)
    Response.update(created_at=almost).where(Response.id == response.id).execute()
    receipt = receipt_for(Response.get_by_id(response.id))
    assert second_step(client, survey, receipt, comment="Net op tijd").status_code == 200


def test_forged_foreign_and_deleted_receipts_are_refused(client, survey, make):
    response, receipt = first_step(client, survey)
    assert_error(second_step(client, survey, receipt[:-3] + "xyz", comment="x"), 400)
    assert_error(second_step(client, survey, "garbage", comment="x"), 400)
    other = make.survey()
    assert_error(second_step(client, other, receipt, comment="x"), 404, "not_found")
    Response.delete().execute()
    assert_error(second_step(client, survey, receipt, comment="x"), 404, "not_found")


def test_a_receipt_never_opens_a_later_answer_with_the_same_id(client, survey):
    response, receipt = first_step(client, survey)
    Response.delete().execute()
    # SQLite may hand out the id again; the receipt is bound to its answer's creation time.
    Response.create(id=response.id, survey=survey, score=1,
                    created_at=response.created_at + dt.timedelta(seconds=1))
    assert_error(second_step(client, survey, receipt, comment="x"), 404)
    assert_error(client.get(f"/r/{receipt}", headers=JSON), 404)


def test_the_form_way_ends_with_thanks_and_the_receipt_link(client, survey):
    _, receipt = first_step(client, survey)
    for headers in (HTMX, {}):
        page = client.post(f"/w/{survey.id}/responses/{receipt}", headers=headers,
                           data={"comment": "Mooi", "contact": ""})
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "Bedankt voor je feedback!" in html
        assert f"http://tevreden.test/r/{receipt}" in html
        assert ("<html" in html) == (headers == {})


def test_skip_changes_nothing(client, survey):
    response, receipt = first_step(client, survey)
    page = client.post(f"/w/{survey.id}/responses/{receipt}", headers=HTMX,
                       data={"comment": "niet bewaren", "skip": "1"})
    assert page.status_code == 200
    assert Response.get_by_id(response.id).comment is None


def test_form_errors_keep_what_was_typed(client, survey):
    _, receipt = first_step(client, survey)
    page = client.post(f"/w/{survey.id}/responses/{receipt}", headers=HTMX,
                       data={"comment": "Mijn verhaal", "contact": "jan@example.nl"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and 'role="alert"' in html
    assert "Mijn verhaal</textarea>" in html and 'value="jan@example.nl"' in html
    assert re.search(r'id="contact"[^>]*aria-invalid="true"', html)
    assert "Vink het vakje aan" in html
