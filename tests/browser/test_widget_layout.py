"""Where things sit on a phone and a desktop: the scale's end labels beside their own ends,
however the scale wraps; the receipt's labels never over their values."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_widget import make_survey
from tests.browser.test_widget_accessibility import FINITE_ANIMATIONS_DONE
from tests.helpers import wait_until

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Where an element's text is drawn, which may run out of the element's own box.
TEXT_BOX = """e => { const range = document.createRange(); range.selectNodeContents(e);
  const r = range.getBoundingClientRect();
  return {x: r.x, y: r.y, width: r.width, height: r.height}; }"""


def text_box(locator) -> dict:
    return locator.evaluate(TEXT_BOX)


def overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


@pytest.mark.parametrize("metric, path, width, wrapped", [
    ("nps", "?mode=popup", 360, True),  # the popup's own width
    ("nps", "?mode=inline", 390, True),
    ("nps", "/preview?mode=inline", 390, True),
    ("nps", "/preview?mode=inline", 308, True),  # the dashboard's frame on a phone
    ("nps", "?mode=popup", 288, True),  # the popup on a 320 px phone
    ("ces", "?mode=popup", 360, True),
    ("nps", "?mode=inline", 1280, False),
    ("csat", "?mode=popup", 360, False),
])
def test_the_end_labels_sit_at_their_own_ends(page, live_server, live_db, host_site, metric,
                                              path, width, wrapped):
    survey = make_survey(host_site, metric=metric)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/w/{survey.id}{path}")
    wait_until(page, FINITE_ANIMATIONS_DONE)  # the step rises into place
    numbers = page.locator(".option .number")
    first, last = numbers.first.bounding_box(), numbers.last.bounding_box()
    low, high = (text_box(page.locator(".ends span").nth(i)) for i in (0, 1))
    for number in numbers.all():
        target = number.bounding_box()
        assert target["width"] >= 44 and target["height"] >= 44, target
        assert not overlap(target, low) and not overlap(target, high)
    assert abs(low["x"] - first["x"]) < 1  # starts where the lowest score starts
    assert abs(high["x"] + high["width"] - (last["x"] + last["width"])) < 1  # ends at the highest
    assert high["x"] + high["width"] <= width and page.evaluate(OVERFLOW) == 0
    if wrapped:  # the low label just above the lowest score's row, the high just below the last
        assert 0 <= first["y"] - (low["y"] + low["height"]) < 12
        assert 0 <= high["y"] - (last["y"] + last["height"]) < 12
        rows = [round(n.bounding_box()["y"]) for n in numbers.all()]
        assert sorted(rows.count(y) for y in set(rows)) in ([5, 6], [3, 4], [3, 4, 4])  # balanced
    else:  # one row, the labels under its ends
        assert first["y"] == last["y"] and abs(low["y"] - high["y"]) < 1
        assert 0 <= low["y"] - (first["y"] + first["height"]) < 12
    # Screen readers hear the ends with the scores, not twice.
    expect(page.get_by_role("radio", name="0 — zeer onwaarschijnlijk")).to_have_count(
        1 if metric == "nps" else 0)
    assert "Zeer" not in page.locator("fieldset .ends").aria_snapshot()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_receipt_labels_never_run_over_their_values(page, live_server, live_db, host_site,
                                                        width):
    survey = make_survey(host_site, consent_mode="optional")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/w/{survey.id}")
    page.get_by_role("radio", name="7", exact=True).click()
    page.get_by_role("checkbox").check()
    page.get_by_label("Je e-mailadres").fill("klant@example.nl")
    page.get_by_role("button", name="Verstuur").click()
    page.goto(page.get_by_role("link", name="Je antwoord bekijken of verwijderen")
              .get_attribute("href"))
    rows = page.locator(".stored > div")
    labels = rows.locator("dt").all_text_contents()
    assert {"Antwoordnummer", "Toestemmingstekst"} <= set(labels)
    for row in rows.all():
        label, value = text_box(row.locator("dt")), text_box(row.locator("dd"))
        assert not overlap(label, value), (row.text_content(), label, value)
        if width >= 1280:  # side by side where both fit
            assert abs(label["y"] - value["y"]) < 2 and label["x"] < value["x"]
    assert page.evaluate(OVERFLOW) == 0
