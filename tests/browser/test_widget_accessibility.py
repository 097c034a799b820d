"""axe-core on the widget's steps (with their errors) and on the receipt: no serious or critical
WCAG 2.2 AA violations; targets of at least 24x24 px."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_widget import make_survey
from tests.helpers import wait_until

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


FINITE_ANIMATIONS_DONE = ("document.getAnimations().every(a => a.playState !== 'running' "
                          "|| a.effect.getTiming().iterations === Infinity)")


def assert_accessible(page, what: str) -> None:
    wait_until(page, FINITE_ANIMATIONS_DONE)  # axe measures contrast mid-fade too
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]])
               for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], (what, serious)


def test_the_steps_pass_axe(page, live_server, live_db, host_site):
    survey = make_survey(host_site, consent_mode="optional")
    page.set_viewport_size({"width": 360, "height": 640})  # as narrow as the popup
    page.goto(f"{live_server.url}/w/{survey.id}?mode=popup")
    for box in page.locator("label.option").all():
        size = box.bounding_box()
        assert size["width"] >= 24 and size["height"] >= 24, size

    page.locator("#answer").evaluate("form => form.requestSubmit()")  # nothing chosen yet
    expect(page.get_by_role("alert").filter(has_text="Kies een score.")).to_be_visible()
    assert_accessible(page, "question with an error")

    page.get_by_role("radio", name="0 — zeer onwaarschijnlijk").click()
    expect(page.get_by_role("checkbox")).to_be_visible()
    assert_accessible(page, "comment, the consent box unticked")

    page.get_by_role("checkbox").check()
    page.get_by_label("Je e-mailadres").fill("geen adres")
    page.get_by_role("button", name="Verstuur").click()
    expect(page.get_by_role("alert").filter(has_text="naam@voorbeeld.nl")).to_be_visible()
    assert_accessible(page, "comment with an error")

    page.get_by_role("button", name="Nee, bedankt").click()
    link = page.get_by_role("link", name="Je antwoord bekijken of verwijderen")
    expect(link).to_be_visible()
    assert_accessible(page, "thanks")

    page.goto(link.get_attribute("href"))
    assert_accessible(page, "receipt")


def test_the_chosen_score_is_not_shown_by_colour_alone(page, live_server, live_db, host_site):
    survey = make_survey(host_site, metric="csat")
    page.goto(f"{live_server.url}/w/{survey.id}")
    number = page.locator("label.option .number").nth(3)
    before = number.evaluate("e => [getComputedStyle(e).borderTopWidth, "
                             "getComputedStyle(e).textDecorationLine]")
    page.keyboard.press("Tab")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    after = number.evaluate("e => [getComputedStyle(e).borderTopWidth, "
                            "getComputedStyle(e).textDecorationLine]")
    assert before != after and re.match(r"3px", after[0]) and after[1] == "underline"


def test_the_steps_enter_gently_unless_less_motion_is_asked(page, live_server, live_db,
                                                            host_site):
    survey = make_survey(host_site)
    animation = "e => [getComputedStyle(e).animationName, getComputedStyle(e).animationDuration]"
    page.emulate_media(reduced_motion="no-preference")
    page.goto(f"{live_server.url}/w/{survey.id}")
    name, duration = page.locator(".step").evaluate(animation)
    assert name != "none" and 0 < float(duration.rstrip("s")) <= 0.3
    page.get_by_role("radio", name="7", exact=True).click()
    expect(page.locator("#details")).to_be_visible()
    assert page.locator("#details").evaluate(animation)[0] != "none"  # the next step too

    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/w/{survey.id}")
    assert page.locator(".step").evaluate(animation)[0] == "none"


def test_a_coloured_scale_has_a_pattern_per_kind_and_passes_axe(page, live_server, live_db,
                                                               host_site):
    survey = make_survey(host_site, scale_colours=True)
    page.goto(f"{live_server.url}/w/{survey.id}")
    line = "e => [getComputedStyle(e).borderBottomStyle, getComputedStyle(e).borderBottomColor]"
    numbers = page.locator("label.option .number")
    detractor, passive, promoter = (numbers.nth(i).evaluate(line) for i in (0, 7, 10))
    assert [detractor[0], passive[0], promoter[0]] == ["dotted", "dashed", "solid"]
    assert len({detractor[1], passive[1], promoter[1]}) == 3
    assert_accessible(page, "coloured scale")
