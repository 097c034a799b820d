"""What every mail of ours carries: our sender address, a date, a Message-ID at our domain,
the mark of an automatic mail, the language and, where the reader can stop it, one-click
unsubscribe (RFC 8058)."""

from __future__ import annotations

import datetime as dt
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app


def sender(name: str) -> Address:
    """TEVREDEN_MAIL_FROM's address under this name (a shop's, or Tevreden's)."""
    configured = Address(addr_spec=parseaddr(current_app.config["MAIL_FROM"])[1])
    return Address(display_name=name, username=configured.username, domain=configured.domain)


def mail_message(*, subject: str, source: Address, to: str | Address, now: dt.datetime,
                 about: str, lang: str, text: str, html: str | None = None,
                 unsubscribe_url: str | None = None) -> EmailMessage:
    """A mail ready to send; `about` starts its Message-ID (say "reminder.12")."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = source
    message["To"] = to
    message["Date"] = format_datetime(now.replace(tzinfo=dt.UTC))
    message["Message-ID"] = make_msgid(about, domain=source.domain)
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    message["Content-Language"] = lang  # after the parts: setting content drops Content-*
    return message
