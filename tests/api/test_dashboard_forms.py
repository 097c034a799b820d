"""The dashboard's forms say exactly what to change, and take what an owner naturally types."""

from __future__ import annotations

from server.models import Survey
from tests.api.test_dashboard import post, quick_owner, sign_in
from tests.api.test_dashboard_manage import settings_form


def test_an_origin_without_https_says_to_add_it(client):
    sign_in(client, quick_owner())
    response = post(client, "/dashboard/sites/new",
                    {"name": "Bakkerij", "origins": "bakkerij.nl", "contact_email": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Zet https:// voor bakkerij.nl, dus https://bakkerij.nl." in page


def test_touchpoints_typed_as_words_become_tags(client, make):
    owner = quick_owner()
    survey = make.survey(make.site(owner))
    sign_in(client, owner)
    form = settings_form(survey, touchpoints="Bezorging, Na de levering, Klantenservice é")
    assert post(client, f"/dashboard/surveys/{survey.id}/settings", form).status_code == 302
    assert Survey.get_by_id(survey.id).touchpoints == ["bezorging", "na-de-levering",
                                                       "klantenservice-e"]


def test_a_missing_page_leads_back_to_the_surveys(client):
    sign_in(client, quick_owner())
    page = client.get("/dashboard/surveys/bestaat-niet").get_data(as_text=True)
    assert 'href="/dashboard/"' in page or 'href="/dashboard"' in page
    assert "Terug naar uw enquêtes" in page
