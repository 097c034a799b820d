"""A phone, 390 px wide, and a desktop: every owner page passes axe and none scrolls sideways;
the widget's whole scale fits in touch targets of at least 44 × 44 px. Screenshots are kept
as test artefacts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from server.models import (
    Alert,
    AlertDelivery,
    ApiToken,
    Hook,
    Member,
    Owner,
    Response,
    Survey,
    utcnow,
)
from server.signing import cached_serializer
from tests.browser.test_dashboard import PASSWORD, demo_like, log_in, shop  # noqa: F401
from tests.browser.test_widget import host_page, make_survey, shown_frame
from tests.browser.test_widget_accessibility import assert_accessible

SHOTS = Path(os.environ.get("TEVREDEN_SCREENSHOTS", "test-artifacts/screenshots"))
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def owner_pages(shop, reset_token: str = "verlopen") -> dict[str, str]:  # noqa: F811
    survey, site = shop["survey"], shop["site"]
    return {"overview": "/dashboard", "report": f"/dashboard/surveys/{survey.id}",
            "report-all": f"/dashboard/surveys/{survey.id}?period=all",
            "preview": f"/w/{survey.id}/preview?mode=inline",
            "target": f"/dashboard/surveys/{survey.id}/target",
            "settings": f"/dashboard/surveys/{survey.id}/settings",
            "install": f"/dashboard/surveys/{survey.id}/install",
            "followups": f"/dashboard/surveys/{survey.id}/followups?status=all",
            "comments": f"/dashboard/surveys/{survey.id}/comments",
            "themes": f"/dashboard/surveys/{survey.id}/themes",
            "invitations": f"/dashboard/surveys/{survey.id}/invitations",
            "alerts": f"/dashboard/surveys/{survey.id}/alerts",
            "tokens": f"/dashboard/sites/{site.id}/tokens",
            "site-settings": f"/dashboard/sites/{site.id}/settings",
            "privacy": f"/dashboard/sites/{site.id}/privacy?contact=klant%40example.nl",
            "digest": "/dashboard/digest",
            "missing": "/dashboard/surveys/bestaat-niet",
            "password-forgot": "/dashboard/password/forgot",
            "password-choose": f"/dashboard/password/reset/{reset_token}",
            "archive-confirm": f"/dashboard/surveys/{survey.id}/archive",
            "site-archive-confirm": f"/dashboard/sites/{site.id}/archive"}


def archived_pages(survey) -> dict[str, str]:
    """An archived survey: the overview with its Archived section open, its read-only pages."""
    return {"overview-archived": "/dashboard?archived=" + survey.name,
            "archived-report": f"/dashboard/surveys/{survey.id}",
            "archived-settings": f"/dashboard/surveys/{survey.id}/settings"}


# What a viewer reads: the values without forms they could not send.
VIEWER_PAGES = ("settings", "site-settings", "target", "followups", "alerts", "tokens",
                "privacy")


@pytest.mark.parametrize("width", [390, 1280])
def test_owner_pages_pass_axe_and_never_scroll_sideways(live_server, page, demo_like, width):  # noqa: F811
    survey = demo_like["survey"]
    answer = Response.create(survey=survey, score=3,
                             comment="https://" + "lang-adres." * 12 + "nl",
                             touchpoint="een-heel-lang-klantmoment-zonder-spaties-erin",
                             contact="klant@example.nl", consent_at=utcnow(), followup="open",
                             followup_note="Gebeld; " + "lange-notitie-zonder-spaties" * 4)
    alert = Alert.issue(survey, "keyword:levering", ["team@" + "lang-adres." * 6 + "nl"],
                        "https://hooks.example.nl/" + "lang-pad-" * 12)
    AlertDelivery.create(alert=alert, response=answer, channel="webhook", attempts=3,
                         last_error="URLError: " + "lange-foutmelding-" * 8,
                         next_attempt_at=utcnow())
    ApiToken.issue(demo_like["site"], scope="export", name="Boekhouding " * 3)
    Hook.issue(survey, "woocommerce")  # a connected shop, with its disconnect button
    colleague = Owner.invited("een.heel.lange.naam.van.een.collega" + str(width) + "@example.nl")
    Member.create(site=demo_like["site"], owner=colleague, role="manager")
    # Signed as the live server signs (its key), so the page shows the form, not the refusal.
    token = cached_serializer("reset", (live_server.env["TEVREDEN_SECRET_KEY"],)).dumps(
        {"o": colleague.id, "f": colleague.password_fingerprint()})
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, demo_like["owner"].email)
    SHOTS.mkdir(parents=True, exist_ok=True)
    wide = {}
    unanswered = Survey.create_for(demo_like["site"], name="Nieuw", metric="csat")
    old = Survey.create_for(demo_like["site"], name="Oude enquête", metric="csat",
                            archived_at=utcnow())
    Response.create(survey=old, score=4, comment="Prima")
    pages = {**owner_pages(demo_like, token), **archived_pages(old),
             "answer": f"/dashboard/surveys/{survey.id}/answers/{answer.id}",
             "report-empty": f"/dashboard/surveys/{unanswered.id}"}
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
        if overflow := page.evaluate(OVERFLOW):
            wide[name] = overflow
        assert_accessible(page, f"{name} at {width} px")
    assert wide == {}


# The size a chart's text is drawn at on the screen, in CSS pixels.
DRAWN_TEXT = """() => [...document.querySelectorAll('.chart-svg text')].map(
    text => text.getScreenCTM().a * parseFloat(getComputedStyle(text).fontSize))"""

# A chart's "no answers" message that its frame does not show whole, without scrolling.
CUT_OFF_MESSAGES = """() => [...document.querySelectorAll('.chart-empty')].filter(text => {
    const shown = text.closest('.chart-frame').getBoundingClientRect();
    const drawn = text.getBoundingClientRect();
    return drawn.left < shown.left || drawn.right > shown.right; }).map(t => t.textContent)"""


@pytest.mark.parametrize("width", [390, 1280])
def test_charts_and_the_comment_search_are_legible_at_any_width(
        live_server, page, demo_like, width):  # noqa: F811
    survey = demo_like["survey"]
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, demo_like["owner"].email)
    for query in ("?period=all", "?from=2001-01-01&to=2001-01-31"):  # with data, and without
        page.goto(f"{live_server.url}/dashboard/surveys/{survey.id}{query}")
        sizes = page.evaluate(DRAWN_TEXT)
        assert sizes and min(sizes) >= 11.5, (query, sizes)
        assert page.evaluate(OVERFLOW) == 0
        assert page.evaluate(CUT_OFF_MESSAGES) == []
        if query == "?period=all":  # the distribution shows every value without scrolling
            assert page.evaluate("""() => { const f = document.querySelector(
                ".chart-frame[aria-labelledby='distribution-title']");
                return f.scrollWidth <= f.clientWidth; }""")
        if query == "?period=all":  # the trend opens on its latest period, scrolled or not
            last = page.locator("#trend-title").locator("xpath=..").locator(
                "circle.chart-point:has(title)").last.bounding_box()
            frame = page.locator(".chart-frame[aria-labelledby='trend-title']").bounding_box()
            assert frame["x"] <= last["x"] and last["x"] + last["width"] <= (
                frame["x"] + frame["width"]), (last, frame)
    page.goto(f"{live_server.url}/dashboard/surveys/{survey.id}/comments")
    box = page.locator("#search-q").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 200, box
    assert page.evaluate(OVERFLOW) == 0


@pytest.mark.parametrize("width", [390, 1280])
def test_a_viewers_pages_pass_axe_and_never_scroll_sideways(live_server, page, shop, width):  # noqa: F811
    viewer = Owner(email=f"kijker-{width}@example.nl")
    viewer.set_password(PASSWORD)
    viewer.save()
    Member.create(site=shop["site"], owner=viewer, role="viewer")
    Response.create(survey=shop["survey"], score=1, followup="open", followup_note="Gebeld")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, viewer.email)
    SHOTS.mkdir(parents=True, exist_ok=True)
    wide = {}
    for name in VIEWER_PAGES:
        page.goto(live_server.url + owner_pages(shop)[name])
        page.wait_for_load_state("networkidle")
        page.screenshot(path=SHOTS / f"viewer-{name}-{width}.png", full_page=True)
        assert page.get_by_text("U hebt leesrechten op deze site").is_visible(), name
        if overflow := page.evaluate(OVERFLOW):
            wide[name] = overflow
        assert_accessible(page, f"{name} for a viewer at {width} px")
    assert wide == {}


@pytest.mark.parametrize("metric, count", [("nps", 11), ("ces", 7), ("csat", 5)])
def test_every_score_is_visible_and_big_enough_on_a_phone(page, live_server, live_db,
                                                          host_site, metric, count):
    survey = make_survey(host_site, metric=metric)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(host_page(host_site, live_server, survey, mode="inline"))
    iframe, widget = shown_frame(page)
    frame = iframe.bounding_box()
    options = widget.locator(".option .number")
    assert options.count() == count
    for index in range(count):
        box = options.nth(index).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (index, box)
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    assert widget.locator("html").evaluate(f"() => {OVERFLOW}") == 0
