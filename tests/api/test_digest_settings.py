"""Turning the digest on and off: the unsubscribe link in the mail (for this purpose only),
`tevreden set-digest`, and the dashboard's page."""

from __future__ import annotations

import email
import email.policy

import pytest

from server.jobs.digests import run_due_digests
from server.mail.digest import owner_mark
from server.models import OutboxMail, Owner
from server.signing import sign
from tests.api.test_cli import as_json, tevreden  # noqa: F401  (the fixture)
from tests.api.test_dashboard import post, quick_owner, sign_in
from tests.api.test_digest import TUESDAY, answers


@pytest.fixture
def owner(make):
    owner = make.owner("eigenaar@example.nl")
    owner.set_digest("daily")
    answers(make.survey(make.site(owner)), 9, [10, 3])
    return owner


def off_link(owner: Owner) -> str:
    """The List-Unsubscribe link of the owner's digest, as a path."""
    assert run_due_digests(TUESDAY)["composed"] == 1
    mail = OutboxMail.get(OutboxMail.kind == "digest", OutboxMail.recipient == owner.email)
    message = email.message_from_string(mail.message, policy=email.policy.default)
    return message["List-Unsubscribe"].strip("<>").removeprefix("http://tevreden.test")


def digest_of(owner: Owner) -> str:
    return Owner.get_by_id(owner.id).digest


def test_the_link_asks_first_then_turns_the_digest_off(client, owner):
    link = off_link(owner)
    page = client.get(link)
    assert page.status_code == 200 and digest_of(owner) == "daily"
    assert "Wilt u het overzicht met uw scores en opmerkingen niet meer" in page.get_data(
        as_text=True)
    done = client.post(link)
    assert done.status_code == 200 and digest_of(owner) == "off"
    assert "Klaar: u krijgt geen overzichten per e-mail meer" in done.get_data(as_text=True)
    assert run_due_digests(TUESDAY.replace(day=11))["composed"] == 0


def test_a_mail_client_turns_it_off_with_one_click(client, owner):
    response = client.post(off_link(owner), data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and digest_of(owner) == "off"


def test_the_link_speaks_the_owners_language(client, make):
    english = make.owner("owner@example.com")
    Owner.update(digest="weekly", language="en").where(Owner.id == english.id).execute()
    answers(make.survey(make.site(english)), 9, [10])
    page = client.get(off_link(english)).get_data(as_text=True)
    assert "Do you want to stop getting the summary e-mail" in page and 'lang="en"' in page


def test_only_a_digest_link_for_this_owner_works(client, owner, make):
    payload = {"o": owner.id, "m": owner_mark(owner), "l": "nl"}
    other = make.owner("ander@example.nl")
    refused = [sign("receipt", payload), sign("unsubscribe", payload),
               sign("invite", payload), sign("widget", payload),
               sign("digest-off", {**payload, "o": other.id}),  # another owner, this mark
               sign("digest-off", {"o": owner.id, "l": "nl"}),
               off_link(owner)[len("/digest/off/"):-3] + "abc", "nonsense"]
    for token in refused:
        assert client.get(f"/digest/off/{token}").status_code == 404, token
        assert client.post(f"/digest/off/{token}").status_code == 404, token
    assert digest_of(owner) == "daily"
    # The digest's own link unsubscribes from no shop's invitations, and vice versa.
    assert client.post("/u/" + sign("digest-off", payload)).status_code == 404
    assert client.post("/digest/off/" + sign("digest-off", payload)).status_code == 200
    assert digest_of(owner) == "off"


def test_an_old_link_stops_working_when_the_address_changes(client, owner):
    link = off_link(owner)
    Owner.update(email="nieuw@example.nl").where(Owner.id == owner.id).execute()
    assert client.post(link).status_code == 404 and digest_of(owner) == "daily"


def test_set_digest_on_the_command_line(tevreden, make):  # noqa: F811
    owner = make.owner("eigenaar@example.nl")
    assert digest_of(owner) == "off"
    code, out, _ = tevreden("set-digest", "Eigenaar@Example.nl", "weekly", "--json")
    assert code == 0 and as_json(out) == {"email": "eigenaar@example.nl", "digest": "weekly"}
    assert digest_of(owner) == "weekly"
    code, out, _ = tevreden("set-digest", "eigenaar@example.nl", "daily")
    assert code == 0 and "every morning at 07:00" in out and digest_of(owner) == "daily"
    code, out, _ = tevreden("set-digest", "eigenaar@example.nl", "hourly", "--json")
    assert code != 0 and "error" in as_json(out) and digest_of(owner) == "daily"
    code, out, _ = tevreden("set-digest", "niemand@example.nl", "off", "--json")
    assert code == 1 and "no owner" in as_json(out)["error"]
    code, out, _ = tevreden("set-digest", "eigenaar@example.nl", "off", "--json")
    assert as_json(out)["digest"] == "off" and digest_of(owner) == "off"


def test_the_dashboard_page_sets_the_digest(client, make):
    owner = quick_owner()
    sign_in(client, owner)
    page = client.get("/dashboard/digest").get_data(as_text=True)
    assert 'value="off" checked' in page and "Er is nog geen overzicht verstuurd." in page
    assert "/dashboard/digest" in client.get("/dashboard").get_data(as_text=True)
    response = post(client, "/dashboard/digest", {"digest": "weekly"})
    assert response.status_code == 302 and digest_of(owner) == "weekly"
    page = client.get(response.location).get_data(as_text=True)
    assert 'value="weekly" checked' in page and "Opgeslagen." in page
    refused = post(client, "/dashboard/digest", {"digest": "hourly"})
    assert refused.status_code == 422 and "Kies dagelijks, wekelijks of nooit." in \
        refused.get_data(as_text=True)
    assert client.post("/dashboard/digest", data={"digest": "off"}).status_code == 403
    assert digest_of(owner) == "weekly"


def test_the_dashboard_page_needs_a_login(client):
    response = client.get("/dashboard/digest")
    assert response.status_code in (302, 401) and Owner.select().count() == 0


def test_the_page_says_when_no_mail_server_is_set(app, client):
    sign_in(client, quick_owner())
    app.config["SMTP_URL"] = None
    assert "geen mailserver ingesteld" in client.get("/dashboard/digest").get_data(as_text=True)
    app.config["SMTP_URL"] = "smtp://127.0.0.1:2525"
    assert 'data-testid="no-mail-server"' not in client.get("/dashboard/digest").get_data(
        as_text=True)
