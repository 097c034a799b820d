"""The owner's own "why?" per kind of answer: set in the settings, asked in the widget's second
step in the visitor's language, the standard question where the owner gave none."""

from __future__ import annotations

import re
from html import escape

import pytest

from server.models import Survey
from tests.api.test_dashboard import post, quick_owner, sign_in
from tests.api.test_dashboard_manage import settings_form
from tests.api.test_responses import HTMX, token_for

WORDING = {
    "why_promoters_nl": "Wat maakte je blij?",
    "why_promoters_en": "What made you happy?",
    "why_passives_nl": "Wat ontbrak er net?",
    "why_detractors_en": "What went wrong with your order?",
}


def settings_url(survey: Survey) -> str:
    return f"/dashboard/surveys/{survey.id}/settings"


def second_step(client, survey: Survey, score: int, lang: str = "nl") -> str:
    """The label above the comment box after answering `score` in `lang`."""
    step = client.post(f"/w/{survey.id}/responses", headers=HTMX,
                       data={"token": token_for(client, survey, f"?lang={lang}"),
                             "score": str(score)})
    assert step.status_code == 201
    return re.search(r'<label for="comment">(.*?)</label>', step.get_data(as_text=True)).group(1)


def test_the_settings_show_each_group_with_the_standard_question_as_placeholder(
        client, owner_survey):
    page = client.get(settings_url(owner_survey)).get_data(as_text=True)
    assert "<legend>Vervolgvraag per groep</legend>" in page
    assert "Promotors (9-10): in het Nederlands" in page
    assert "Criticasters (0-6): in het Engels" in page
    assert 'name="why_promoters_nl" rows="2" placeholder="Wat beviel je het meest? ' \
           '(optioneel)" lang="nl"></textarea>' in page
    assert 'name="why_detractors_en" rows="2" placeholder="What disappointed you? ' \
           '(optional)" lang="en"></textarea>' in page


def test_csat_groups_are_named_by_their_scores(client, make):
    owner = quick_owner()
    survey = make.survey(make.site(owner), metric="csat")
    sign_in(client, owner)
    page = client.get(settings_url(survey)).get_data(as_text=True)
    assert "Tevreden (4-5): in het Nederlands" in page
    assert "Ontevreden (1-2): in het Engels" in page


def test_saving_stores_the_wording_and_shows_it_again(client, owner_survey):
    version = owner_survey.version
    response = post(client, settings_url(owner_survey),
                    settings_form(owner_survey, **{k: f"  {v} " for k, v in WORDING.items()}))
    assert response.status_code == 302
    survey = Survey.get_by_id(owner_survey.id)
    assert survey.version > version
    assert survey.why_promoters_nl == "Wat maakte je blij?"
    assert survey.why_detractors_en == "What went wrong with your order?"
    assert survey.why_detractors_nl is None and survey.why_passives_en is None
    page = client.get(settings_url(owner_survey)).get_data(as_text=True)
    for text in WORDING.values():
        assert f'>{escape(text)}</textarea>' in page
    # Emptied again, the standard question is back.
    post(client, settings_url(owner_survey), settings_form(owner_survey))
    assert Survey.get_by_id(owner_survey.id).why_promoters_nl is None


def test_too_long_a_wording_is_refused_at_its_field_and_nothing_is_saved(client, owner_survey):
    response = post(client, settings_url(owner_survey),
                    settings_form(owner_survey, why_passives_en="x" * 301,
                                  why_promoters_nl="Wat maakte je blij?"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    field = page[page.index('<label for="why_passives_en">'):]
    field = field[:field.index("</div>")]
    assert "Houd de vraag onder de 300 tekens." in field
    assert 'aria-invalid="true"' in field and ">" + "x" * 301 + "</textarea>" in field
    assert ">Wat maakte je blij?</textarea>" in page  # what was typed elsewhere stays
    survey = Survey.get_by_id(owner_survey.id)
    assert survey.why_promoters_nl is None and survey.why_passives_en is None
    ok = post(client, settings_url(owner_survey),
              settings_form(owner_survey, why_passives_en="x" * 300))
    assert ok.status_code == 302


@pytest.mark.parametrize("score, lang, label", [
    (10, "nl", "Wat maakte je blij? (optioneel)"),
    (9, "en", "What made you happy? (optional)"),
    (8, "nl", "Wat ontbrak er net? (optioneel)"),
    (7, "en", "What could we do better? (optional)"),  # no English wording: the standard
    (0, "en", "What went wrong with your order? (optional)"),
    (6, "nl", "Wat viel je tegen? (optioneel)"),  # no Dutch wording: the standard
])
def test_the_second_step_asks_the_owners_why_of_the_group_and_language(
        client, make, score, lang, label):
    survey = make.survey(metric="nps", **WORDING)
    assert second_step(client, survey, score, lang) == escape(label)


def test_csat_and_ces_ask_their_groups_why_too(client, make):
    csat = make.survey(metric="csat", why_passives_nl="Wat hield je tegen?")
    assert second_step(client, csat, 3) == "Wat hield je tegen? (optioneel)"
    assert second_step(client, csat, 5) == "Wat beviel je het meest? (optioneel)"
    ces = make.survey(metric="ces", why_detractors_en="What was hard?")
    assert second_step(client, ces, 2, "en") == "What was hard? (optional)"


def test_a_changed_wording_shows_in_the_next_answer(client, owner_survey):
    assert second_step(client, owner_survey, 10) == "Wat beviel je het meest? (optioneel)"
    post(client, settings_url(owner_survey),
         settings_form(owner_survey, why_promoters_nl="Wat maakte je blij?"))
    assert second_step(client, owner_survey, 10) == "Wat maakte je blij? (optioneel)"


def test_the_page_without_javascript_asks_it_too(client, make):
    survey = make.survey(metric="nps", **WORDING)
    page = client.post(f"/w/{survey.id}/responses", data={
        "token": token_for(client, survey, "?lang=en"), "score": "0"}, follow_redirects=True)
    assert '<label for="comment">What went wrong with your order? (optional)</label>' in (
        page.get_data(as_text=True))


def test_the_api_shows_the_wording_with_null_for_the_standard(client, make):
    survey = make.survey(metric="nps", why_promoters_nl="Wat maakte je blij?")
    body = client.get(f"/api/v1/surveys/{survey.id}", headers={
        "Authorization": f"Bearer {make.token(survey.site)}"}).get_json()
    assert body["why_questions"] == {
        "promoters": {"nl": "Wat maakte je blij?", "en": None},
        "passives": {"nl": None, "en": None},
        "detractors": {"nl": None, "en": None},
    }
