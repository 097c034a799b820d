"""Passwords by e-mail: "forgot your password" answers the same for every address, and a
link sets a password once, within its hour (a member's welcome within a week), for its own
purpose only; the new password ends every other session."""

from __future__ import annotations

import re
import time

from server.app import create_app
from server.jobs.invitations import send_due
from server.jobs.queue import queue_of
from server.models import Member, OutboxMail, Owner
from server.signing import sign
from tests.api.test_dashboard import csrf_of, post, quick_owner, sign_in
from tests.api.test_sessions import (
    COOKIE,
    assert_opens_dashboard,
    assert_sent_to_login,
    log_in,
    replay,
)
from tests.conftest import settings_for
from tests.helpers import run_queued
from tests.mailserver import text_of

PASSWORD, NEW = "correct horse battery", "nieuw paard batterij"
LINK = re.compile(r"http://tevreden\.test(/dashboard/password/(?:reset|member)/\S+)")


def ask_reset(client, email: str, run_worker: bool = True):
    """Ask for a link; the worker (run here at once) looks the address up and sends it."""
    token = csrf_of(client.get("/dashboard/password/forgot").get_data(as_text=True))
    answer = client.post("/dashboard/password/forgot", data={"email": email, "csrf_token": token})
    if run_worker:
        run_queued(client.application)
    return answer


def choose(client, path: str, password: str = NEW, repeat: str | None = None):
    page = client.get(path)
    if page.status_code != 200:
        return page
    token = csrf_of(page.get_data(as_text=True))
    return client.post(path, data={"password": password, "repeat": repeat or password,
                                   "csrf_token": token})


def link_in_outbox(email: str) -> str:
    mail = OutboxMail.select().where(OutboxMail.recipient == email).order_by(
        OutboxMail.id.desc()).first()
    return LINK.search(mail.message.replace("=\n", "")).group(1)


def test_the_login_page_offers_a_reset(client):
    page = client.get("/dashboard/login").get_data(as_text=True)
    assert 'href="/dashboard/password/forgot"' in page and "Wachtwoord vergeten?" in page


def test_the_answer_is_the_same_whether_the_address_has_an_account(app, client, make):
    owner = make.owner("jan@example.nl")
    queue = queue_of(app)
    run_queued(app)  # what earlier tests left
    known = ask_reset(client, owner.email, run_worker=False)
    unknown = ask_reset(client, "niemand@example.nl", run_worker=False)
    assert known.status_code == unknown.status_code == 200
    strip = re.compile(r'value="[^"]*"|jan@example\.nl|niemand@example\.nl')
    assert strip.sub("", known.get_data(as_text=True)) == strip.sub(
        "", unknown.get_data(as_text=True))
    assert "een link onderweg" in known.get_data(as_text=True)
    # The request does the same for both, so the time it takes tells nothing: one task each,
    # no mail yet; the worker looks the addresses up.
    assert [(t.name, t.args) for t in queue.pending()] == [
        ("password-reset", ("jan@example.nl",)), ("password-reset", ("niemand@example.nl",))]
    assert not OutboxMail.select().exists()
    run_queued(app)
    # Without a mail server the mail waits in the outbox; nothing for an unknown address.
    assert [(m.kind, m.recipient) for m in OutboxMail.select()] == [("reset", owner.email)]


def test_the_reset_mail_arrives_and_its_link_ends_every_other_session(app, client, make, smtp):
    owner = make.owner("jan@example.nl", password=PASSWORD)
    old_cookie = log_in(app.test_client(), owner.email)
    ask_reset(client, owner.email)  # the worker looks it up and sends the mail at once
    [message] = smtp.inbox.wait_for(1)
    assert message["To"].addresses[0].addr_spec == "jan@example.nl"
    assert message["Subject"] == "Een nieuw wachtwoord voor Tevreden"
    path = LINK.search(text_of(message)).group(1)
    assert path.startswith("/dashboard/password/reset/")
    done = choose(client, path)
    assert done.status_code == 302
    assert "Uw wachtwoord is opgeslagen" in client.get(done.location).get_data(as_text=True)
    assert_opens_dashboard(client.get("/dashboard"))  # this session goes on
    assert_sent_to_login(replay(app.test_client(), old_cookie))  # every other one ended
    assert Owner.by_email(owner.email).check_password(NEW)


def test_a_link_works_once(client, make):
    owner = make.owner("jan@example.nl")
    ask_reset(client, owner.email)
    path = link_in_outbox(owner.email)
    assert choose(client, path).status_code == 302
    again = choose(client, path, "derde paard batterij")
    assert again.status_code == 400 and "verlopen of al gebruikt" in again.get_data(as_text=True)
    assert Owner.by_email(owner.email).check_password(NEW)


def test_a_reset_link_expires_after_an_hour(client, make, monkeypatch):
    owner = make.owner("jan@example.nl")
    ask_reset(client, owner.email)
    path = link_in_outbox(owner.email)
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get(path).status_code == 400
    assert Owner.by_email(owner.email).check_password(PASSWORD)


def test_a_link_for_another_purpose_is_refused(client, make):
    owner = make.owner("jan@example.nl")
    payload = {"o": owner.id, "f": owner.password_fingerprint()}
    for purpose in ("member", "unsubscribe", "receipt"):
        path = f"/dashboard/password/reset/{sign(purpose, payload)}"
        assert choose(client, path).status_code == 400, purpose
    assert choose(client, f"/dashboard/password/member/{sign('reset', payload)}"
                  ).status_code == 400
    assert Owner.by_email(owner.email).check_password(PASSWORD)


def test_the_two_passwords_must_match_and_be_long_enough(client, make):
    owner = make.owner("jan@example.nl")
    ask_reset(client, owner.email)
    path = link_in_outbox(owner.email)
    short = choose(client, path, "kort")
    assert short.status_code == 422 and "van 10 tot 200 tekens" in short.get_data(as_text=True)
    other = choose(client, path, NEW, "iets anders dan dat")
    assert other.status_code == 422 and "niet gelijk" in other.get_data(as_text=True)
    assert choose(client, path).status_code == 302  # a refused form spends nothing


def test_a_new_member_chooses_a_password_from_the_welcome_mail(client, make, smtp):
    site = make.site(name="Fietsenwinkel Jansen")
    sign_in(client, site.owner)
    post(client, f"/dashboard/sites/{site.id}/members",
         {"email": "collega@example.nl", "role": "viewer"})
    assert log_in_fails("collega@example.nl", client.application)
    send_due()
    [message] = smtp.inbox.wait_for(1)
    assert message["Subject"] == "U hebt toegang tot Fietsenwinkel Jansen in Tevreden"
    assert "7 dagen" in text_of(message)
    path = LINK.search(text_of(message)).group(1)
    assert path.startswith("/dashboard/password/member/")
    member_client = client.application.test_client()
    assert choose(member_client, path).status_code == 302
    assert "Fietsenwinkel Jansen" in member_client.get("/dashboard").get_data(as_text=True)
    colleague = Owner.by_email("collega@example.nl")
    assert colleague.check_password(NEW)
    assert Member.get(Member.owner == colleague).role == "viewer"


def log_in_fails(email: str, app) -> bool:
    """Before choosing a password, no password opens the account (not even an empty one)."""
    client = app.test_client()
    token = csrf_of(client.get("/dashboard/login").get_data(as_text=True))
    answers = [client.post("/dashboard/login", data={"email": email, "password": password,
                                                     "csrf_token": token}).status_code
               for password in ("", "!", PASSWORD)]
    return answers == [401, 401, 401] and client.get_cookie(COOKIE) is not None


def test_asking_for_links_is_rate_limited_like_login(app, database_url):
    limited = create_app(settings_for(database_url, RATELIMIT_ENABLED=True,
                                      RATELIMIT_LOGIN="2/minute", RATELIMIT_STORAGE="memory://"))
    with limited.app_context():
        client = limited.test_client()
        answers = [ask_reset(client, "niemand@example.nl").status_code for _ in range(3)]
    assert answers == [200, 200, 429]


def test_an_unknown_member_login_is_refused_even_with_the_unusable_hash(client):
    quick_owner("half@example.nl")  # password_hash "!unusable", as an invited member's
    assert log_in_fails("half@example.nl", client.application)
