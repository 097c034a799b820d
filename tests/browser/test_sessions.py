"""In Chromium: a session cookie saved before logging out or a new password opens nothing."""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest

from server.models import Owner

PASSWORD = "browser session password"


@pytest.fixture
def owner(live_db) -> Owner:
    owner = Owner(email=f"sessie-{secrets.token_hex(4)}@example.nl")
    owner.set_password(PASSWORD)
    owner.save()
    return owner


def log_in(page, live_server, email: str, password: str = PASSWORD) -> list[dict]:
    """Log in through the form; the cookies the browser then holds."""
    page.goto(f"{live_server.url}/dashboard")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("button", name="Uitloggen").wait_for()
    return page.context.cookies()


def replay(browser, live_server, cookies: list[dict]):
    """A fresh browser profile given the saved cookies, opening the dashboard."""
    context = browser.new_context(locale="nl-NL")
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/dashboard/sites/new")
    return context, page


def assert_login_page(page) -> None:
    assert "/dashboard/login" in page.url
    assert page.get_by_label("Wachtwoord").is_visible()
    assert page.get_by_role("button", name="Uitloggen").count() == 0


def test_a_cookie_saved_before_logout_gets_the_login_page(browser, live_server, page, owner):
    saved = log_in(page, live_server, owner.email)
    assert any(cookie["name"] == "tevreden_session" for cookie in saved)
    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_role("button", name="Inloggen").wait_for()
    context, replayed = replay(browser, live_server, saved)
    try:
        assert_login_page(replayed)
    finally:
        context.close()


def test_a_new_password_ends_the_open_session_and_its_copies(browser, live_server, page,
                                                             owner):
    saved = log_in(page, live_server, owner.email)
    subprocess.run([sys.executable, "-m", "server.cli", "set-password", owner.email,
                    "--password-stdin"], input="een heel nieuw wachtwoord\n", text=True,
                   env=live_server.env, check=True, capture_output=True)
    page.goto(f"{live_server.url}/dashboard/sites/new")
    assert_login_page(page)
    context, replayed = replay(browser, live_server, saved)
    try:
        assert_login_page(replayed)
    finally:
        context.close()
    log_in(page, live_server, owner.email, "een heel nieuw wachtwoord")
