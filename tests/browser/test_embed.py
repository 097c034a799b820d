"""The loader on a shop page from another origin: the popup, closing it, not asking again
within the recontact period, the sample, the queue stub and the language."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from server.models import RefusedOrigin, Site
from tests.browser.test_widget import FRAME, host_page, make_survey, shown_frame

STUB = ("<script>window.Tevreden=window.Tevreden||{q:[],show:function(o){this.q.push(o)}};"
        "Tevreden.show({touchpoint:'klantenservice',segment:'vip'});</script>")


def stored(page) -> list:
    return page.evaluate("Object.entries(localStorage)")


def settle(page) -> None:
    """Let a show() call fetch the settings and decide."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(150)


def test_popup_closes_and_respects_the_recontact_period(page, context, live_server, live_db,
                                                        host_site):
    survey = make_survey(host_site, recontact_days=30)
    page.goto(host_page(host_site, live_server, survey, mode="popup", lang="en"))
    iframe, widget = shown_frame(page)
    assert iframe.evaluate("e => getComputedStyle(e).position") == "fixed"
    expect(widget.locator("html")).to_have_attribute("lang", "en")
    expect(widget.get_by_text("How likely are you to recommend us")).to_be_visible()

    widget.get_by_role("button", name="Close").click()
    expect(page.locator(FRAME)).to_have_count(0)
    # Only a timestamp, under the survey's name: no identifier of the visitor.
    [(key, value)] = stored(page)
    assert key == f"tevreden:{survey.id}" and re.fullmatch(r"\d{13}", value)

    page.evaluate("Tevreden.show()")  # within the recontact period: nothing happens
    settle(page)
    expect(page.locator(FRAME)).to_have_count(0)
    page.reload()
    settle(page)
    expect(page.locator(FRAME)).to_have_count(0)

    page.evaluate("localStorage.clear(); Tevreden.show()")  # Escape on the shop page
    shown_frame(page)
    page.keyboard.press("Escape")
    expect(page.locator(FRAME)).to_have_count(0)

    page.evaluate("localStorage.clear(); Tevreden.show()")  # Escape inside the widget
    shown_frame(page)
    page.frame_locator(FRAME).get_by_role("radio", name="5", exact=True).focus()
    page.keyboard.press("Escape")
    expect(page.locator(FRAME)).to_have_count(0)
    assert context.cookies() == []


# Counts the page's reads of window.localStorage (the first is a synchronous round trip to the
# browser, and reading a visitor's storage needs a reason).
STORAGE_SPY = """(() => {
  const real = Object.getOwnPropertyDescriptor(window, 'localStorage');
  window.storageReads = 0;
  Object.defineProperty(window, 'localStorage', {configurable: true, get() {
    window.storageReads += 1;
    return real.get.call(window);
  }});
})()"""


def test_the_loader_reads_the_visitors_storage_only_for_a_popup_it_may_show(
        page, live_server, live_db, host_site):
    page.add_init_script(STORAGE_SPY)
    survey = make_survey(host_site, recontact_days=30)
    page.goto(host_page(host_site, live_server, survey, trigger="manual", mode="popup"))
    settle(page)
    assert page.evaluate("storageReads") == 0  # loaded, never asked to show

    page.goto(host_page(host_site, live_server, survey, mode="inline"))
    shown_frame(page)
    assert page.evaluate("storageReads") == 0  # inline keeps no timestamp

    page.goto(host_page(host_site, live_server, survey, trigger="manual", mode="popup"))
    settle(page)
    page.evaluate("Tevreden.show()")
    shown_frame(page)
    assert page.evaluate("storageReads") > 0
    assert [key for key, _ in stored(page)] == [f"tevreden:{survey.id}"]
    page.reload()  # within the recontact period
    settle(page)
    page.evaluate("Tevreden.show()")
    settle(page)
    expect(page.locator(FRAME)).to_have_count(0)


def test_a_failed_settings_request_shows_nothing_and_a_later_show_works(page, live_server,
                                                                        live_db, host_site):
    survey = make_survey(host_site)
    settings = f"{live_server.url}/w/{survey.id}/settings"
    page.route(settings, lambda route: route.abort())
    page.goto(host_page(host_site, live_server, survey, trigger="manual", mode="popup"))
    page.evaluate("Tevreden.show()")
    settle(page)
    expect(page.locator(FRAME)).to_have_count(0)
    page.route(settings, lambda route: route.fulfill(status=500, body="not json"))
    page.evaluate("Tevreden.show()")
    settle(page)
    expect(page.locator(FRAME)).to_have_count(0)
    assert stored(page) == []  # nothing was shown, so the visitor may still be asked

    page.unroute(settings)
    page.evaluate("Tevreden.show()")
    shown_frame(page)
    assert [key for key, _ in stored(page)] == [f"tevreden:{survey.id}"]


def test_only_the_widgets_own_frame_resizes_or_closes_it(page, live_server, live_db,
                                                         host_site):
    survey = make_survey(host_site)
    page.goto(host_page(host_site, live_server, survey, mode="popup"))
    iframe, _ = shown_frame(page)
    height = iframe.evaluate("e => e.style.height")
    # Neither the shop page itself nor another frame of the widget's origin is the widget.
    page.evaluate("""() => {
        postMessage({tevreden: 'resize', height: 7}, '*');
        postMessage({tevreden: 'close'}, '*');
    }""")
    src = iframe.get_attribute("src")
    with page.expect_event("framenavigated", lambda frame: frame.url == src
                           and frame.frame_element().get_attribute("name") == "other") as event:
        page.evaluate("""src => {
            const other = document.createElement('iframe');
            other.name = 'other';
            other.src = src;
            document.body.append(other);
        }""", src)
    other = event.value
    other.wait_for_load_state()
    other.evaluate("""() => {
        parent.postMessage({tevreden: 'resize', height: 7}, '*');
        parent.postMessage({tevreden: 'close'}, '*');
    }""")
    page.wait_for_timeout(300)
    expect(page.locator(FRAME)).to_have_count(1)
    assert iframe.evaluate("e => e.style.height") == height


def test_the_queue_stub_and_a_manual_trigger(page, live_server, live_db, host_site):
    survey = make_survey(host_site)
    page.goto(host_page(host_site, live_server, survey, head=STUB, trigger="manual",
                        mode="popup"))
    iframe, widget = shown_frame(page)  # the call made before the loader arrived
    source = iframe.get_attribute("src")
    assert "touchpoint=klantenservice" in source and "segment=vip" in source
    assert f"origin={host_site.url.replace(':', '%3A').replace('/', '%2F')}" in source
    widget.get_by_role("radio", name="9", exact=True).click()
    expect(widget.get_by_role("heading", name=re.compile("Bedankt!"))).to_be_visible()
    answer = survey.responses.get()
    assert (answer.score, answer.touchpoint, answer.segment) == (9, "klantenservice", "vip")


def test_a_manual_trigger_waits_for_show(page, live_server, live_db, host_site):
    survey = make_survey(host_site)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(host_page(host_site, live_server, survey, trigger="manual"))
    settle(page)
    expect(page.locator(FRAME)).to_have_count(0)
    assert not [url for url in requests if "/w/" in url]  # no iframe, not even settings


def test_the_sample_leaves_most_visitors_alone(page, live_server, live_db, host_site):
    survey = make_survey(host_site, sample_percent=1)
    page.add_init_script("Math.random = () => 0.5")  # this visitor is not in the 1 %
    page.goto(host_page(host_site, live_server, survey, mode="popup"))
    settle(page)
    expect(page.locator(FRAME)).to_have_count(0)
    assert [key for key, _ in stored(page)] == [f"tevreden:{survey.id}"]  # not re-drawn

    wider = make_survey(host_site, sample_percent=60)  # 50 < 60: this visitor is in
    page.goto(host_page(host_site, live_server, wider, mode="popup", delay="0"))
    shown_frame(page)


def test_a_refused_origin_keeps_no_timestamp_and_shows_on_the_install_page(
        page, live_server, live_db, host_site):
    survey = make_survey(host_site, recontact_days=30)
    Site.update(origins=["https://www.andere-winkel.nl"]).where(
        Site.id == survey.site_id).execute()
    page.goto(host_page(host_site, live_server, survey, mode="popup"))
    settle(page)
    page.wait_for_timeout(500)
    assert page.locator(FRAME).evaluate("e => e.offsetHeight") == 0  # the browser refused it
    assert stored(page) == []  # never shown, so the visitor may be asked once it works
    refused = [r.origin for r in RefusedOrigin.recent(Site.get_by_id(survey.site_id))]
    assert refused == [host_site.url]


def answer_in_popup(page, live_server, host_site):
    """Score and skip the comment with the keyboard (the pointer never enters the widget)."""
    survey = make_survey(host_site)
    page.goto(host_page(host_site, live_server, survey, mode="popup"))
    _, widget = shown_frame(page)
    widget.get_by_role("radio", name="9", exact=True).focus()
    page.keyboard.press("Space")
    # htmx takes the new step over once settled, when it also moves the focus to its heading.
    expect(widget.get_by_role("heading", name=re.compile("Bedankt! Je score 9"))).to_be_focused()
    widget.get_by_role("button", name="Nee, bedankt").focus()
    page.keyboard.press("Enter")
    expect(widget.get_by_role("heading", name="Bedankt voor je feedback!")).to_be_focused()
    return widget


def answer_with_the_mouse(page, live_server, host_site):
    """Score and skip the comment with clicks, then move the pointer onto the shop's page."""
    survey = make_survey(host_site)
    page.goto(host_page(host_site, live_server, survey, mode="popup"))
    _, widget = shown_frame(page)
    widget.get_by_role("radio", name="9", exact=True).click()
    widget.get_by_role("button", name="Nee, bedankt").click()
    expect(widget.get_by_role("heading", name="Bedankt voor je feedback!")).to_be_focused()
    page.mouse.move(20, 20)
    return widget


def test_the_popup_closes_itself_once_the_mouse_left_the_thanks(page, live_server, live_db,
                                                                host_site):
    answer_with_the_mouse(page, live_server, host_site)
    expect(page.locator(FRAME)).to_have_count(1)
    expect(page.locator(FRAME)).to_have_count(0, timeout=10_000)  # after a few seconds


def test_the_thanks_stay_for_a_keyboard_visitor(page, live_server, live_db, host_site):
    widget = answer_in_popup(page, live_server, host_site)
    page.wait_for_timeout(9_000)  # a screen reader reads the heading: no key reaches the page
    expect(page.locator(FRAME)).to_have_count(1)
    page.keyboard.press("Tab")
    expect(widget.get_by_role("link", name="Je antwoord bekijken of verwijderen")).to_be_focused()


def test_the_thanks_stay_once_the_pointer_came_back(page, live_server, live_db, host_site):
    widget = answer_with_the_mouse(page, live_server, host_site)
    box = page.locator(FRAME).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=4)
    page.mouse.move(20, 20, steps=4)  # back on the shop's page, the visitor may still come back
    page.wait_for_timeout(9_000)
    expect(page.locator(FRAME)).to_have_count(1)
    expect(widget.get_by_role("button", name="Sluiten", exact=True).last).to_be_visible()


def test_the_thanks_stay_while_the_visitor_is_in_them(page, live_server, live_db, host_site):
    widget = answer_in_popup(page, live_server, host_site)
    widget.get_by_role("link", name="Je antwoord bekijken of verwijderen").focus()
    page.wait_for_timeout(9_000)
    expect(page.locator(FRAME)).to_have_count(1)  # focus inside: it waits
    widget.get_by_role("button", name="Sluiten").first.click()  # and can still be closed
    expect(page.locator(FRAME)).to_have_count(0)
