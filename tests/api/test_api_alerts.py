"""Alerts through the owner API and the command line: created with an `export` token (a `read`
token may only list them), checked like every body, and another site's alert is a 404."""

from __future__ import annotations

import pytest

from server.models import Alert, AlertDelivery
from tests.api.apiutil import bearer
from tests.api.test_cli import as_json, tevreden  # noqa: F401  (the fixture)
from tests.helpers import assert_error


@pytest.fixture
def survey(make):
    return make.survey(make.site(), metric="csat")


@pytest.fixture
def export(make, survey):
    return make.token(survey.site, scope="export")


def url(survey) -> str:
    return f"/api/v1/surveys/{survey.id}/alerts"


def test_an_export_token_creates_lists_and_deletes_an_alert(client, survey, export):
    created = client.post(url(survey), headers=bearer(export), json={
        "when": "Keyword:Kapot", "emails": ["Team@Example.nl"],
        "webhook_url": "https://hooks.example.nl/tevreden"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["when"] == "keyword:kapot" and body["emails"] == ["team@example.nl"]
    assert len(body["secret"]) >= 32
    listed = client.get(url(survey), headers=bearer(export)).get_json()["alerts"]
    assert [a["id"] for a in listed] == [body["id"]] and "secret" not in listed[0]
    assert listed[0]["deliveries"] == []
    gone = client.delete(f"/api/v1/alerts/{body['id']}", headers=bearer(export))
    assert gone.get_json() == {"id": body["id"], "deleted": 1}
    assert client.get(url(survey), headers=bearer(export)).get_json() == {"alerts": []}


def test_an_alert_by_mail_only_has_no_secret(client, survey, export):
    created = client.post(url(survey), headers=bearer(export),
                          json={"when": "detractor", "emails": ["a@example.nl"]}).get_json()
    assert created["secret"] is None and created["webhook_url"] is None


def test_a_read_token_lists_but_may_not_create_or_delete(client, make, survey):
    read = make.token(survey.site, scope="read")
    alert = Alert.issue(survey, "detractor", ["a@example.nl"],
                        "https://hooks.slack.com/services/T0/B0/geheim")
    [listed] = client.get(url(survey), headers=bearer(read)).get_json()["alerts"]
    assert listed["webhook_url"] == "https://hooks.slack.com/…"
    assert_error(client.post(url(survey), headers=bearer(read),
                             json={"when": "detractor", "emails": ["a@example.nl"]}),
                 403, code="insufficient_scope")
    assert_error(client.delete(f"/api/v1/alerts/{alert.id}", headers=bearer(read)), 403)
    assert Alert.select().count() == 1


def test_another_owners_alerts_are_a_404(client, make, survey, export):
    theirs = make.survey(make.site(make.owner()))
    alert = Alert.issue(theirs, "detractor", ["a@example.nl"], None)
    assert_error(client.get(url(theirs), headers=bearer(export)), 404)
    assert_error(client.post(url(theirs), headers=bearer(export),
                             json={"when": "detractor", "emails": ["a@example.nl"]}), 404)
    assert_error(client.delete(f"/api/v1/alerts/{alert.id}", headers=bearer(export)), 404)
    assert_error(client.delete("/api/v1/alerts/bestaat-niet", headers=bearer(export)), 404)
    assert Alert.get_by_id(alert.id)


@pytest.mark.parametrize("body, field", [
    ({"when": "promoter", "emails": ["a@example.nl"]}, "when"),
    ({"when": "score-at-most:6", "emails": ["a@example.nl"]}, "when"),  # CSAT is 1-5
    ({"when": "detractor"}, "emails"),
    ({"when": "detractor", "emails": ["geen adres"]}, "emails.0"),
    ({"when": "detractor", "webhook_url": "ftp://example.nl/x"}, "webhook_url"),
    ({"when": "detractor", "webhook_url": "file:///etc/passwd"}, "webhook_url"),
    ({"when": "detractor", "webhook_url": "http://169.254.169.254/latest/meta-data"},
     "webhook_url"),
    ({"when": "detractor", "webhook_url": "http://[fe80::1]/x"}, "webhook_url"),
    ({"when": "detractor", "webhook_url": "http://0.0.0.0:8080/x"}, "webhook_url"),
    ({"emails": ["a@example.nl"]}, "when"),
    ({"when": "detractor", "emails": ["a@example.nl"], "secret": "mine"}, "secret"),
])
def test_a_bad_alert_is_refused_by_field(client, survey, export, body, field):
    assert_error(client.post(url(survey), headers=bearer(export), json=body), 422, field=field)
    assert Alert.select().count() == 0


def test_deliveries_are_listed_with_their_status(client, make, survey, export):
    from tests.api.apiutil import answer

    alert = Alert.issue(survey, "detractor", [], "http://127.0.0.1:9/down")
    response = answer(survey, 1)
    AlertDelivery.create(alert=alert, response=response, channel="webhook", attempts=2,
                         last_error="HTTP 500 Internal Server Error",
                         next_attempt_at=alert.created_at)
    [listed] = client.get(url(survey), headers=bearer(export)).get_json()["alerts"]
    [delivery] = listed["deliveries"]
    assert delivery["response"] == response.id and delivery["status"] == "waiting"
    assert delivery["last_error"] == "HTTP 500 Internal Server Error"


def test_the_cli_creates_and_deletes_alerts(tevreden, survey):  # noqa: F811
    code, out, _ = tevreden("create-alert", "--survey", survey.id, "--when", "score-at-most:2",
                            "--email", "a@example.nl", "--email", "b@example.nl",
                            "--webhook", "https://hooks.example.nl/x", "--json")
    assert code == 0
    created = as_json(out)
    alert = Alert.get_by_id(created["id"])
    assert created["secret"] == alert.secret and alert.emails == ["a@example.nl", "b@example.nl"]
    code, out, _ = tevreden("create-alert", "--survey", survey.id, "--when", "detractor",
                            "--email", "a@example.nl")
    assert code == 0 and out.startswith("alert ") and "secret" not in out
    code, out, _ = tevreden("delete-alert", created["id"], "--json")
    assert code == 0 and as_json(out) == {"id": created["id"], "deleted": 1}
    code, _, err = tevreden("delete-alert", created["id"])
    assert code == 1 and "no alert" in err


@pytest.mark.parametrize("args, message", [
    (("--when", "sometimes", "--email", "a@example.nl"), "when"),
    (("--when", "detractor"), "e-mail address or a webhook"),
    (("--when", "detractor", "--webhook", "ftp://x.nl/"), "webhook_url"),
])
def test_the_cli_refuses_a_bad_alert_in_one_line(tevreden, survey, args, message):  # noqa: F811
    code, _, err = tevreden("create-alert", "--survey", survey.id, *args)
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1
    assert Alert.select().count() == 0
