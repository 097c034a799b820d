"""/privacy/<survey>: the notice says what this survey really stores, in Dutch and English."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.helpers import assert_error


def section(html: str, name: str) -> str:
    """The visible text of one <section id=name>, whitespace collapsed."""
    match = re.search(rf'<section id="{name}">(.*?)</section>', html, re.S)
    assert match, f"no section {name}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


@pytest.fixture
def shop(make):
    owner = make.owner("eigenaar@bakkerij.nl")
    return make.site(owner, name="Bakkerij de Vries", contact_email="privacy@bakkerij.nl")


def notice(client, survey, lang: str | None = None) -> str:
    response = client.get(f"/privacy/{survey.id}" + (f"?lang={lang}" if lang else ""))
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_the_notice_is_dutch_by_default_and_english_on_request(client, make, shop):
    survey = make.survey(shop, retention_days=42)
    dutch = notice(client, survey)
    assert '<html lang="nl">' in dutch and "<h1>Privacyverklaring</h1>" in dutch
    assert "42 dagen nadat het gegeven is automatisch verwijderd" in section(dutch, "retention")
    assert f'href="/privacy/{survey.id}?lang=en"' in dutch
    english = notice(client, survey, "en")
    assert '<html lang="en">' in english and "<h1>Privacy notice</h1>" in english
    assert "deleted automatically 42 days after it was given" in section(english, "retention")
    assert f'href="/privacy/{survey.id}?lang=nl"' in english


def test_an_english_survey_defaults_to_english_and_unknown_languages_fall_back(client, make,
                                                                               shop):
    survey = make.survey(shop, default_language="en")
    assert '<html lang="en">' in notice(client, survey)
    assert '<html lang="en">' in notice(client, survey, "de")
    assert '<html lang="nl">' in notice(client, make.survey(shop), "de")


def test_the_controller_and_the_address_for_requests_come_from_the_site(client, make, shop):
    text = section(notice(client, make.survey(shop), "en"), "controller")
    assert "Bakkerij de Vries is responsible" in text
    assert "privacy@bakkerij.nl" in text
    assert "tevreden.test" in text  # where the answers are kept: the owner's own server
    rights = section(notice(client, make.survey(shop), "en"), "rights")
    assert "write to privacy@bakkerij.nl" in rights


def test_without_a_site_contact_the_owner_is_the_contact(client, make):
    site = make.site(make.owner("jan@kaaswinkel.nl"), name="Kaaswinkel", contact_email=None)
    assert "jan@kaaswinkel.nl" in section(notice(client, make.survey(site)), "controller")


def test_anonymous_mode_lists_only_the_anonymous_fields(client, make, shop):
    html = notice(client, make.survey(shop, metric="csat", consent_mode="anonymous"), "en")
    stored = section(html, "stored")
    assert "your score, from 1 to 5" in stored
    assert "your comment" in stored and "order reference" in stored
    assert "date and time of your answer" in stored
    assert "every answer is anonymous" in stored
    assert "your e-mail address" not in stored and "consent" not in stored
    assert 'class="fields with-consent"' not in html
    assert "article 6(1)(a)" not in section(html, "purpose")


def test_consent_mode_lists_the_extra_fields_and_the_current_consent_text(client, make, shop):
    survey = make.survey(shop, metric="ces", consent_mode="optional")
    survey.set_consent_text("Ja, bel of mail me gerust over mijn antwoord.",
                            "Yes, feel free to contact me about my answer.")
    html = notice(client, survey, "en")
    stored = section(html, "stored")
    assert "your score, from 1 to 7" in stored
    assert "your e-mail address" in stored
    assert "the date and time you gave consent" in stored
    assert "the current one is version 2" in stored
    assert "Yes, feel free to contact me about my answer." in stored
    assert "never ticked beforehand" in stored
    assert "Ja, bel of mail me gerust" in section(notice(client, survey), "stored")
    assert "Withdrawal" in section(html, "rights")
    assert "article 6(1)(a)" in section(html, "purpose")


def test_what_is_never_stored_and_how_to_use_the_rights(client, make, shop):
    html = notice(client, make.survey(shop, recontact_days=60), "en")
    stored = section(html, "stored")
    for never in ("your IP address", "user agent", "cookies", "host page"):
        assert never in stored
    assert "not asked again within 60 days" in stored
    rights = section(html, "rights")
    for right in ("Access", "Rectification", "Erasure", "Objection", "Complaint"):
        assert right in rights
    assert 'href="https://autoriteitpersoonsgegevens.nl"' in html
    assert "receipt link" in rights and "within one month" in rights


def test_purpose_names_the_metric_and_the_touchpoints(client, make, shop):
    survey = make.survey(shop, metric="nps", touchpoints=["checkout", "klantenservice"])
    purpose = section(notice(client, survey, "en"), "purpose")
    assert "Net Promoter Score (NPS)" in purpose
    assert "checkout, klantenservice" in purpose
    assert "your score, from 0 to 10" in section(notice(client, survey, "en"), "stored")


def test_site_names_are_escaped(client, make):
    site = make.site(name='<script>alert("x")</script> & Zn', contact_email="a@b.nl")
    html = notice(client, make.survey(site))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_the_notice_has_no_inline_script_or_style(client, make, shop):
    html = notice(client, make.survey(shop, consent_mode="optional"))
    assert "<script" not in html and "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_an_unknown_survey_is_a_404_page_or_json(client):
    response = client.get("/privacy/does-not-exist")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Er is geen vragenlijst met deze code." in response.get_data(as_text=True)
    english = client.get("/privacy/does-not-exist?lang=en")
    assert "There is no survey with this id." in english.get_data(as_text=True)
    assert_error(client.get("/privacy/does-not-exist",
                            headers={"Accept": "application/json"}), 404, "not_found")


def test_every_privacy_message_has_a_dutch_translation():
    from pathlib import Path

    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    folder = Path(__file__).parents[2] / "server/translations/nl/LC_MESSAGES"
    with (folder / "privacy.po").open("rb") as po, (folder / "privacy.mo").open("rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    messages = [m for m in source if m.id]
    assert messages and all(m.string and not m.fuzzy for m in messages)
    # The committed .mo was compiled from this .po (forgetting `pybabel compile` shows here).
    assert as_dict(messages) == as_dict(m for m in compiled if m.id)


def as_dict(messages) -> dict:
    """Plural messages come back as tuples from a .po and as lists from a .mo."""
    def plain(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {plain(m.id): plain(m.string) for m in messages}


def test_the_notice_names_where_alerts_send_answers(client, make, shop):
    from server.models import Alert

    survey = make.survey(shop)
    assert "Geen ander bedrijf krijgt je antwoord" in section(notice(client, survey), "controller")
    Alert.issue(survey, "detractor", ["team@bakkerij.nl"], None)
    mailed = section(notice(client, survey), "controller")
    assert "Geen ander bedrijf" in mailed and "per e-mail naar het team van de winkel" in mailed
    Alert.issue(survey, "score-at-most:4", [], "https://hooks.slack.com/services/T0/B0/geheim")
    told = section(notice(client, survey), "controller")
    assert "Geen ander bedrijf" not in told
    assert "ook naar: hooks.slack.com." in told and "geheim" not in told
    assert "also sent, with its comment, to: hooks.slack.com." in section(
        notice(client, survey, "en"), "controller")
