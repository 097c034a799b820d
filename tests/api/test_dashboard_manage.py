"""Managing in the dashboard: sites, surveys, settings with consent versions, target."""

from __future__ import annotations

import datetime as dt

import pytest

from server.models import ConsentText, Site, Survey
from tests.api.test_dashboard import post


def settings_form(survey: Survey, **changes) -> dict:
    consent = survey.consent_text()
    form = {
        "name": survey.name, "lang": "nl", "question_nl": "", "question_en": "",
        "touchpoints": "checkout, klantenservice", "consent_mode": "optional",
        "retention_days": "180", "recontact_days": "30", "sample_percent": "50",
        "active": "on", "origins": "https://shop.example.nl\nhttps://WWW.shop.example.nl/pad",
        "consent_nl": consent.text_nl, "consent_en": consent.text_en,
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_settings_form_shows_the_current_settings(client, owner_survey):
    page = client.get(f"/dashboard/surveys/{owner_survey.id}/settings").get_data(as_text=True)
    assert 'value="Na het afrekenen"' in page
    assert "checkout, klantenservice" in page
    assert "https://shop.example.nl" in page


def test_saving_settings_updates_survey_and_site(client, owner_survey):
    response = post(client, f"/dashboard/surveys/{owner_survey.id}/settings",
                    settings_form(owner_survey, question_en="How likely are you to?",
                                  touchpoints="checkout, retour, checkout"))
    assert response.status_code == 302 and response.location.endswith("saved=1")
    survey = Survey.get_by_id(owner_survey.id)
    assert (survey.retention_days, survey.recontact_days, survey.sample_percent) == (180, 30, 50)
    assert survey.touchpoints == ["checkout", "retour"]
    assert survey.consent_mode == "optional"
    assert survey.question_nl is None and survey.question_en == "How likely are you to?"
    assert Site.get_by_id(survey.site_id).origins == ["https://shop.example.nl",
                                                      "https://www.shop.example.nl"]
    assert survey.consent_version == 1  # the consent text itself did not change
    page = client.get(response.location).get_data(as_text=True)
    assert "Instellingen opgeslagen" in page


def test_unticking_active_pauses_the_survey(client, owner_survey):
    post(client, f"/dashboard/surveys/{owner_survey.id}/settings",
         settings_form(owner_survey, active=None))
    assert Survey.get_by_id(owner_survey.id).active is False


@pytest.mark.parametrize("field,value,message", [
    ("retention_days", "0", "1 tot 3650"),
    ("retention_days", "veel", "1 tot 3650"),
    ("recontact_days", "-1", "0 tot 3650"),
    ("sample_percent", "101", "1 tot 100"),
    ("touchpoints", "!!!", "kleine letters"),
    ("origins", "ftp://shop.nl", "https://www.example.nl"),
    ("origins", "", "https://www.example.nl"),
    ("name", "", "1 tot 200"),
    ("consent_mode", "always", "anoniem"),
    ("consent_nl", "", "toestemmingstekst"),
    ("consent_en", "x" * 1001, "toestemmingstekst"),
    ("question_nl", "?" * 301, "300"),
])
def test_invalid_settings_are_explained_next_to_the_field(client, owner_survey, field, value,
                                                          message):
    before = Survey.get_by_id(owner_survey.id).retention_days
    response = post(client, f"/dashboard/surveys/{owner_survey.id}/settings",
                    settings_form(owner_survey, **{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert f'aria-describedby="{field}-error"' in page or f'{field}-hint {field}-error' in page
    assert Survey.get_by_id(owner_survey.id).retention_days == before  # nothing saved


def test_settings_survive_any_input(client, owner_survey):
    response = post(client, f"/dashboard/surveys/{owner_survey.id}/settings",
                    {"retention_days": "1e400", "sample_percent": "NaN", "touchpoints": "café",
                     "origins": "http://[::1", "lang": "fr"})
    assert response.status_code == 422


def test_a_changed_consent_text_is_a_new_version_and_history_stays(client, owner_survey):
    url = f"/dashboard/surveys/{owner_survey.id}/settings"
    post(client, url, settings_form(owner_survey, consent_nl="Ja, mail me gerust."))
    survey = Survey.get_by_id(owner_survey.id)
    assert survey.consent_version == 2
    assert survey.consent_text().text_nl == "Ja, mail me gerust."
    assert ConsentText.select().where(ConsentText.survey == survey).count() == 2
    post(client, url, settings_form(survey))  # unchanged text: no new version
    assert Survey.get_by_id(owner_survey.id).consent_version == 2
    page = client.get(url).get_data(as_text=True)
    assert "Ja, mail me gerust." in page
    assert "Snelle" not in page and "mag mij over deze feedback contact opnemen" in page


def test_create_a_survey_for_a_site(client, owner_survey):
    site_id = owner_survey.site_id
    response = post(client, f"/dashboard/sites/{site_id}/surveys/new",
                    {"metric": "csat", "name": "Na contact", "lang": "en",
                     "touchpoints": "support,chat"})
    assert response.status_code == 302
    survey = Survey.get(Survey.name == "Na contact")
    assert (survey.metric, survey.default_language, survey.touchpoints) == (
        "csat", "en", ["support", "chat"])
    assert survey.consent_text() is not None
    assert response.location == f"/dashboard/surveys/{survey.id}/install?created=1"
    page = client.get(response.location).get_data(as_text=True)
    assert f'data-survey="{survey.id}"' in page.replace("&#34;", '"').replace("&quot;", '"')
    assert "Tevreden.show" in page and "data-mode" in page


def test_creating_a_survey_checks_the_metric(client, owner_survey):
    response = post(client, f"/dashboard/sites/{owner_survey.site_id}/surveys/new",
                    {"metric": "stars", "touchpoints": ""})
    assert response.status_code == 422
    assert 'id="metric-error"' in response.get_data(as_text=True)


def test_add_a_site(client, owner_survey):
    response = post(client, "/dashboard/sites/new",
                    {"name": "Tweede winkel", "origins": "https://twee.example.nl",
                     "contact_email": ""})
    site = Site.get(Site.name == "Tweede winkel")
    assert response.location == f"/dashboard/sites/{site.id}/surveys/new"
    assert site.owner_id == owner_survey.site.owner_id
    assert site.contact_email == owner_survey.site.owner.email
    bad = post(client, "/dashboard/sites/new", {"name": "", "origins": "geen-url"})
    assert bad.status_code == 422 and 'id="origins-error"' in bad.get_data(as_text=True)


def test_install_page_shows_the_snippet_escaped_and_copyable(client, owner_survey):
    page = client.get(f"/dashboard/surveys/{owner_survey.id}/install").get_data(as_text=True)
    assert "&lt;script src=&#34;http://tevreden.test/embed.js&#34;" in page
    assert 'data-copy="snippet-1"' in page
    assert "/static/dashboard.js" in page


def test_set_a_target_against_a_baseline(client, owner_survey):
    url = f"/dashboard/surveys/{owner_survey.id}/target"
    response = post(client, url, {"target": "27,5", "due": "2030-06-30",
                                  "baseline_from": "2025-01-01", "baseline_to": "2025-03-31"})
    assert response.status_code == 302
    survey = Survey.get_by_id(owner_survey.id)
    assert survey.target_value == 27.5 and survey.target_due == dt.date(2030, 6, 30)
    assert survey.baseline_from == dt.date(2025, 1, 1)
    assert survey.target_set_at is not None
    page = client.get(response.location).get_data(as_text=True)
    assert "Doel opgeslagen" in page and "+28" in page
    cleared = post(client, url, {"action": "clear"})
    assert cleared.status_code == 302
    assert Survey.get_by_id(owner_survey.id).target_value is None


@pytest.mark.parametrize("form,field", [
    ({"target": "150", "due": "2030-01-01"}, "target"),
    ({"target": "veel", "due": "2030-01-01"}, "target"),
    ({"target": "20", "due": ""}, "due"),
    ({"target": "20", "due": "2030-01-01", "baseline_from": "2025-01-01"}, "baseline_to"),
    ({"target": "20", "due": "2025-02-01", "baseline_from": "2025-01-01",
      "baseline_to": "2025-03-01"}, "due"),
])
def test_target_form_explains_mistakes(client, owner_survey, form, field):
    response = post(client, f"/dashboard/surveys/{owner_survey.id}/target", form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert Survey.get_by_id(owner_survey.id).target_value is None


def test_removing_a_touchpoint_warns_about_snippets_still_sending_it(client, owner_survey):
    url = f"/dashboard/surveys/{owner_survey.id}/settings"
    saved = post(client, url, settings_form(owner_survey, touchpoints="checkout, klantenservice"))
    assert "removed" not in saved.location
    assert 'data-testid="removed-touchpoints"' not in client.get(saved.location).get_data(
        as_text=True)
    saved = post(client, url, settings_form(owner_survey, touchpoints="afrekenen"))
    page = client.get(saved.location).get_data(as_text=True)
    assert "Klantmomenten Checkout, Klantenservice zijn verwijderd" in page
    assert "zonder klantmoment" in page


def test_the_install_page_says_whether_answers_come_in(client, owner_survey):
    from server.models import Response

    url = f"/dashboard/surveys/{owner_survey.id}/install"
    assert "nog geen antwoord binnengekomen" in client.get(url).get_data(as_text=True)
    Response.create(survey=owner_survey, score=9)
    assert "Het werkt: het laatste antwoord kwam binnen op" in client.get(url).get_data(
        as_text=True)
