"""Kinds of answer in the widget: each gets its own "why?" above the comment, and a survey may
colour its scale by them."""

from __future__ import annotations

import re

import pytest

from server.models import Survey
from tests.api.test_responses import HTMX, token_for


@pytest.mark.parametrize("metric, score, prompt", [
    ("nps", 0, "Wat viel je tegen? (optioneel)"),
    ("nps", 6, "Wat viel je tegen? (optioneel)"),
    ("nps", 7, "Wat kunnen we beter doen? (optioneel)"),
    ("nps", 9, "Wat beviel je het meest? (optioneel)"),
    ("csat", 3, "Wat kunnen we beter doen? (optioneel)"),
    ("ces", 3, "Wat viel je tegen? (optioneel)"),
    ("ces", 5, "Wat beviel je het meest? (optioneel)"),
])
def test_each_kind_of_answer_gets_its_own_why(client, make, metric, score, prompt):
    survey = make.survey(metric=metric)
    step = client.post(f"/w/{survey.id}/responses", headers=HTMX,
                       data={"token": token_for(client, survey), "score": str(score)})
    assert step.status_code == 201
    assert f'<label for="comment">{prompt}</label>' in step.get_data(as_text=True)


def test_the_why_is_in_english_too(client, make):
    survey = make.survey(metric="nps")
    step = client.post(f"/w/{survey.id}/responses", headers=HTMX,
                       data={"token": token_for(client, survey, "?lang=en"), "score": "10"})
    assert '<label for="comment">What did you like most? (optional)</label>' in step.get_data(
        as_text=True)


def test_a_coloured_scale_marks_each_kind_of_answer(client, make):
    plain = client.get(f"/w/{make.survey(metric='nps').id}").get_data(as_text=True)
    assert "coloured" not in plain and 'class="option"' in plain
    html = client.get(f"/w/{make.survey(metric='nps', scale_colours=True).id}").get_data(
        as_text=True)
    assert 'class="scale scale-11 coloured"' in html
    kinds = re.findall(r'<label class="option (\w+)"><input type="radio" name="score" '
                       r'value="(\d+)"', html)
    assert [kind for kind, _ in kinds] == ["detractors"] * 7 + ["passives"] * 2 + [
        "promoters"] * 2


def test_the_owner_turns_the_coloured_scale_on_in_the_settings(client, make):
    from tests.api.test_dashboard import post, quick_owner, sign_in
    from tests.api.test_dashboard_manage import settings_form

    owner = quick_owner()
    survey = make.survey(make.site(owner))
    sign_in(client, owner)
    page = client.get(f"/dashboard/surveys/{survey.id}/settings").get_data(as_text=True)
    assert "Kleur de schaal naar soort antwoord" in page
    post(client, f"/dashboard/surveys/{survey.id}/settings",
         settings_form(survey, scale_colours="on"))
    assert Survey.get_by_id(survey.id).scale_colours is True
    assert "coloured" in client.get(f"/w/{survey.id}").get_data(as_text=True)
    post(client, f"/dashboard/surveys/{survey.id}/settings", settings_form(survey))
    assert Survey.get_by_id(survey.id).scale_colours is False


def test_the_api_shows_the_setting(client, make):
    survey = make.survey(scale_colours=True)
    body = client.get(f"/api/v1/surveys/{survey.id}", headers={
        "Authorization": f"Bearer {make.token(survey.site)}"}).get_json()
    assert body["scale_colours"] is True
