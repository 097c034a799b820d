"""Invitations by e-mail, delivered to a real SMTP server over a socket: headers, language,
score links that record the answer, one-click unsubscribe, and nothing lost."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

import pytest

from server.jobs.invitations import send_due
from server.models import Hook, Invitation, OutboxMail, Response, utcnow
from server.models.outbox import LEASE
from tests.api.test_responses import JSON
from tests.mailserver import MailServer, score_links, text_of
from tests.orders import generic_order, post_order


@pytest.fixture
def survey(make):
    site = make.site(name="Bakkerij Één")
    return make.survey(site, invite_delay_days=0)


@pytest.fixture
def hook(survey):
    return Hook.issue(survey, "generic")


def now_order(order_id: str = "A-1", **extra) -> dict:
    return generic_order(order_id, **{"completed_at": utcnow().isoformat(), **extra})


def test_the_invitation_arrives_with_the_right_headers(client, smtp, hook, survey):
    assert post_order(client, hook, now_order()).status_code == 202
    assert send_due()["sent"] == 1
    [message] = smtp.inbox.wait_for(1)
    assert smtp.inbox.envelopes == [("noreply@localhost", ["klant@example.nl"])]
    raw = message.as_string()
    assert "=?utf-8?" in raw.split("\n\n", 1)[0].lower()  # the subject's É, encoded
    assert message["Subject"] == "Hoe was je bestelling bij Bakkerij Één?"
    assert message["From"].addresses[0].display_name == "Bakkerij Één"
    assert message["To"].addresses[0].addr_spec == "klant@example.nl"
    assert email.utils.parsedate_to_datetime(message["Date"]).tzinfo is not None
    assert re.fullmatch(r"<[^<>@\s]+@localhost>", message["Message-ID"])
    unsubscribe = re.fullmatch(r"<(http://tevreden\.test/u/\S+)>", message["List-Unsubscribe"])
    assert unsubscribe and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    text, html = text_of(message), text_of(message, "html")
    assert "Beste Jan Jansen" in text and survey.question("nl") in text
    assert f"http://tevreden.test/privacy/{survey.id}" in text and "Afmelden" in text
    links = score_links(message)
    assert sorted(links) == list(range(11))
    assert all(url.startswith(f"http://tevreden.test/w/{survey.id}?invite=") for url in
               links.values())
    assert all(url.replace("&", "&amp;") in html for url in links.values())
    assert "Bakkerij &#201;&#233;n" in html or "Bakkerij Één" in html


def test_the_mail_is_in_the_orders_language(client, smtp, hook, survey):
    post_order(client, hook, now_order("A-1", language="en-GB", name=None))
    post_order(client, hook, now_order("A-2", email="ander@example.nl", language=None))
    assert send_due()["sent"] == 2
    by_recipient = {m["To"].addresses[0].addr_spec: m for m in smtp.inbox.wait_for(2)}
    english, dutch = by_recipient["klant@example.nl"], by_recipient["ander@example.nl"]
    assert english["Subject"] == "How was your order from Bakkerij Één?"
    assert english["Content-Language"] == "en" and "Dear customer" in text_of(english)
    assert survey.question("en") in text_of(english) and "Unsubscribe" in text_of(english)
    assert all("lang=en" in url for url in score_links(english).values())
    assert dutch["Content-Language"] == "nl" and survey.question("nl") in text_of(dutch)


def test_a_score_link_records_the_answer_without_the_address(client, smtp, hook, survey):
    post_order(client, hook, now_order())
    send_due()
    [message] = smtp.inbox.wait_for(1)
    link = score_links(message)[9].replace("http://tevreden.test", "")
    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and re.search(r'value="9" checked', html)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    invite = re.search(r'name="invite" value="([^"]+)"', html).group(1)
    created = client.post(f"/w/{survey.id}/responses", headers=JSON,
                          json={"token": token, "invite": invite, "score": 9})
    assert created.status_code == 201, created.get_data(as_text=True)
    answer = Response.get_by_id(created.get_json()["id"])
    assert (answer.score, answer.touchpoint, answer.contact, answer.reference) == (
        9, "checkout", None, None)
    invitation = Invitation.get()
    assert invitation.status == "answered" and invitation.email is None
    # The other score links of the same mail are spent with it.
    again = client.get(score_links(message)[3].replace("http://tevreden.test", ""))
    assert "checked" not in again.get_data(as_text=True) or again.status_code != 200


def test_one_click_unsubscribe_works_and_holds(client, smtp, hook, survey):
    post_order(client, hook, now_order())
    send_due()
    [message] = smtp.inbox.wait_for(1)
    url = message["List-Unsubscribe"].strip("<>").replace("http://tevreden.test", "")
    page = client.get(url)
    assert page.status_code == 200 and 'method="post"' in page.get_data(as_text=True)
    assert post_order(client, hook, now_order("A-2")).get_json()[
        "reason"] == "throttled"  # a GET unsubscribes nobody
    # RFC 8058: the mail client POSTs this body to the link, without cookies or a form token.
    done = client.post(url, data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and "afgemeld" in done.get_data(as_text=True)
    assert Invitation.get().status == "unsubscribed"
    survey.invite_every_days = 0
    survey.save()
    again = post_order(client, hook, now_order("A-3"))
    assert again.get_json() == {"scheduled": 0, "reason": "unsubscribed"}
    assert client.post(url).status_code == 200  # twice is fine
    assert client.get("/u/forged-token").status_code == 404


def test_without_a_mail_server_mails_wait_in_the_outbox(client, app, hook):
    app.config["SMTP_URL"] = None
    post_order(client, hook, now_order())
    assert send_due() == {"composed": 1, "sent": 0, "failed": 0, "waiting": 1}
    mail = OutboxMail.get()
    assert (mail.status, mail.recipient, mail.attempts) == ("waiting", "klant@example.nl", 0)
    server = MailServer().start()
    try:
        app.config["SMTP_URL"] = server.url
        assert send_due()["sent"] == 1
        assert len(server.inbox.wait_for(1)) == 1
    finally:
        server.stop()
    mail = OutboxMail.get()
    assert (mail.status, mail.recipient, mail.message) == ("sent", None, None)


def test_a_mail_server_that_is_down_delays_mail_and_loses_nothing(client, app, hook):
    down = MailServer()  # not started: nothing listens on its port
    app.config["SMTP_URL"] = down.url
    post_order(client, hook, now_order("A-1"))
    post_order(client, hook, now_order("A-2", email="ander@example.nl"))
    now = utcnow()
    result = send_due(now=now)
    assert (result["sent"], result["waiting"]) == (0, 2)
    failed = OutboxMail.get(OutboxMail.attempts == 1)
    assert failed.last_error and "Connection" in failed.last_error
    assert failed.next_attempt_at > now and failed.recipient is not None
    assert Invitation.select().where(Invitation.status == "scheduled").count() == 2
    down.start()
    try:
        later = now + dt.timedelta(minutes=5)
        assert send_due(now=later)["sent"] == 2
        down.inbox.wait_for(2)
        assert send_due(now=later + dt.timedelta(hours=7))["sent"] == 0  # none twice
    finally:
        down.stop()
    assert len(down.inbox.messages) == 2
    assert Invitation.select().where(Invitation.status == "sent").count() == 2


def test_a_mail_claimed_by_a_worker_that_died_goes_once_more(client, app, smtp, hook):
    post_order(client, hook, now_order())
    app.config["SMTP_URL"] = None
    assert send_due()["waiting"] == 1
    app.config["SMTP_URL"] = smtp.url
    now = utcnow()
    assert OutboxMail.claim_next(now) is not None  # ... and that worker is killed mid-send
    assert send_due(now=now)["sent"] == 0  # its lease holds: no second sender meanwhile
    assert send_due(now=now + LEASE + dt.timedelta(seconds=1))["sent"] == 1
    assert send_due(now=now + LEASE * 3)["sent"] == 0
    assert len(smtp.inbox.wait_for(1)) == 1


def test_a_refused_address_fails_for_good_and_the_rest_go(client, app, hook):
    server = MailServer(refuse=("bounce@example.nl",)).start()
    app.config["SMTP_URL"] = server.url
    try:
        post_order(client, hook, now_order("A-1", email="bounce@example.nl"))
        post_order(client, hook, now_order("A-2"))
        result = send_due()
        assert (result["sent"], result["failed"], result["waiting"]) == (1, 1, 0)
        assert len(server.inbox.wait_for(1)) == 1
    finally:
        server.stop()
    bounced = Invitation.get(Invitation.order_id == "A-1")
    assert bounced.status == "failed" and bounced.email is None
    mail = OutboxMail.get(OutboxMail.invitation == bounced.id)
    assert mail.status == "failed" and "550" in mail.last_error and mail.recipient is None


def test_the_privacy_notice_explains_invitations_by_email(client, hook, survey):
    dutch = client.get(f"/privacy/{survey.id}").get_data(as_text=True)
    assert "Uitnodigingen per e-mail" in dutch and "90 dagen" in dutch
    english = client.get(f"/privacy/{survey.id}?lang=en").get_data(as_text=True)
    assert "kept only until the last e-mail is sent or you answer" in english
    assert "not linked to your e-mail address" in english
