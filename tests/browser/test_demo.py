"""/demo: the demo shop frames the real widget through the real snippet, within its own CSP."""

from __future__ import annotations

from playwright.sync_api import expect

from server.demo import DEMO_EMAIL
from server.models import Owner, Site, Survey
from tests.browser.test_widget import FRAME, shown_frame


def demo_survey(live_server) -> Survey:
    owner = Owner.get_or_none(Owner.email == DEMO_EMAIL) or Owner.create(
        email=DEMO_EMAIL, password_hash="-")
    site = Site.get_or_none(Site.owner == owner) or Site.create(
        owner=owner, name="Demo Webshop", origins=[live_server.url])
    return Survey.get_or_none(Survey.site == site) or Survey.create_for(
        site, metric="nps", touchpoints=["checkout", "klantenservice"],
        consent_mode="optional", recontact_days=90)


def test_the_demo_shop_shows_the_inline_widget_and_the_popup(page, live_server, live_db):
    survey = demo_survey(live_server)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and "404" not in message.text else None)
    missing: list[str] = []
    page.on("response", lambda response: missing.append(response.url)
            if response.status >= 400 else None)
    page.goto(f"{live_server.url}/demo")
    expect(page.get_by_role("heading", name="Bedankt voor je bestelling!")).to_be_visible()
    _, widget = shown_frame(page)
    widget.get_by_role("radio", name="10 — zeer waarschijnlijk").click()
    saved = widget.get_by_role("heading", name="Bedankt! Je score 10 is opgeslagen.")
    expect(saved).to_be_visible()
    assert survey.responses.count() >= 1

    page.goto(f"{live_server.url}/demo/popup")
    iframe, widget = shown_frame(page)  # after its one-second delay
    assert iframe.evaluate("e => getComputedStyle(e).position") == "fixed"
    widget.get_by_role("button", name="Sluiten").click()
    expect(page.locator(FRAME)).to_have_count(0)
    page.get_by_role("button", name="Vergeet dat ik hem zag en toon de vraag opnieuw").click()
    shown_frame(page)
    assert problems == [], problems  # no CSP violation, no script error
    assert [url for url in missing if not url.endswith("/favicon.ico")] == []
