"""The invitations page in Chromium: connect a shop, read the outbox; accessible (axe) and
without sideways scrolling on a 390 px wide phone."""

from __future__ import annotations

import datetime as dt
import secrets

from server.models import Hook, Invitation, OutboxMail, Owner, Site, Survey, utcnow
from tests.browser.test_dashboard import PASSWORD, log_in


def arrange(live_server) -> tuple[Owner, Survey]:
    owner = Owner(email=f"uitnodiger-{secrets.token_hex(4)}@example.nl")
    owner.set_password(PASSWORD)
    owner.save()
    site = Site.create(owner=owner, name="Boekhandel Uitnodiging", origins=[live_server.url])
    survey = Survey.create_for(site, name="Na levering", metric="nps", invite_delay_days=0)
    hook = Hook.issue(survey, "shopify")
    now = utcnow()
    for number, status in enumerate(("scheduled", "sent", "answered", "failed")):
        invitation = Invitation.create(
            survey=survey, order_id=f"#{1000 + number}-{'x' * 40}", status=status,
            email="een.heel.lang.adres.van.een.klant@voorbeeld-webwinkel.nl"
            if status == "scheduled" else None, email_hash=secrets.token_hex(32),
            completed_at=now, invite_due_at=now, sent_at=None if status == "scheduled" else now)
        if status == "scheduled":
            OutboxMail.create(invitation=invitation, kind="invitation", subject="Hoe was het?",
                              recipient=invitation.email, message="...",
                              message_id="<1@localhost>", attempts=3,
                              next_attempt_at=now + dt.timedelta(minutes=4),
                              last_error="SMTPServerDisconnected: Connection unexpectedly "
                                         "closed by mail.provider.example.nl:587 " * 3)
    Hook.update(last_used_at=now).where(Hook.id == hook.id).execute()
    return owner, survey


def check_page(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide"
    violations = [v for v in Axe().run(page).response["violations"]
                  if v["impact"] in ("serious", "critical")]
    assert violations == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]])
                              for v in violations]


def test_connect_a_shop_and_read_the_outbox_on_a_phone(live_server, live_db, page):
    owner, survey = arrange(live_server)
    console_errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/dashboard/surveys/{survey.id}/invitations")
    assert page.get_by_role("heading", name="Postvak uit").is_visible()
    check_page(page)
    page.get_by_label("Soort winkel").select_option("woocommerce")
    page.get_by_role("button", name="Winkel koppelen").click()
    secret = page.get_by_test_id("hook-secret").input_value()
    assert Hook.select().where(Hook.secret == secret, Hook.kind == "woocommerce").exists()
    check_page(page)
    page.goto(f"{live_server.url}/dashboard/surveys/{survey.id}/invitations?lang=en")
    assert page.get_by_role("heading", name="Connect your shop").is_visible()
    check_page(page)
    assert console_errors == []
