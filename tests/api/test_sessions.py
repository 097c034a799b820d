"""Sessions end for good: a cookie saved before a logout or a new password opens nothing."""

from __future__ import annotations

import io
import sys

import pytest

from server.cli import main
from tests.api.test_dashboard import csrf_of
from tests.conftest import TEST_KEY

PASSWORD = "correct horse battery"
COOKIE = "tevreden_session"


def log_in(client, email: str, password: str = PASSWORD) -> str:
    """Log in through the form; the session cookie the browser then holds."""
    token = csrf_of(client.get("/dashboard/login").get_data(as_text=True))
    response = client.post("/dashboard/login", data={"email": email, "password": password,
                                                     "csrf_token": token})
    assert response.status_code == 302 and response.location == "/dashboard"
    return client.get_cookie(COOKIE).value


def log_out(client) -> None:
    token = csrf_of(client.get("/dashboard").get_data(as_text=True))
    assert client.post("/dashboard/logout", data={"csrf_token": token}).status_code == 302


def replay(client, cookie: str):
    """The saved cookie, sent again: what someone who copied it would do."""
    client.set_cookie(COOKIE, cookie)
    return client.get("/dashboard", follow_redirects=True)


def assert_opens_dashboard(response) -> None:
    assert response.status_code == 200 and "Uitloggen" in response.get_data(as_text=True)


def assert_sent_to_login(response) -> None:
    """The login form, as for a visitor who never logged in."""
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="password"' in page, page[:300]
    assert "Uitloggen" not in page


@pytest.fixture
def set_password(app, database_url, monkeypatch, capsys):
    """`tevreden set-password EMAIL --password-stdin`, in-process on the test database."""
    monkeypatch.setenv("TEVREDEN_DATABASE_URL", database_url)
    monkeypatch.setenv("TEVREDEN_SECRET_KEY", TEST_KEY)

    def run(email: str, password: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
        with pytest.raises(SystemExit) as exit_info:
            main(["set-password", email, "--password-stdin"])
        assert exit_info.value.code == 0, capsys.readouterr()

    return run


def test_a_cookie_saved_before_logout_opens_nothing(client, make):
    owner = make.owner(password=PASSWORD)
    saved = log_in(client, owner.email)
    assert_opens_dashboard(replay(client, saved))
    log_out(client)
    assert_sent_to_login(replay(client, saved))
    log_in(client, owner.email)  # logging in again works as before
    assert_opens_dashboard(client.get("/dashboard"))


def test_logout_ends_the_sessions_on_other_devices_too(app, make):
    owner = make.owner(password=PASSWORD)
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, owner.email)
    log_in(phone, owner.email)
    log_out(laptop)
    assert_sent_to_login(phone.get("/dashboard"))


def test_a_new_password_ends_every_earlier_session(client, make, set_password):
    owner = make.owner(password=PASSWORD)
    other = make.owner(password=PASSWORD)
    saved = log_in(client, owner.email)
    bystander = client.application.test_client()
    log_in(bystander, other.email)
    set_password(owner.email, "een-nieuw-wachtwoord")
    assert_sent_to_login(replay(client, saved))
    assert_opens_dashboard(bystander.get("/dashboard"))  # another owner keeps theirs
    log_in(client, owner.email, "een-nieuw-wachtwoord")
    assert_opens_dashboard(client.get("/dashboard"))
