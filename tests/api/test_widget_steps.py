"""The widget's second step asks each kind of answer its own "why?" above the comment."""

from __future__ import annotations

import pytest

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
