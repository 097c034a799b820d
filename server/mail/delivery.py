"""Delivering the outbox through TEVREDEN_SMTP_URL with smtplib; without it, mails wait."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

from flask import current_app

from ..models import OutboxMail, utcnow

log = logging.getLogger("tevreden.mail")
TIMEOUT_SECONDS = 30


def connect(url: str) -> smtplib.SMTP:
    """A logged-in session: smtps:// is TLS from the start, smtp:// upgrades with STARTTLS
    whenever the server offers it."""
    parts = urlsplit(url)
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(parts.hostname, parts.port or 465,
                                              timeout=TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(parts.hostname, parts.port or 587, timeout=TIMEOUT_SECONDS)
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
    if parts.username:
        smtp.login(unquote(parts.username), unquote(parts.password or ""))
    return smtp


def permanent(exc: Exception) -> bool:
    """A 5xx about this mail or its address: trying again would not help. Our own sender or
    login being refused is a configuration problem, so those mails wait for it to be fixed."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError)):
        return False
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def describe(exc: Exception) -> str:
    """What went wrong, for the outbox's list: the error's kind and the server's words."""
    return f"{type(exc).__name__}: {exc}"[:300]


def deliver_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Send every mail that is due, one SMTP session for the round; {"sent", "failed"}."""
    url = current_app.config.get("SMTP_URL")
    if not url:
        return {"sent": 0, "failed": 0}  # mails wait in the outbox, shown in the dashboard
    now = now or utcnow()
    envelope_from = parseaddr(current_app.config["MAIL_FROM"])[1]
    sent = failed = 0
    smtp: smtplib.SMTP | None = None
    try:
        while (mail := OutboxMail.claim_next(now)) is not None:
            try:
                smtp = smtp or connect(url)
                smtp.sendmail(envelope_from, [mail.recipient], mail.message)
            except (smtplib.SMTPException, OSError) as exc:
                failed += 1
                mail.mark_failed(now, describe(exc), permanent(exc))
                log.warning("mail %d not sent (attempt %d): %s", mail.id, mail.attempts,
                            type(exc).__name__)
                # SMTPException is an OSError too: a reply about this mail is not a lost server.
                if (isinstance(exc, smtplib.SMTPServerDisconnected)
                        or not isinstance(exc, smtplib.SMTPException)):
                    if smtp is not None:
                        smtp.close()
                        smtp = None
                    break  # the server is unreachable: the others wait for the next round
                continue
            mail.mark_sent(utcnow())  # recorded before the job that sent it is done
            sent += 1
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    return {"sent": sent, "failed": failed}
