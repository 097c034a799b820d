"""Alerts: new answers matched against each alert's rule, then delivered by e-mail (through the
outbox) and by signed webhook (retried with backoff for a day).

An answer is looked at once it is WAIT old, so a comment given in the second step right after
the click is in the alert; each alert remembers up to when it has looked (`checked_until`), and
the unique delivery per alert, answer and channel makes a second worker's work a no-op.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import socket
import ssl
import urllib.error
from urllib.parse import urlsplit, urlunsplit

from flask import current_app

from ..core.alerts import InvalidRule, matches, parse_rule, refused_address
from ..db import write_transaction
from ..i18n import N_
from ..mail.alert import compose_alert, payload
from ..mail.delivery import deliver_due
from ..models import Alert, AlertDelivery, OutboxMail, Response, Site, Survey, utcnow

log = logging.getLogger("tevreden.alerts")
WAIT = dt.timedelta(seconds=30)
TIMEOUT_SECONDS = 10
USER_AGENT = "Tevreden-Alerts/1"


def match_new_answers(now: dt.datetime) -> int:
    """Deliveries for the answers that came in since each alert last looked; how many."""
    until = now - WAIT
    made = 0
    alerts = (Alert.select(Alert, Survey).join(Survey).join(Site)
              .where(Alert.checked_until < until, Survey.not_archived()))
    for alert in alerts:
        try:
            rule = parse_rule(alert.rule, alert.survey.metric)
        except InvalidRule:
            log.warning("alert %s has a rule that cannot be read: %r", alert.id, alert.rule)
            continue
        answers = list(Response.select().where(Response.survey == alert.survey_id,
                                               Response.created_at > alert.checked_until,
                                               Response.created_at <= until))
        if not answers:
            continue  # nothing new: no write, so quiet alerts cost one indexed read a minute
        rows = [{"alert": alert.id, "response": answer.id, "channel": channel,
                 "next_attempt_at": now, "created_at": now, "status": "waiting", "attempts": 0}
                for answer in answers
                if matches(rule, alert.survey.metric, answer.score, answer.comment)
                for channel in alert.channels()]
        with write_transaction():
            if alert.advance(alert.checked_until, until) and rows:
                AlertDelivery.insert_many(rows).on_conflict_ignore().execute()
                made += len(rows)
    return made


def to_outbox(delivery: AlertDelivery, alert: Alert, response: Response,
              now: dt.datetime) -> None:
    """One mail per address into the outbox, which sends and retries it; in the transaction
    that marks the delivery done, so a worker that dies in between composes them again
    rather than twice."""
    rows = []
    for address in alert.emails:
        message = compose_alert(alert, response, address, now)
        rows.append({"kind": "alert", "response": response.id, "recipient": address,
                     "subject": str(message["Subject"])[:300], "message": message.as_string(),
                     "message_id": message["Message-ID"], "next_attempt_at": now,
                     "created_at": now, "status": "waiting", "attempts": 0})
    with write_transaction():
        OutboxMail.insert_many(rows).execute()
        delivery.mark_sent(now)


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class RefusedAddress(Exception):
    """The receiver's host resolves to an address webhooks never go to."""


def receiver_address(host: str, port: int) -> str:
    """The receiver's host resolved once, refusing link-local and special addresses (see
    core.alerts.refused_address) whatever name points there; the address to connect to, so
    a name that changes its answer after the check (DNS rebinding) is not asked again."""
    found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    if not found or any(refused_address(str(address[4][0])) for address in found):
        raise RefusedAddress(host)
    return str(found[0][4][0])


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to an address resolved and checked beforehand; the Host header
    still names the receiver."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked against the receiver's host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


def post_webhook(alert: Alert, response: Response) -> None:
    """POST the signed JSON to the address checked; anything but a 2xx answer raises. A
    redirect is not followed (it would turn the POST into a GET without the alert): it counts
    as a failure, shown in the dashboard, and the owner sets the final URL."""
    url = alert.webhook_url or ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("only http and https URLs are sent to")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = receiver_address(parts.hostname, port)
    body = json.dumps(payload(alert, response), ensure_ascii=False).encode()
    kind = PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
    connection = kind(parts.hostname, port, address, TIMEOUT_SECONDS)
    try:
        connection.request("POST", urlunsplit(("", "", parts.path or "/", parts.query, "")),
                           body=body, headers={
                               "Content-Type": "application/json; charset=utf-8",
                               "User-Agent": USER_AGENT, "X-Tevreden-Event": "response.alert",
                               "X-Tevreden-Signature": signature(alert.secret or "", body)})
        answer = connection.getresponse()
        answer.read(1024)
        if not 200 <= answer.status < 300:
            raise urllib.error.HTTPError(url, answer.status, answer.reason, answer.headers, None)
    finally:
        connection.close()


def describe(exc: Exception) -> str:
    """What went wrong, in words an owner reads on the answer's page (known ones translated
    there: they are marked for the catalogue here)."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, RefusedAddress):
        return N_("The receiver's address is not allowed: a link-local or special address.")
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ConnectionRefusedError):
        return N_("The receiver refused the connection.")
    if isinstance(reason, TimeoutError):  # socket.timeout too
        return N_("The receiver did not answer in time.")
    if isinstance(reason, socket.gaierror):
        return N_("The receiver's host name was not found.")
    if isinstance(reason, ssl.SSLCertVerificationError):
        return N_("The receiver's HTTPS certificate is not valid.")
    return f"{type(exc).__name__}: {exc}"[:300]


def deliver(now: dt.datetime) -> dict[str, int]:
    """Every delivery that is due, once; {"sent", "failed"} (failed: to be tried again)."""
    sent = failed = 0
    while (delivery := AlertDelivery.claim_next(now)) is not None:
        alert, response = delivery.alert, delivery.response
        try:
            if delivery.channel == "email":
                to_outbox(delivery, alert, response, now)
            else:
                post_webhook(alert, response)
                delivery.mark_sent(utcnow())
        except Exception as exc:  # a receiver's every way of failing waits for a retry
            failed += 1
            delivery.mark_failed(now, describe(exc))
            log.warning("alert %s (%s) for answer %d not delivered (attempt %d): %s",
                        alert.id, delivery.channel, response.id, delivery.attempts,
                        describe(exc))
            continue
        sent += 1
    return {"sent": sent, "failed": failed}


def next_retry() -> dt.datetime | None:
    row = (AlertDelivery.select(AlertDelivery.next_attempt_at)
           .where(AlertDelivery.status == "waiting")
           .order_by(AlertDelivery.next_attempt_at).first())
    return row.next_attempt_at if row else None


def run_alerts(now: dt.datetime | None = None) -> dict:
    """Match new answers, deliver what is due and send the alert mails; counts."""
    now = now or utcnow()
    made = match_new_answers(now)
    result = deliver(now)
    mails = deliver_due(now) if made or result["sent"] else {"sent": 0, "failed": 0}
    return {"matched": made, **result, "mails_sent": mails["sent"]}


def after_answer(survey: Survey) -> None:
    """A survey with alerts gets its check once the answer is WAIT old, not up to a minute
    later; the check every minute covers a queue that could not be reached."""
    watched = survey.watched
    if watched is None:  # a survey not read through KeptSurveys
        watched = survey.alerts.exists()
    if not watched:
        return
    try:
        current_app.extensions["tevreden.tasks"]["alerts"].schedule(
            delay=WAIT.total_seconds() + 1)
    except Exception:
        log.exception("could not schedule the alert check; the periodic one will do it")
