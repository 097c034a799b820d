"""Reminders go only to those who did not answer; addresses go when the last mail has gone;
owners see the invitations through the API, and AVG requests reach pending ones."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from server.jobs.invitations import send_due
from server.models import Hook, Invitation, OutboxMail, utcnow
from server.retention import forget, show_contact
from tests.api.apiutil import bearer
from tests.api.test_responses import JSON
from tests.helpers import assert_error
from tests.mailserver import score_links
from tests.orders import generic_order, post_order


@pytest.fixture
def survey(make):
    return make.survey(make.site(name="Bakkerij Jan"), invite_delay_days=0,
                       reminder_after_days=3)


@pytest.fixture
def hook(survey):
    return Hook.issue(survey, "generic")


def order(order_id: str, email: str) -> dict:
    return generic_order(order_id, email=email, completed_at=utcnow().isoformat())


def answer(client, survey, message, score: int = 8) -> None:
    page = client.get(score_links(message)[score].replace("http://tevreden.test", ""))
    html = page.get_data(as_text=True)
    fields = {name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1)
              for name in ("token", "invite")}
    created = client.post(f"/w/{survey.id}/responses", headers=JSON,
                          json={**fields, "score": score})
    assert created.status_code == 201, created.get_data(as_text=True)


def test_a_reminder_goes_only_to_those_who_did_not_answer(client, smtp, hook, survey):
    post_order(client, hook, order("A-1", "anna@example.nl"))
    post_order(client, hook, order("A-2", "bert@example.nl"))
    assert send_due()["sent"] == 2
    first = {m["To"].addresses[0].addr_spec: m for m in smtp.inbox.wait_for(2)}
    answer(client, survey, first["anna@example.nl"])
    # Addresses stay while a reminder is to come, for those who have not answered only.
    assert Invitation.get(Invitation.order_id == "A-1").email is None
    assert Invitation.get(Invitation.order_id == "A-2").email == "bert@example.nl"
    assert send_due(until=utcnow() + dt.timedelta(days=2))["sent"] == 0  # not due yet
    assert send_due(until=utcnow() + dt.timedelta(days=3, minutes=1))["sent"] == 1
    reminder = smtp.inbox.wait_for(3)[2]
    assert reminder["To"].addresses[0].addr_spec == "bert@example.nl"
    assert reminder["Subject"] == "Herinnering: hoe was je bestelling bij Bakkerij Jan?"
    assert reminder["Message-ID"] != first["bert@example.nl"]["Message-ID"]
    assert send_due(until=utcnow() + dt.timedelta(days=30))["sent"] == 0  # one reminder only
    bert = Invitation.get(Invitation.order_id == "A-2")
    assert bert.reminded_at is not None and bert.email is None  # the last mail has gone
    assert OutboxMail.select().where(OutboxMail.recipient.is_null(False)).count() == 0
    # The reminder's links answer the same invitation: once.
    answer(client, survey, reminder, 9)
    assert Invitation.get(Invitation.order_id == "A-2").status == "answered"


def test_no_reminder_unless_the_survey_asks_for_one(client, smtp, make):
    survey = make.survey(invite_delay_days=0)  # reminder_after_days defaults to 0
    post_order(client, Hook.issue(survey, "generic"), order("A-1", "anna@example.nl"))
    assert send_due()["sent"] == 1
    assert Invitation.get().email is None  # the only mail was the last
    assert send_due(until=utcnow() + dt.timedelta(days=365))["sent"] == 0


def test_the_api_counts_and_lists_invitations_without_addresses_once_sent(
        client, smtp, make, hook, survey):
    read, export = make.token(survey.site), make.token(survey.site, scope="export")
    post_order(client, hook, order("A-1", "anna@example.nl"))
    post_order(client, hook, order("A-2", "bert@example.nl"))
    send_due()
    answer(client, survey, smtp.inbox.wait_for(2)[0])
    later = generic_order("A-3", email="cor@example.nl",
                          completed_at=(utcnow() + dt.timedelta(days=5)).isoformat())
    post_order(client, hook, later)
    body = client.get(f"/api/v1/surveys/{survey.id}/invitations",
                      headers=bearer(export)).get_json()
    assert {k: body[k] for k in ("scheduled", "sent", "answered", "unsubscribed", "failed",
                                 "response_rate")} == {
        "scheduled": 1, "sent": 2, "answered": 1, "unsubscribed": 0, "failed": 0,
        "response_rate": 0.5}
    by_order = {item["order_id"]: item for item in body["invitations"]}
    assert [item["order_id"] for item in body["invitations"]] == ["A-3", "A-2", "A-1"]
    assert by_order["A-3"]["email"] == "cor@example.nl"  # not sent yet
    assert by_order["A-2"]["email"] is None and by_order["A-1"]["status"] == "answered"
    assert "bert@example.nl" not in str(body)  # kept for the reminder, but never shown
    as_reader = client.get(f"/api/v1/surveys/{survey.id}/invitations?limit=2",
                           headers=bearer(read)).get_json()
    assert all(item["email"] is None for item in as_reader["invitations"])
    rest = client.get(f"/api/v1/surveys/{survey.id}/invitations?limit=2&cursor="
                      f"{as_reader['next_cursor']}", headers=bearer(read)).get_json()
    assert [i["order_id"] for i in rest["invitations"]] == ["A-1"] and not rest["next_cursor"]
    other = make.token(make.site(name="Ander"))
    assert_error(client.get(f"/api/v1/surveys/{survey.id}/invitations",
                            headers=bearer(other)), 404)
    assert_error(client.get(f"/api/v1/surveys/{survey.id}/invitations?limit=0",
                            headers=bearer(read)), 422)


def test_show_contact_and_forget_cover_pending_invitations(client, app, hook, survey):
    app.config["SMTP_URL"] = None
    post_order(client, hook, order("A-1", "anna@example.nl"))
    post_order(client, hook, generic_order("A-2", email="anna@example.nl", name="Anna",
                                           completed_at="2030-01-01T00:00:00Z"))
    send_due()  # A-1's mail waits in the outbox
    shown = show_contact("Anna@Example.nl")
    assert shown["count"] == 2 and {i["order_id"] for i in shown["invitations"]} == {"A-1",
                                                                                     "A-2"}
    assert forget("anna@example.nl") == 2
    assert show_contact("anna@example.nl")["count"] == 0
    assert OutboxMail.select().where(OutboxMail.status == "waiting").count() == 0
    assert Invitation.select().where(Invitation.email.is_null(False)).count() == 0


def test_the_purge_deletes_closed_invitations_after_retention_and_window(client, smtp, make):
    from server.retention import purge

    survey = make.survey(invite_delay_days=0, retention_days=30, invite_every_days=60)
    post_order(client, Hook.issue(survey, "generic"), order("A-1", "anna@example.nl"))
    send_due()
    assert purge(utcnow() + dt.timedelta(days=59))["invitations"] == 0  # still throttles
    assert purge(utcnow() + dt.timedelta(days=61))["invitations"] == 1
    assert Invitation.select().count() == 0 and OutboxMail.select().count() == 0
