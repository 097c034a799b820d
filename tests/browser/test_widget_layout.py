"""Where things sit on a phone and a desktop: the receipt's labels never over their values."""

from __future__ import annotations

import pytest

from tests.browser.test_widget import make_survey

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
