"""The widget preview on the survey's settings page: shown in the dashboard, records nothing."""

from __future__ import annotations

import re

from server.models import Response
from tests.api.test_dashboard import quick_owner, sign_in
from tests.api.test_responses import HTMX, JSON

SHOP = "https://shop.example.nl"


def test_the_settings_page_frames_the_preview(client, make):
    owner = quick_owner()
    survey = make.survey(make.site(owner, origins=[SHOP]), name="Na aankoop")
    sign_in(client, owner)
    page = client.get(f"/dashboard/surveys/{survey.id}/settings").get_data(as_text=True)
    frame = re.search(r'<iframe class="widget-preview" src="([^"]+)" title="([^"]+)"', page)
    assert frame.group(2) == "Voorbeeld van de widget van Na aankoop"
    src = frame.group(1).replace("&amp;", "&")
    assert src.startswith(f"/w/{survey.id}/preview?")
    preview = client.get(src)
    assert preview.status_code == 200
    # The dashboard (this server) may frame the preview; shops and others may not.
    csp = preview.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self';" in csp + ";" and SHOP not in csp
    assert "X-Frame-Options" not in preview.headers
    html = preview.get_data(as_text=True)
    assert "Voorbeeld: antwoorden hier worden niet opgeslagen." in html
    assert 'type="radio" name="score" value="10"' in html


def test_the_real_widget_still_refuses_to_be_framed_by_this_server(client, make):
    survey = make.survey(make.site(origins=[SHOP]))
    csp = client.get(f"/w/{survey.id}").headers["Content-Security-Policy"]
    assert f"frame-ancestors {SHOP}" in csp and "'self'" not in csp.split("frame-ancestors")[1]


def test_a_preview_never_records_an_answer(client, make):
    survey = make.survey(make.site(origins=[SHOP]))
    html = client.get(f"/w/{survey.id}/preview?mode=inline").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]*)"', html).group(1)
    action = re.search(r'<form id="answer"[^>]* action="([^"]+)"', html).group(1)
    assert token == "" and "/preview" in action
    answered = client.post(action.replace("&amp;", "&"), data={"token": token, "score": "9"},
                           headers=HTMX)
    assert answered.status_code == 200
    details = re.search(r'<form id="details"[^>]* action="([^"]+)"',
                        answered.get_data(as_text=True)).group(1)
    assert "/preview/details" in details
    sent = client.post(details.replace("&amp;", "&"), data={"comment": "Top"}, headers=HTMX)
    assert "Dit is een voorbeeld: er is niets opgeslagen." in sent.get_data(as_text=True)
    # Sent to the real answer route instead, the preview's empty token is refused.
    refused = client.post(f"/w/{survey.id}/responses", json={"token": token, "score": 9},
                          headers=JSON)
    assert refused.status_code in (400, 422)
    assert Response.select().count() == 0


def test_a_paused_survey_can_be_previewed_but_not_answered(client, make):
    survey = make.survey(make.site(origins=[SHOP]), active=False)
    assert client.get(f"/w/{survey.id}").status_code == 404
    preview = client.get(f"/w/{survey.id}/preview?lang=en")
    assert preview.status_code == 200
    assert "Preview: answers here are not recorded." in preview.get_data(as_text=True)
    assert client.get("/w/doesnotexist/preview").status_code == 404


def test_the_preview_shows_unsaved_wording_and_colours_without_storing_them(client, make):
    survey = make.survey(make.site(origins=[SHOP]), question_nl="Opgeslagen vraag?")
    base = f"/w/{survey.id}/preview?mode=inline&lang=nl"
    typed = client.get(base + "&question=Hoe+was+%3Cb%3Euw%3C/b%3E+bezoek%3F&scale_colours=1")
    html = typed.get_data(as_text=True)
    assert "Hoe was &lt;b&gt;uw&lt;/b&gt; bezoek?" in html and "Opgeslagen vraag?" not in html
    assert 'class="scale scale-11 coloured"' in html and 'class="option detractors"' in html
    emptied = client.get(base + "&question=&scale_colours=0").get_data(as_text=True)
    assert "Hoe waarschijnlijk is het dat je ons aanbeveelt" in emptied  # the standard question
    assert "coloured" not in emptied
    saved = client.get(base).get_data(as_text=True)
    assert "Opgeslagen vraag?" in saved
    reread = type(survey).get_by_id(survey.id)
    assert (reread.question_nl, reread.scale_colours) == ("Opgeslagen vraag?", False)


def test_a_previewed_score_shows_its_second_step_and_records_nothing(client, make):
    survey = make.survey(make.site(origins=[SHOP]), consent_mode="optional",
                         why_detractors_nl="Wat ging er mis met uw bestelling?")
    base = f"/w/{survey.id}/preview?mode=inline&lang=nl"
    html = client.get(base).get_data(as_text=True)
    action = re.search(r'<form id="answer"[^>]* action="([^"]+)"', html).group(1)
    low = client.post(action.replace("&amp;", "&"), data={"token": "", "score": "3"},
                      headers=HTMX).get_data(as_text=True)
    # The owner's own "why?" for a detractor, as visitors with that score get it.
    assert "Wat ging er mis met uw bestelling? (optioneel)" in low
    assert "Voorbeeld: antwoorden hier worden niet opgeslagen." in low
    assert "Je score 3 zou nu worden opgeslagen." in low and "is opgeslagen" not in low
    assert 'name="consent"' in low  # the consent box too, as the survey asks it
    high = client.post(action.replace("&amp;", "&"), data={"token": "", "score": "10"},
                       headers=HTMX).get_data(as_text=True)
    assert "Wat beviel je het meest? (optioneel)" in high  # the standard question
    details = re.search(r'<form id="details"[^>]* action="([^"]+)"', low).group(1)
    sent = client.post(details.replace("&amp;", "&"), headers=HTMX, data={
        "comment": "Te laat", "consent": "yes", "contact": "klant@example.nl"})
    assert "Dit is een voorbeeld: er is niets opgeslagen." in sent.get_data(as_text=True)
    nonsense = client.post(action.replace("&amp;", "&"), data={"score": "99"}, headers=HTMX)
    assert "Dit is een voorbeeld: er is niets opgeslagen." in nonsense.get_data(as_text=True)
    assert Response.select().count() == 0


def test_the_preview_carries_unsaved_why_questions_to_its_second_step(client, make):
    survey = make.survey(make.site(origins=[SHOP]), why_promoters_en="Saved: what was good?")
    base = f"/w/{survey.id}/preview?mode=inline&lang=en&why_promoters=Typed:+what+was+great%3F"
    html = client.get(base).get_data(as_text=True)
    action = re.search(r'<form id="answer"[^>]* action="([^"]+)"', html).group(1)
    step = client.post(action.replace("&amp;", "&"), data={"score": "9"}, headers=HTMX)
    text = step.get_data(as_text=True)
    assert "Typed: what was great? (optional)" in text and "Saved:" not in text
    emptied = client.post(f"/w/{survey.id}/preview?mode=inline&lang=en&why_promoters=",
                          data={"score": "9"}, headers=HTMX).get_data(as_text=True)
    assert "What did you like most? (optional)" in emptied  # emptied: the standard one
    assert type(survey).get_by_id(survey.id).why_promoters_en == "Saved: what was good?"
