"""API tokens and AVG requests in the dashboard."""

from __future__ import annotations

import re

import pytest

from server.models import ApiToken, Response, utcnow
from tests.api.test_dashboard import post, signed_in_site


@pytest.fixture
def site(client, make):
    return signed_in_site(client, make)


def test_create_a_token_shows_it_once_and_stores_only_its_hash(client, site):
    response = post(client, f"/dashboard/sites/{site.id}/tokens",
                    {"name": "webshop", "scope": "export"})
    page = response.get_data(as_text=True)
    assert response.status_code == 201
    plain = re.search(r'value="(tvr_[^"]+)"', page).group(1)
    token = ApiToken.get(ApiToken.site == site)
    assert (token.name, token.scope) == ("webshop", "export")
    assert token.token_hash == ApiToken.digest(plain) and plain not in token.token_hash
    listing = client.get(f"/dashboard/sites/{site.id}/tokens").get_data(as_text=True)
    assert "webshop" in listing and plain not in listing
    assert "nooit" in listing  # never used yet


def test_the_token_list_shows_last_use(client, site, make):
    make.token(site)
    token = ApiToken.get(ApiToken.site == site)
    token.last_used_at = utcnow()
    token.save()
    page = client.get(f"/dashboard/sites/{site.id}/tokens").get_data(as_text=True)
    assert "nooit" not in page


def test_revoke_a_token(client, site, make):
    make.token(site)
    token = ApiToken.get(ApiToken.site == site)
    response = post(client, f"/dashboard/sites/{site.id}/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert ApiToken.get_by_id(token.id).revoked_at is not None
    page = client.get(response.location).get_data(as_text=True)
    assert "ingetrokken" in page
    assert f"/tokens/{token.id}/revoke" not in page  # no second revoke button


def test_revoking_an_unknown_token_is_404(client, site):
    assert post(client, f"/dashboard/sites/{site.id}/tokens/999/revoke").status_code == 404


@pytest.mark.parametrize("form,field", [
    ({"name": "x" * 101, "scope": "read"}, "name"),
    ({"name": "ok", "scope": "admin"}, "scope"),
    ({"name": "ok"}, "scope"),
])
def test_token_form_explains_mistakes(client, site, form, field):
    response = post(client, f"/dashboard/sites/{site.id}/tokens", form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert ApiToken.select().count() == 0


@pytest.fixture
def answers(site, make):
    survey = make.survey(site, consent_mode="optional")
    other_site = make.site(site.owner, name="Tweede winkel")
    elsewhere = make.survey(other_site, consent_mode="optional")
    now = utcnow()
    for target, comment in ((survey, "Graag terugbellen <b>snel</b>"), (survey, "Nog iets"),
                            (elsewhere, "Andere winkel")):
        Response.create(survey=target, score=4, comment=comment, contact="klant@example.nl",
                        consent_at=now, consent_version=1)
    Response.create(survey=survey, score=9, comment="anoniem")
    return survey, elsewhere


def test_privacy_lookup_shows_what_is_stored_for_an_address(client, site, answers):
    response = post(client, f"/dashboard/sites/{site.id}/privacy",
                    {"action": "lookup", "contact": " Klant@Example.nl "})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 antwoorden" in page
    assert "Graag terugbellen &lt;b&gt;snel&lt;/b&gt;" in page
    assert "Andere winkel" not in page and "anoniem" not in page.split("<h2")[-1]


def test_privacy_erase_needs_confirmation_then_erases_within_the_site(client, site, answers):
    survey, elsewhere = answers
    url = f"/dashboard/sites/{site.id}/privacy"
    refused = post(client, url, {"action": "erase", "contact": "klant@example.nl"})
    assert refused.status_code == 422 and 'id="confirm-error"' in refused.get_data(as_text=True)
    assert Response.select().where(Response.contact.is_null(False)).count() == 3
    done = post(client, url, {"action": "erase", "contact": "klant@example.nl",
                              "confirm": "yes"})
    # Post/redirect/get: a reload shows the page again, it does not erase again.
    assert done.status_code == 303 and done.location == f"{url}?erased=2"
    page = client.get(done.location).get_data(as_text=True)
    assert "2 antwoorden gewist" in page and "klant@example.nl" not in page
    for odd in ("-1", "x", "²", "9" * 20):
        assert "gewist" not in client.get(f"{url}?erased={odd}").get_data(as_text=True)
    assert Response.select().where(Response.survey == survey).count() == 1  # the anonymous one
    assert Response.select().where(Response.survey == elsewhere).count() == 1


def test_privacy_lookup_needs_an_email_address(client, site):
    response = post(client, f"/dashboard/sites/{site.id}/privacy",
                    {"action": "lookup", "contact": "niet een adres"})
    assert response.status_code == 422
    assert 'id="contact-error"' in response.get_data(as_text=True)
