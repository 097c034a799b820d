"""The owner's dashboard in Chromium: log in, read, filter, change, tokens, CSV."""

from __future__ import annotations

import random
import re
import secrets

import pytest

from server.demo import add_history
from server.models import ApiToken, Owner, Response, Site, Survey
from tests.helpers import wait_until

PASSWORD = "browser test password"


@pytest.fixture
def shop(live_server, live_db):
    """A fresh owner with one NPS survey and a few answers, one of them hostile."""
    owner = Owner(email=f"eigenaar-{secrets.token_hex(4)}@example.nl")
    owner.set_password(PASSWORD)
    owner.save()
    site = Site.create(owner=owner, name="Boekhandel Browser", origins=[live_server.url])
    survey = Survey.create_for(site, name="Na bestelling", metric="nps",
                               touchpoints=["checkout", "klantenservice"])
    for score, touchpoint, comment in ((10, "checkout", "Snel geleverd"),
                                       (9, "checkout", None),
                                       (2, "klantenservice", "<script>alert(1)</script>")):
        Response.create(survey=survey, score=score, touchpoint=touchpoint, comment=comment)
    return {"owner": owner, "site": site, "survey": survey}


@pytest.fixture
def demo_like(shop):
    """Months of answers and a target, as `make run` creates for the demo."""
    add_history(shop["survey"], random.Random(7))
    return shop


def log_in(page, live_server, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/dashboard")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def test_log_in_and_read_a_survey_with_a_hostile_comment(live_server, page, shop):
    dialogs, console_errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # A CSP violation (inline script or style) shows up as a console error.
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    log_in(page, live_server, shop["owner"].email)
    page.get_by_role("link", name="Na bestelling").click()
    assert page.get_by_test_id("score").inner_text() == "+33"
    assert page.get_by_text("<script>alert(1)</script>").is_visible()
    assert page.get_by_role("img", name="NPS per maand").is_visible()
    assert page.get_by_role("img", name="Verdeling van de antwoorden").is_visible()
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", name="Recent comments").is_visible()
    assert dialogs == [] and console_errors == []


def test_wrong_password_does_not_log_in(live_server, page, shop):
    log_in(page, live_server, shop["owner"].email, "not the password")
    assert page.get_by_role("alert").inner_text().startswith("Dit e-mailadres en wachtwoord")
    assert page.get_by_label("Wachtwoord").is_visible()
    page.goto(f"{live_server.url}/dashboard/surveys/{shop['survey'].id}")
    assert "/dashboard/login" in page.url


def test_filter_by_touchpoint_updates_the_report_in_place(live_server, page, shop):
    log_in(page, live_server, shop["owner"].email)
    page.goto(f"{live_server.url}/dashboard/surveys/{shop['survey'].id}")
    page.evaluate("window.stillTheSamePage = true")
    with page.expect_response(re.compile(r"touchpoint=checkout")):
        page.get_by_label("Klantmoment", exact=True).select_option("checkout")
    wait_until(page, "document.querySelector('[data-testid=score]').textContent == '+100'")
    assert page.evaluate("window.stillTheSamePage") is True  # no full page load
    assert "touchpoint=checkout" in page.url  # and the address can be shared
    assert page.locator("#report-status").inner_text() == "Bijgewerkt: score +100 uit 2 antwoorden."
    assert page.get_by_text("<script>alert(1)</script>").count() == 0


def test_change_a_setting(live_server, page, shop):
    log_in(page, live_server, shop["owner"].email)
    page.goto(f"{live_server.url}/dashboard/surveys/{shop['survey'].id}/settings")
    page.get_by_label("Antwoorden bewaren gedurende (dagen)").fill("0")
    page.get_by_role("button", name="Instellingen opslaan").click()
    assert page.locator("#retention_days-error").is_visible()
    page.get_by_label("Antwoorden bewaren gedurende (dagen)").fill("120")
    page.get_by_role("button", name="Instellingen opslaan").click()
    assert page.get_by_role("status").inner_text() == "Instellingen opgeslagen."
    assert Survey.get_by_id(shop["survey"].id).retention_days == 120


def test_create_and_revoke_a_token(live_server, page, shop):
    log_in(page, live_server, shop["owner"].email)
    page.goto(f"{live_server.url}/dashboard/sites/{shop['site'].id}/tokens")
    page.get_by_label("Naam").fill("boekhouding")
    page.get_by_role("button", name="Token aanmaken").click()
    plain = page.get_by_test_id("new-token").input_value()
    assert plain.startswith("tvr_")
    token = ApiToken.get(ApiToken.site == shop["site"].id)
    assert token.token_hash == ApiToken.digest(plain)
    page.get_by_role("button", name="Token boekhouding intrekken").click()
    assert "ingetrokken" in page.get_by_role("status").inner_text()
    assert ApiToken.get_by_id(token.id).revoked_at is not None


def test_download_csv(live_server, page, shop):
    log_in(page, live_server, shop["owner"].email)
    page.goto(f"{live_server.url}/dashboard/surveys/{shop['survey'].id}")
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel (NL)").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as csv_file:
        content = csv_file.read()
    assert ";" in content.splitlines()[0]
    assert "Snel geleverd" in content


def test_months_of_answers_show_trend_target_and_comments_in_english(live_server, page,
                                                                     demo_like):
    log_in(page, live_server, demo_like["owner"].email)
    page.goto(f"{live_server.url}/dashboard/surveys/{demo_like['survey'].id}?lang=en&period=all")
    trend = page.get_by_role("img", name="NPS per month")
    assert trend.locator("circle.chart-point").count() >= 6
    assert trend.locator("line.chart-target").count() == 1
    assert page.get_by_role("img", name="Distribution of answers").is_visible()
    assert page.locator("#target-progress").is_visible()
    assert page.get_by_text("Realistic targets").is_visible()
    assert page.locator(".comment").count() >= 5


@pytest.mark.parametrize("width", [390, 1280])
def test_the_target_buttons_stand_apart(live_server, page, demo_like, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, demo_like["owner"].email)
    page.goto(f"{live_server.url}/dashboard/surveys/{demo_like['survey'].id}/target")
    save = page.get_by_role("button", name="Doel opslaan").bounding_box()
    remove = page.get_by_role("button", name="Doel verwijderen").bounding_box()
    gap = remove["y"] - (save["y"] + save["height"])
    assert gap >= 16, (save, remove)
    assert min(save["height"], remove["height"]) >= 24  # WCAG 2.2 target size
