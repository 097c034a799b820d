"""Comments, drivers and themes in Chromium: axe-clean, no sideways scrolling at 390 px."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from server.demo import add_history
from tests.browser.test_dashboard import log_in, shop  # noqa: F401  (the fixture)
from tests.browser.test_widget_accessibility import TAGS

# What sticks out on the right, outside any box that clips it: named when a page is too wide.
WIDE = """[...document.querySelectorAll('body *')].filter(e => {
    if (e.getBoundingClientRect().right <= document.documentElement.clientWidth + 1) return false;
    for (let p = e.parentElement; p; p = p.parentElement)
        if (getComputedStyle(p).overflowX !== 'visible') return false;
    return true;
}).slice(0, 5).map(e => e.tagName + '.' + e.className)"""
SHOTS = os.environ.get("TEVREDEN_SCREENSHOTS")  # a folder: screenshots of every page


@pytest.fixture
def history(shop):  # noqa: F811
    add_history(shop["survey"], random.Random(7))
    return shop


def serious_violations(page) -> list:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    return [(v["id"], [n["target"] for n in v["nodes"]])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", [390, 1280])
def test_report_comments_and_themes_pages_fit_and_pass_axe(live_server, page, history, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, history["owner"].email)
    survey = history["survey"].id
    for name, path in (("overview", "/dashboard"), ("report", f"/dashboard/surveys/{survey}"),
                       ("comments", f"/dashboard/surveys/{survey}/comments?theme=delivery"),
                       ("themes", f"/dashboard/surveys/{survey}/themes")):
        page.goto(f"{live_server.url}{path}")
        sideways = page.evaluate("document.documentElement.scrollWidth"
                                 " - document.documentElement.clientWidth")
        wide = page.evaluate(WIDE) if sideways > 0 else []
        assert sideways <= 0, (name, width, sideways, wide)
        assert serious_violations(page) == [], (name, width)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
            for part in page.locator("main section, main form").all():
                label = part.get_attribute("aria-labelledby") or part.get_attribute("id") or ""
                if label:
                    part.screenshot(path=f"{SHOTS}/{name}-{width}-{label}.png")


def test_a_theme_opens_its_comments(live_server, page, history):
    log_in(page, live_server, history["owner"].email)
    page.goto(f"{live_server.url}/dashboard/surveys/{history['survey'].id}")
    drivers = page.locator("ol.drivers")
    assert drivers.locator("li.driver").count() >= 3
    drivers.get_by_role("link", name="Levering").click()
    assert "theme=delivery" in page.url
    assert page.get_by_label("Thema", exact=True).input_value() == "delivery"
    assert page.locator(".comment").count() >= 1
    page.get_by_label("Woorden in de opmerking").fill("verzendkosten")
    page.get_by_role("button", name="Zoeken").click()
    texts = page.locator(".comment-text").all_inner_texts()
    assert texts and all("verzendkosten" in text for text in texts)
