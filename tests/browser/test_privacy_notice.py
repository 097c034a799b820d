"""The privacy notice in Chromium: reached from the widget, switches language, accessible."""

from __future__ import annotations

from server.models import Owner, Site, Survey


def make_survey(origin: str) -> Survey:
    owner = Owner(email=f"privacy-browser-{origin.rsplit(':', 1)[-1]}@example.nl")
    owner.set_password("correct horse battery")
    owner.save()
    site = Site.create(owner=owner, name="Boekhandel Kaft", origins=[origin],
                       contact_email="privacy@kaft.nl")
    return Survey.create_for(site, metric="csat", consent_mode="optional", retention_days=120)


def test_the_notice_from_the_widget_link_in_both_languages(live_server, live_db, host_site,
                                                          context, page):
    from axe_playwright_python.sync_playwright import Axe

    survey = make_survey(host_site.url)
    problems: list[str] = []
    # CSP violations and script errors show in the console; failed loads by their address.
    context.on("console", lambda m: problems.append(m.text)
               if m.type == "error" and "Failed to load resource" not in m.text else None)
    context.on("weberror", lambda e: problems.append(str(e.error)))
    context.on("response", lambda r: problems.append(f"{r.status} {r.url}")
               if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.goto(f"{live_server.url}/w/{survey.id}")
    with context.expect_page() as opened:
        page.get_by_role("link", name="Privacy").click()
    notice = opened.value
    notice.wait_for_load_state()
    assert notice.url.startswith(f"{live_server.url}/privacy/{survey.id}")
    assert notice.get_by_role("heading", level=1).inner_text() == "Privacyverklaring"
    assert "120 dagen" in notice.locator("#retention").inner_text()
    assert "privacy@kaft.nl" in notice.locator("#controller").inner_text()
    notice.get_by_role("link", name="English").click()
    notice.wait_for_load_state()
    assert notice.get_by_role("heading", level=1).inner_text() == "Privacy notice"
    assert "120 days" in notice.locator("#retention").inner_text()
    violations = [v for v in Axe().run(notice).response["violations"]
                  if v["impact"] in ("serious", "critical")]
    assert violations == [], [(v["id"], v["help"]) for v in violations]
    assert problems == []  # no CSP violations, no script errors
    assert notice.context.cookies() == []
