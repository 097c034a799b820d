"""The survey's settings page shows the widget in a frame; choosing a score there records
nothing, and the frame is not refused by its policy."""

from __future__ import annotations

from server.models import Response
from tests.browser.test_dashboard import log_in, shop  # noqa: F401


def test_the_preview_shows_in_the_settings_and_records_nothing(live_server, page, shop):  # noqa: F811
    survey = shop["survey"]
    before = Response.select().where(Response.survey == survey.id).count()
    console_errors = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    log_in(page, live_server, shop["owner"].email)
    page.goto(f"{live_server.url}/dashboard/surveys/{survey.id}/settings")
    preview = page.frame_locator("iframe.widget-preview")
    preview.get_by_text("Voorbeeld: antwoorden hier worden niet opgeslagen.").wait_for()
    preview.locator(".option").nth(9).click()
    preview.get_by_label("Wat beviel je het meest? (optioneel)").fill("Snelle levering")
    preview.get_by_role("button", name="Verstuur").click()
    preview.get_by_text("Dit is een voorbeeld: er is niets opgeslagen.").wait_for()
    assert Response.select().where(Response.survey == survey.id).count() == before
    assert not [e for e in console_errors if "frame-ancestors" in e or "Refused" in e]


def test_the_preview_follows_the_question_as_it_is_typed(live_server, page, shop):  # noqa: F811
    survey = shop["survey"]
    log_in(page, live_server, shop["owner"].email)
    page.goto(f"{live_server.url}/dashboard/surveys/{survey.id}/settings")
    preview = page.frame_locator("iframe.widget-preview")
    preview.get_by_text("Voorbeeld: antwoorden hier worden niet opgeslagen.").wait_for()
    page.fill("#question_nl", "Hoe vond u onze bezorging?")
    preview.get_by_text("Hoe vond u onze bezorging?").wait_for(timeout=10_000)
    page.check("#scale_colours")
    preview.locator(".scale.coloured").wait_for(timeout=10_000)
    page.fill("#why_detractors_nl", "Wat kunnen wij herstellen?")
    page.wait_for_timeout(1000)  # the preview reloads with the typed question
    preview.get_by_text("Hoe vond u onze bezorging?").wait_for(timeout=10_000)
    preview.locator(".option").nth(2).click()
    preview.get_by_text("Wat kunnen wij herstellen? (optioneel)").wait_for(timeout=10_000)
    page.reload()  # nothing was saved
    assert page.input_value("#question_nl") != "Hoe vond u onze bezorging?"
