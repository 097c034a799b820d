"""A worker killed while the mail server is taking a mail: the mail goes once more, no more."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

from server import db as database
from server.jobs.invitations import send_due
from server.models import Hook, Invitation, OutboxMail, utcnow
from server.models.outbox import LEASE
from tests.mailserver import Inbox, MailServer
from tests.orders import generic_order, post_order
from tests.workers import Worker, worker_env


class StallingInbox(Inbox):
    """Takes the mail (as a real server does once the data is in) and then holds back its
    250 until released: the sender dies after delivery, before it could record it."""

    def __init__(self):
        super().__init__()
        self.entered, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        self.entered.set()
        while not self.release.is_set():
            await asyncio.sleep(0.02)
        return reply


def test_a_worker_killed_mid_send_sends_that_mail_again_at_most_once(
        app, client, make, database_url, tmp_path):
    app.config["SMTP_URL"] = None
    hook = Hook.issue(make.survey(invite_delay_days=0), "generic")
    post_order(client, hook, generic_order(completed_at=utcnow().isoformat()))
    assert send_due()["waiting"] == 1  # composed into the outbox
    stalling = MailServer(inbox=StallingInbox()).start()
    database.db.close()
    worker = Worker(worker_env(database_url, "sqlite:///" + str(tmp_path / "q.db"), tmp_path,
                               TEVREDEN_SMTP_URL=stalling.url), tmp_path / "send.log",
                    ("send-due",))
    try:
        assert stalling.inbox.entered.wait(30), worker.output()
        worker.kill()  # SIGKILL while the mail server holds the mail
    finally:
        stalling.inbox.release.set()
        stalling.stop()
    assert len(stalling.inbox.messages) == 1  # delivered, but the sender never heard so
    mail = OutboxMail.get()
    assert (mail.status, mail.attempts) == ("waiting", 1) and mail.claimed_until > utcnow()
    assert send_due()["sent"] == 0  # its claim still holds: nobody sends it meanwhile
    again = MailServer().start()
    try:
        app.config["SMTP_URL"] = again.url
        later = utcnow() + LEASE + dt.timedelta(seconds=1)
        assert send_due(now=later)["sent"] == 1
        assert send_due(now=later + dt.timedelta(days=1))["sent"] == 0
        [resent] = again.inbox.wait_for(1)
    finally:
        again.stop()
    # The same message both times (one Message-ID), so the receiving side can tell.
    assert resent["Message-ID"] == stalling.inbox.messages[0]["Message-ID"]
    assert len(stalling.inbox.messages) + len(again.inbox.messages) == 2
    assert Invitation.get().status == "sent"
