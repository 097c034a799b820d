"""Alerts delivered to a real SMTP server and a real HTTP receiver: one mail and one signed
webhook per matching answer, retries when the receiver is down, nothing for other answers,
and a contact only when the visitor consented."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import ssl

import pytest

from server.jobs.alerts import WAIT, run_alerts
from server.models import Alert, AlertDelivery, OutboxMail, Response, utcnow
from server.retention import forget
from tests.api.test_responses import JSON, answer
from tests.mailserver import text_of
from tests.webhookserver import Receiver


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def survey(make):
    site = make.site(name="Fietsenwinkel Jansen")
    return make.survey(site, metric="nps", consent_mode="optional", name="Na de bestelling")


def later(seconds: float = 0) -> dt.datetime:
    return utcnow() + WAIT + dt.timedelta(seconds=1 + seconds)


def give(client, survey, score: int, comment: str | None = None, **details) -> int:
    """The two steps: the click, then the comment (and consent) on the receipt."""
    created = answer(client, survey, score=score, touchpoint="checkout").get_json()
    if comment or details:
        receipt = created["receipt"].rsplit("/", 1)[1]
        saved = client.post(f"/w/{survey.id}/responses/{receipt}", headers=JSON,
                            json={"comment": comment, **details})
        assert saved.status_code == 200, saved.get_data(as_text=True)
    return created["id"]


def verified(secret: str, headers: dict, body: bytes) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Tevreden-Signature"])


def test_a_low_score_with_a_keyword_sends_one_mail_and_one_signed_webhook(
        client, smtp, receiver, survey):
    detractors = Alert.issue(survey, "detractor", ["team@example.nl"], receiver.url)
    Alert.issue(survey, "keyword:kapot", ["team@example.nl"], None)
    answer_id = give(client, survey, 2, "De fiets kwam KAPOT aan", consent=True,
                     contact="klant@example.nl")
    result = run_alerts(later())
    assert result["matched"] == 3 and result["failed"] == 0
    mails = smtp.inbox.wait_for(2)
    assert {m["Subject"] for m in mails} == {"Melding: score 2 op Na de bestelling"}
    text = text_of(mails[0])
    assert "Score: 2 (criticaster)" in text and "De fiets kwam KAPOT aan" in text
    assert "Klantmoment: checkout" in text and "klant@example.nl" in text
    assert f"http://tevreden.test/dashboard/surveys/{survey.id}/answers/{answer_id}" in text
    [(headers, body)] = receiver.requests
    assert verified(detractors.secret, headers, body)
    assert headers["X-Tevreden-Event"] == "response.alert"
    sent = json.loads(body)
    assert sent["event"] == "response.alert" and sent["url"].endswith(f"/answers/{answer_id}")
    assert sent["response"] | {"created_at": None} == {
        "id": answer_id, "score": 2, "comment": "De fiets kwam KAPOT aan",
        "touchpoint": "checkout", "segment": None, "created_at": None,
        "contact": "klant@example.nl"}
    assert sent["survey"]["id"] == survey.id
    assert "Score 2" in sent["text"] and "KAPOT" in sent["text"]
    # Once: a later round sends nothing again.
    assert run_alerts(later(60)) == {"matched": 0, "sent": 0, "failed": 0, "mails_sent": 0}
    assert len(receiver.requests) == 1 and len(smtp.inbox.messages) == 2


def test_a_tampered_body_does_not_verify(client, receiver, survey):
    alert = Alert.issue(survey, "score-at-most:6", [], receiver.url)
    give(client, survey, 1)
    run_alerts(later())
    [(headers, body)] = receiver.requests
    assert verified(alert.secret, headers, body)
    assert not verified(alert.secret, headers, body.replace(b'"score": 1', b'"score": 9'))


def test_a_receiver_that_answers_500_gets_the_alert_on_retry(client, survey):
    receiver = Receiver(statuses=(500,)).start()
    try:
        Alert.issue(survey, "detractor", [], receiver.url)
        give(client, survey, 3, "Traag")
        first = later()
        assert run_alerts(first)["failed"] == 1
        [delivery] = AlertDelivery.select()
        assert delivery.status == "waiting"
        assert delivery.last_error == "HTTP 500 Internal Server Error"
        assert delivery.next_attempt_at - first <= dt.timedelta(minutes=1)
        assert run_alerts(first + dt.timedelta(seconds=59))["sent"] == 1
        assert len(receiver.requests) == 2 and receiver.requests[0][1] == receiver.requests[1][1]
        assert AlertDelivery.get_by_id(delivery.id).status == "sent"
    finally:
        receiver.stop()


def test_a_receiver_down_for_hours_still_gets_it_and_gives_up_after_a_day(client, survey):
    receiver = Receiver()
    url = receiver.url
    receiver.server.server_close()  # nobody listens there now
    Alert.issue(survey, "detractor", [], url)
    give(client, survey, 0)
    moment = later()
    for _ in range(8):
        run_alerts(moment)
        moment = AlertDelivery.get().next_attempt_at
    assert AlertDelivery.get().status == "waiting"
    run_alerts(moment + dt.timedelta(hours=25))
    assert AlertDelivery.get().status == "failed" and AlertDelivery.get().attempts == 9


def test_no_alert_for_an_answer_that_matches_no_rule(client, smtp, receiver, survey):
    Alert.issue(survey, "detractor", ["team@example.nl"], receiver.url)
    Alert.issue(survey, "keyword:kapot", ["team@example.nl"], None)
    give(client, survey, 9, "Prima, alles heel")
    assert run_alerts(later())["matched"] == 0
    assert receiver.requests == [] and AlertDelivery.select().count() == 0
    assert smtp.inbox.messages == []


def test_no_contact_in_an_alert_without_consent(client, smtp, receiver, survey):
    Alert.issue(survey, "detractor", ["team@example.nl"], receiver.url)
    give(client, survey, 4, "Niet goed")
    withdrawn = give(client, survey, 4, "Niet goed", consent=True, contact="klant@example.nl")
    Response.get_by_id(withdrawn).withdraw_consent()  # with the receipt, before the alert went
    run_alerts(later())
    messages = smtp.inbox.wait_for(2)
    assert all("klant@example.nl" not in m.as_string() for m in messages)
    assert all("Contact" not in text_of(m) for m in messages)
    assert len(receiver.requests) == 2
    for _headers, body in receiver.requests:
        assert "contact" not in json.loads(body)["response"] and b"klant@example.nl" not in body


def test_the_comment_of_the_second_step_is_in_the_one_alert(client, receiver, survey):
    Alert.issue(survey, "keyword:kapot", [], receiver.url)
    created = answer(client, survey, score=5).get_json()
    run_alerts(utcnow())  # too soon: the visitor may still be typing
    assert AlertDelivery.select().count() == 0
    receipt = created["receipt"].rsplit("/", 1)[1]
    client.post(f"/w/{survey.id}/responses/{receipt}", headers=JSON, json={"comment": "kapot"})
    run_alerts(later())
    [(_headers, body)] = receiver.requests
    assert json.loads(body)["response"]["comment"] == "kapot"


def test_an_alert_fires_only_for_answers_after_it_was_made(client, receiver, survey):
    give(client, survey, 1)
    Response.update(created_at=utcnow() - dt.timedelta(minutes=5)).execute()
    Alert.issue(survey, "detractor", [], receiver.url)
    assert run_alerts(later())["matched"] == 0 and receiver.requests == []


def test_the_mail_is_in_the_owners_language(client, smtp, survey):
    owner = survey.site.owner
    owner.language = "en"
    owner.save()
    Alert.issue(survey, "score-at-most:3", ["team@example.nl"], None)
    give(client, survey, 3, "Slow")
    run_alerts(later())
    [message] = smtp.inbox.wait_for(1)
    assert message["Subject"] == "Alert: score 3 on Na de bestelling"
    assert "Comment: Slow" in text_of(message) and message["Content-Language"] == "en"


def test_an_answer_to_a_survey_with_alerts_schedules_the_check_half_a_minute_on(
        app, client, make, survey):
    queue = app.extensions["tevreden.queue"]

    def checks() -> list:  # the worker holds them until their time
        return [task for task in queue.pending() if task.name == "alerts"]

    waiting = len(checks())
    answer(client, make.survey(make.site()), score=1)  # a survey without alerts
    answer(client, survey, score=1)  # not yet watched, and now read by the widget
    assert len(checks()) == waiting
    Alert.issue(survey, "detractor", ["team@example.nl"], None)
    before = utcnow()
    answer(client, survey, score=1)
    task = checks()[-1]
    assert len(checks()) == waiting + 1
    assert WAIT < task.eta - before < WAIT + dt.timedelta(seconds=10)
    Alert.withdraw(Alert.survey == survey)  # watched no more: no check is asked for
    answer(client, survey, score=1)
    assert len(checks()) == waiting + 1


def test_a_redirect_is_not_followed_but_shown_as_the_failure(client, survey):
    receiver = Receiver(statuses=(301,)).start()
    try:
        Alert.issue(survey, "detractor", [], receiver.url)
        give(client, survey, 1)
        assert run_alerts(later())["failed"] == 1
        assert AlertDelivery.get().last_error.startswith("HTTP 301")
        assert len(receiver.requests) == 1
    finally:
        receiver.stop()


def test_an_answer_erased_while_its_alert_mail_waits_takes_the_mail_with_it(client, app,
                                                                            survey):
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"  # down: the mail waits in the outbox
    Alert.issue(survey, "detractor", ["team@example.nl"], None)
    erased = give(client, survey, 2, "Geheim 7a7a", consent=True, contact="wis@example.nl")
    give(client, survey, 2, "Blijft")
    run_alerts(later())
    waiting = OutboxMail.select().where(OutboxMail.kind == "alert")
    assert waiting.count() == 2 and all(m.status == "waiting" for m in waiting)
    assert forget("wis@example.nl") == 1
    [kept] = OutboxMail.select().where(OutboxMail.kind == "alert")
    assert "Blijft" in kept.message and "7a7a" not in kept.message
    assert not AlertDelivery.select().where(AlertDelivery.response == erased).exists()


def test_a_webhook_is_never_sent_to_a_link_local_address(client, survey):
    import time

    # Stored directly, as a name that resolves there would be: the check is at delivery.
    Alert.issue(survey, "detractor", [], "http://169.254.169.254/latest/meta-data")
    give(client, survey, 1)
    started = time.monotonic()
    assert run_alerts(later())["failed"] == 1
    assert time.monotonic() - started < 5  # refused before any connection is tried
    assert AlertDelivery.get().last_error == (
        "The receiver's address is not allowed: a link-local or special address.")


def test_a_name_that_changes_its_answer_after_the_check_is_not_asked_again(
        client, receiver, survey, monkeypatch):
    """DNS rebinding: the host name is resolved once, and the checked address is the one
    connected to, even if the name would point at a metadata service a moment later."""
    import socket

    port = receiver.server.server_address[1]
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"])

    def rebinding(host, *args, **kwargs):
        if host != "hooks.winkel.test":
            return real(host, *args, **kwargs)
        address = next(answers, "169.254.169.254")  # first the receiver, then the cloud's
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    Alert.issue(survey, "detractor", [], f"http://hooks.winkel.test:{port}/hook?shop=7")
    give(client, survey, 1)
    assert run_alerts(later())["sent"] == 1
    [(headers, body)] = receiver.requests
    assert headers["Host"] == f"hooks.winkel.test:{port}" and receiver.paths == ["/hook?shop=7"]
    assert json.loads(body)["response"]["score"] == 1


def resolve_as_receiver(monkeypatch, name: str) -> None:
    """The receiver's host name points at 127.0.0.1, as a shop's DNS would point at it."""
    real = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        if host != name:
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)


@pytest.mark.parametrize("certified, delivered", [("hooks.winkel.test", True),
                                                   ("andere-winkel.test", False)])
def test_an_https_receiver_is_checked_against_its_host_name(client, survey, monkeypatch,
                                                             tmp_path, certified, delivered):
    """Connected by address, the TLS certificate is still checked against the URL's name
    (trusted here through SSL_CERT_FILE, as a shop with its own CA would do)."""
    import trustme

    authority = trustme.CA()
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(certified).configure_cert(tls)
    receiver = Receiver(tls=tls).start()
    resolve_as_receiver(monkeypatch, "hooks.winkel.test")
    try:
        port = receiver.server.server_address[1]
        Alert.issue(survey, "detractor", [], f"https://hooks.winkel.test:{port}/hook")
        give(client, survey, 1)
        result = run_alerts(later())
        if delivered:
            assert result["sent"] == 1 and len(receiver.requests) == 1
        else:
            assert result["failed"] == 1 and receiver.requests == []
            assert AlertDelivery.get().last_error == (
                "The receiver's HTTPS certificate is not valid.")
    finally:
        receiver.stop()
