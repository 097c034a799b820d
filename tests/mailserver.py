"""A real SMTP server (aiosmtpd) on a free loopback port that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import re
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.browser.conftest import free_port


class Inbox:
    """aiosmtpd's handler: every accepted mail, parsed, with its envelope recipients.
    Addresses in `refuse` get a permanent 550 at RCPT TO."""

    def __init__(self, refuse: tuple[str, ...] = ()):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse = refuse
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 20) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} mails arrived"
        return self.messages


class MailServer:
    def __init__(self, port: int | None = None, refuse: tuple[str, ...] = (),
                 inbox: Inbox | None = None, **options):
        self.port = port or free_port()
        self.inbox = inbox or Inbox(refuse)
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                     **options)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> MailServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def text_of(message: EmailMessage, subtype: str = "plain") -> str:
    return message.get_body(preferencelist=(subtype,)).get_content().replace("\r\n", "\n")


def score_links(message: EmailMessage) -> dict[int, str]:
    """{score: link} from the plain text part."""
    return {int(score): url for score, url in
            re.findall(r"^(\d+)(?: \([^)]*\))?: (\S+)$", text_of(message), re.M)}
