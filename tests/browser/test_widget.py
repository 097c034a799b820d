"""The visitor's journey in Chromium, on a shop page from another origin: inline, keyboard,
without JavaScript; no cookies, no third parties, nothing kept but a timestamp."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from server.models import Owner, Response, Site, Survey
from tests.helpers import wait_until

FRAME = "iframe[title=Feedback]"


def make_survey(host_site, **settings) -> Survey:
    """A survey of a fresh owner whose site allows the host page's origin."""
    owner = Owner.create(email=f"browser-{secrets.token_hex(4)}@example.nl", password_hash="-")
    site = Site.create(owner=owner, name="Tuincentrum De Linde", origins=[host_site.url])
    settings.setdefault("metric", "nps")
    settings.setdefault("touchpoints", ["checkout", "klantenservice"])
    return Survey.create_for(site, **settings)


def host_page(host_site, live_server, survey, head: str = "", **data) -> str:
    """A shop page on the host origin carrying the snippet."""
    attributes = "".join(f' data-{name}="{value}"' for name, value in data.items())
    html = (f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Webwinkel'
            f'</title>{head}</head><body><h1>Bedankt voor je bestelling</h1>'
            f'<a href="#top">Naar boven</a>'
            f'<script src="{live_server.url}/embed.js" data-survey="{survey.id}"{attributes} '
            f'async></script><p>Tot ziens!</p></body></html>')
    return host_site.page(f"/shop-{secrets.token_hex(4)}.html", html)


def origins_of(urls: list[str]) -> set[str]:
    return {"{0.scheme}://{0.netloc}".format(urlsplit(url)) for url in urls}


def shown_frame(page):
    """The widget's iframe once it has told the host page its height."""
    iframe = page.locator(FRAME)
    expect(iframe).to_be_visible()
    wait_until(page, f"document.querySelector('{FRAME}').offsetHeight > 100")
    return iframe, page.frame_locator(FRAME)


def test_inline_flow_end_to_end(page, context, live_server, live_db, host_site):
    survey = make_survey(host_site, consent_mode="optional")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(host_page(host_site, live_server, survey, touchpoint="checkout", mode="inline"))
    iframe, widget = shown_frame(page)
    assert iframe.evaluate("e => getComputedStyle(e).position") != "fixed"
    expect(widget.get_by_role("group", name=re.compile("Hoe waarschijnlijk"))).to_be_visible()

    widget.get_by_role("radio", name="8", exact=True).click()  # a click records at once
    expect(widget.get_by_role("heading", name="Bedankt! Je score 8 is opgeslagen.")).to_be_visible()
    assert Response.get(Response.survey == survey.id).score == 8

    comment = widget.get_by_label("Wat kunnen we beter doen? (optioneel)")
    comment.fill("Mooie planten, snel bezorgd.")
    expect(widget.locator("#comment-count")).to_contain_text("28/2000")
    consent = widget.get_by_role("checkbox", name="Ik wil hierover graag een reactie")
    expect(consent).not_to_be_checked()
    address = widget.get_by_label("Je e-mailadres")
    expect(address).to_be_hidden()  # the consent text and the address follow the box
    consent.check()
    expect(widget.get_by_text("Ja, Tuincentrum De Linde mag mij")).to_be_visible()
    address.fill("Linde@Example.nl")
    widget.get_by_role("button", name="Verstuur").click()
    expect(widget.get_by_role("heading", name="Bedankt voor je feedback!")).to_be_visible()
    link = widget.get_by_role("link", name="Je antwoord bekijken of verwijderen")
    receipt = link.get_attribute("href")
    assert receipt.startswith(f"{live_server.url}/r/")

    stored = Response.get(Response.survey == survey.id)
    assert (stored.score, stored.comment, stored.touchpoint, stored.language) == (
        8, "Mooie planten, snel bezorgd.", "checkout", "nl")
    assert stored.contact == "linde@example.nl" and stored.consent_version == 1

    assert context.cookies() == []
    assert origins_of(requests) <= {host_site.url, live_server.url}, origins_of(requests)
    assert page.evaluate("localStorage.length") == 0  # inline keeps nothing at all
    frame = page.frame_locator(FRAME).locator("html")
    assert frame.evaluate("() => localStorage.length + sessionStorage.length") == 0

    # The receipt: see it, delete it after confirming; the answer is gone.
    receipt_page = context.new_page()
    receipt_page.goto(receipt)
    expect(receipt_page).to_have_title("Je antwoord bekijken of verwijderen · Tuincentrum De Linde")
    expect(receipt_page.get_by_text("Mooie planten, snel bezorgd.")).to_be_visible()
    receipt_page.get_by_role("button", name="Verwijder mijn antwoord").click()
    receipt_page.get_by_role("button", name="Ja, verwijder mijn antwoord").click()
    expect(receipt_page.get_by_role("heading", name="Je antwoord is verwijderd")).to_be_visible()
    assert not Response.select().where(Response.survey == survey.id).exists()
    assert context.cookies() == []


FOCUSED = ("(document.activeElement.name || document.activeElement.id || "
           "document.activeElement.textContent).trim()")


def test_keyboard_only_flow(page, live_server, live_db, host_site):
    survey = make_survey(host_site, metric="ces")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(host_page(host_site, live_server, survey, mode="inline"))
    iframe, widget = shown_frame(page)
    frame = iframe.element_handle().content_frame()

    def focused() -> str:
        return frame.evaluate(FOCUSED)

    def expect_focus(name: str) -> None:
        # Focus moves after the key event is handled: wait for it rather than race it.
        wait_until(frame, f"{FOCUSED} == {name!r}")

    for _ in range(4):  # past the shop's own link, into the widget
        page.keyboard.press("Tab")
        if focused() == "score":
            break
    expect_focus("score")
    assert frame.evaluate("getComputedStyle(document.activeElement.nextElementSibling)"
                          ".outlineStyle") == "solid"  # the focus ring is visible

    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert frame.evaluate("document.activeElement.value") == "4"
    page.wait_for_timeout(300)
    assert posts == [], "arrow keys must not send the score"

    page.keyboard.press("Enter")
    expect(widget.get_by_role("heading", name="Bedankt! Je score 4 is opgeslagen.")).to_be_visible()
    wait_until(frame, "document.activeElement.tagName == 'H1'")  # focus follows the step
    page.keyboard.press("Tab")
    expect_focus("comment")
    page.keyboard.type("Alles met het toetsenbord")
    page.keyboard.press("Tab")
    expect_focus("Verstuur")
    page.keyboard.press("Enter")
    expect(widget.get_by_role("heading", name="Bedankt voor je feedback!")).to_be_visible()
    stored = Response.get(Response.survey == survey.id)
    assert (stored.score, stored.comment) == (4, "Alles met het toetsenbord")


@pytest.mark.parametrize("lang, mode, heading", [
    ("nl", "inline", "Bedankt! Je score 0 is opgeslagen."),
    ("nl", "popup", "Bedankt! Je score 0 is opgeslagen."),
    ("en", "inline", "Thank you! Your score of 0 is saved."),
    ("en", "popup", "Thank you! Your score of 0 is saved."),
])
def test_enter_on_the_focused_score_chooses_and_sends_it(page, live_server, live_db, host_site,
                                                         lang, mode, heading):
    survey = make_survey(host_site)
    page.goto(host_page(host_site, live_server, survey, mode=mode, lang=lang, delay="0"))
    iframe, widget = shown_frame(page)
    frame = iframe.element_handle().content_frame()
    for _ in range(6):  # past the shop's own link, into the widget
        page.keyboard.press("Tab")
        if frame.evaluate(FOCUSED) == "score":
            break
    assert frame.evaluate("[document.activeElement.value, document.activeElement.checked]") == [
        "0", False]  # the first score has the focus, nothing is chosen yet
    page.keyboard.press("Enter")
    expect(widget.get_by_role("heading", name=heading)).to_be_visible()
    assert Response.get(Response.survey == survey.id).score == 0


def test_a_click_or_space_sends_the_score_and_arrow_keys_only_move(page, live_server, live_db,
                                                                   host_site):
    survey = make_survey(host_site)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(f"{live_server.url}/w/{survey.id}")
    expect(page.get_by_role("radio", name="0 — zeer onwaarschijnlijk")).to_be_visible()
    expect(page.get_by_role("button", name="Verstuur")).to_have_count(0)  # a score is the answer

    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.value") == "1"
    page.wait_for_timeout(300)
    assert posts == [], "moving along the scale must not send"
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name="Bedankt! Je score 1 is opgeslagen.")).to_be_visible()
    assert len(posts) == 1 and Response.get(Response.survey == survey.id).score == 1


def test_the_address_shows_only_with_the_box_ticked(page, live_server, live_db, host_site):
    survey = make_survey(host_site, consent_mode="optional")
    page.goto(f"{live_server.url}/w/{survey.id}?lang=en")
    page.get_by_role("radio", name="3", exact=True).click()
    consent = page.get_by_role("checkbox", name="I would like a reply about this")
    expect(consent).to_have_accessible_description(re.compile("^Yes, Tuincentrum De Linde may"))
    address = page.get_by_label("Your e-mail address")
    expect(address).to_be_hidden()
    consent.check()
    address.fill("later@example.nl")
    consent.uncheck()  # changed their mind: the address is neither shown nor sent
    expect(address).to_be_hidden()
    page.get_by_label("What disappointed you? (optional)").fill("Toch niet")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you for your feedback!")).to_be_visible()
    stored = Response.get(Response.survey == survey.id)
    assert (stored.comment, stored.contact) == ("Toch niet", None)


def test_without_javascript_the_same_form_works(browser, live_server, live_db, host_site):
    survey = make_survey(host_site, consent_mode="optional")
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/w/{survey.id}?lang=en&touchpoint=klantenservice")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert").filter(has_text="Choose a score.")).to_be_visible()

    page.get_by_role("radio", name="10 — extremely likely").check()
    page.get_by_role("button", name="Send").click()
    saved = page.get_by_role("heading", name="Thank you! Your score of 10 is saved.")
    expect(saved).to_be_visible()
    page.get_by_label("What did you like most? (optional)").fill("No script needed")
    page.get_by_label("Your e-mail address (only with the box ticked)").fill("a@example.nl")
    page.get_by_role("button", name="Send").click()  # an address without consent: refused
    expect(page.get_by_role("alert").filter(has_text="Tick the box")).to_be_visible()
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you for your feedback!")).to_be_visible()
    page.goto(page.get_by_role("link", name="View or delete your answer").get_attribute("href"))
    expect(page).to_have_title("View or delete your answer · Tuincentrum De Linde")

    stored = Response.get(Response.survey == survey.id)
    assert (stored.score, stored.comment, stored.language, stored.touchpoint) == (
        10, "No script needed", "en", "klantenservice")
    assert stored.contact == "a@example.nl"
    assert context.cookies() == []
    context.close()


def test_an_invitation_link_records_its_score_at_once(page, live_server, live_db, host_site):
    from flask import Flask

    from server.invites import invite_link, make_invite

    survey = make_survey(host_site)
    signer = Flask(__name__)
    signer.config.update(SECRET_KEYS=[live_server.env["TEVREDEN_SECRET_KEY"]],
                         BASE_URL=live_server.url)
    with signer.app_context():
        link = invite_link(survey.id, make_invite(survey.id, reference="ORDER-77"), score=9)
    page.goto(link)  # as from an e-mail: top level, no host page
    expect(page.get_by_role("heading", name="Bedankt! Je score 9 is opgeslagen.")).to_be_visible()
    stored = Response.get(Response.survey == survey.id)
    assert (stored.score, stored.reference) == (9, "ORDER-77")
    page.goto(link)
    expect(page.get_by_role("heading", name="Al beantwoord")).to_be_visible()
