"""The dashboard's alerts page: add an alert (a webhook's secret shown once), refuse a bad one
field by field, delete one, see the deliveries; the answer page an alert links to; in Dutch
and English, and for the owner only."""

from __future__ import annotations

import pytest

from server.models import Alert, AlertDelivery
from tests.api.apiutil import answer
from tests.api.test_dashboard import post, quick_owner, sign_in


@pytest.fixture
def owner():
    return quick_owner()


@pytest.fixture
def survey(client, make, owner):
    survey = make.survey(make.site(owner, name="Fietsen Jan"), metric="nps")
    sign_in(client, owner)
    return survey


def alerts_url(survey) -> str:
    return f"/dashboard/surveys/{survey.id}/alerts"


def test_adding_an_alert_with_a_webhook_shows_its_secret_once(client, survey):
    created = post(client, alerts_url(survey), {
        "kind": "keyword", "value": "Kapot", "emails": "team@example.nl\nbaas@example.nl",
        "webhook_url": "https://hooks.example.nl/x"})
    assert created.status_code == 201
    alert = Alert.get(Alert.survey == survey.id)
    assert alert.rule == "keyword:kapot"
    assert alert.emails == ["team@example.nl", "baas@example.nl"]
    assert alert.secret in created.get_data(as_text=True)
    assert 'data-copy="alert-secret"' in created.get_data(as_text=True)  # a copy button
    page = client.get(alerts_url(survey)).get_data(as_text=True)
    assert alert.secret not in page and "https://hooks.example.nl/x" in page
    assert "de opmerking bevat “kapot”" in page and "team@example.nl" in page


def test_a_bad_alert_names_its_fields(client, survey):
    refused = post(client, alerts_url(survey), {"kind": "score-at-most", "value": "12",
                                                "emails": "geen-adres",
                                                "webhook_url": "ftp://x.nl"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and Alert.select().count() == 0
    assert 'id="value-error"' in html and "van 0 tot 10" in html
    assert 'id="emails-error"' in html and 'id="webhook_url-error"' in html
    assert "“geen-adres” is geen e-mailadres." in html  # which address, not "at most 10"
    nothing = post(client, alerts_url(survey), {"kind": "detractor"})
    assert nothing.status_code == 422 and 'id="emails-error"' in nothing.get_data(as_text=True)
    assert "Vul minstens één e-mailadres in" in nothing.get_data(as_text=True)
    many = post(client, alerts_url(survey), {"kind": "detractor", "emails": "\n".join(
        f"team{n}@example.nl" for n in range(11))})
    assert "Vul hoogstens 10 e-mailadressen in (u vulde er 11 in)." in many.get_data(
        as_text=True)


def test_deleting_an_alert(client, survey):
    alert = Alert.issue(survey, "detractor", ["team@example.nl"], None)
    gone = post(client, f"{alerts_url(survey)}/{alert.id}/delete")
    assert gone.status_code == 303 and Alert.select().count() == 0
    assert "Melding verwijderd." in client.get(gone.headers["Location"]).get_data(as_text=True)


def test_deliveries_show_their_status_and_error(client, survey):
    alert = Alert.issue(survey, "detractor", [], "https://hooks.example.nl/x")
    response = answer(survey, 2, comment="Te laat")
    AlertDelivery.create(alert=alert, response=response, channel="webhook", attempts=3,
                         last_error="HTTP 503 Service Unavailable",
                         next_attempt_at=alert.created_at)
    page = client.get(alerts_url(survey)).get_data(as_text=True)
    assert "HTTP 503 Service Unavailable" in page and 'data-status="waiting"' in page
    assert f"/dashboard/surveys/{survey.id}/answers/{response.id}" in page


def test_the_answer_page_shows_the_contact_only_with_consent(client, survey):
    from server.models import utcnow

    plain = answer(survey, 2, comment="Te laat", touchpoint="checkout")
    given = answer(survey, 3, contact="klant@example.nl", consent_at=utcnow(),
                   consent_version=1)
    html = client.get(f"/dashboard/surveys/{survey.id}/answers/{plain.id}").get_data(
        as_text=True)
    assert "Te laat" in html and "Checkout" in html and 'data-field="contact"' not in html
    html = client.get(f"/dashboard/surveys/{survey.id}/answers/{given.id}").get_data(
        as_text=True)
    assert "klant@example.nl" in html


def test_the_page_is_in_english_too(client, survey, owner):
    sign_in(client, owner, lang="en")
    Alert.issue(survey, "score-at-most:4", ["team@example.nl"], None)
    page = client.get(alerts_url(survey)).get_data(as_text=True)
    assert "Alerts for" in page and "a score of 4 or lower" in page


def test_another_owners_alerts_and_answers_are_a_404(client, make, survey):
    theirs = make.survey(make.site(quick_owner()))
    alert = Alert.issue(theirs, "detractor", ["a@example.nl"], None)
    response = answer(theirs, 1)
    assert client.get(alerts_url(theirs)).status_code == 404
    assert post(client, alerts_url(theirs), {"kind": "detractor",
                                             "emails": "a@example.nl"}).status_code == 404
    assert post(client, f"{alerts_url(theirs)}/{alert.id}/delete").status_code == 404
    assert post(client, f"{alerts_url(survey)}/{alert.id}/delete").status_code == 404
    assert client.get(f"/dashboard/surveys/{theirs.id}/answers/{response.id}").status_code == 404
    assert client.get(f"/dashboard/surveys/{survey.id}/answers/{response.id}").status_code == 404
    assert Alert.select().count() == 1


def test_the_answer_page_says_where_an_alerts_mail_and_webhook_really_are(app, client, survey):
    from server.jobs.alerts import run_alerts
    from server.models import OutboxMail, utcnow
    from tests.api.test_alerts import later

    app.config["SMTP_URL"] = None  # no mail server yet: the mail waits in the outbox
    Alert.issue(survey, "detractor", ["team@example.nl"], "http://127.0.0.1:9/nobody")
    response = answer(survey, 2, comment="Te laat", created_at=utcnow())
    run_alerts(later())
    page = client.get(f"/dashboard/surveys/{survey.id}/answers/{response.id}")
    html = page.get_data(as_text=True)
    assert "e-mail: in het postvak uit, volgende poging" in html and "verstuurd" not in html
    assert "geen mailserver ingesteld" in html
    assert "De ontvanger weigerde de verbinding." in html  # the webhook's port is closed
    mail = OutboxMail.get(OutboxMail.response == response.id)
    mail.mark_sent(utcnow())
    assert "e-mail: verstuurd" in client.get(
        f"/dashboard/surveys/{survey.id}/answers/{response.id}").get_data(as_text=True)


def test_a_viewer_sees_only_where_a_webhook_goes(client, make, survey):
    from server.models import Member

    Alert.issue(survey, "detractor", [], "https://hooks.slack.com/services/T0/B0/geheim")
    assert "hooks.slack.com/services/T0/B0/geheim" in client.get(
        alerts_url(survey)).get_data(as_text=True)  # the owner sees it whole
    viewer = quick_owner("kijker@example.nl")
    Member.create(site=survey.site, owner=viewer, role="viewer")
    sign_in(client, viewer)
    page = client.get(alerts_url(survey)).get_data(as_text=True)
    assert "https://hooks.slack.com/…" in page and "geheim" not in page


def test_the_answer_page_leads_to_its_follow_up_and_a_reply(client, survey):
    from server.models import utcnow

    unhappy = answer(survey, 2, comment="Te laat", followup="open",
                     contact="klant@example.nl", consent_at=utcnow(), consent_version=1)
    html = client.get(f"/dashboard/surveys/{survey.id}/answers/{unhappy.id}").get_data(
        as_text=True)
    assert "Opvolging: <strong>Open</strong>" in html
    assert f"/followups?status=open#answer-{unhappy.id}" in html
    assert 'href="mailto:klant@example.nl?subject=' in html
    content = answer(survey, 9)
    html = client.get(f"/dashboard/surveys/{survey.id}/answers/{content.id}").get_data(
        as_text=True)
    assert 'data-testid="followup"' not in html and "mailto:" not in html


def test_the_alerts_page_says_when_their_mails_cannot_go(app, client, survey):
    app.config["SMTP_URL"] = None
    Alert.issue(survey, "detractor", [], "https://hooks.example.nl/x")
    assert 'data-testid="no-mail-server"' not in client.get(alerts_url(survey)).get_data(
        as_text=True)  # a webhook needs no mail server
    Alert.issue(survey, "detractor", ["team@example.nl"], None)
    assert "geen mailserver ingesteld" in client.get(alerts_url(survey)).get_data(as_text=True)


def test_the_alerts_page_shows_a_mail_waiting_in_the_outbox_not_as_sent(app, client, survey):
    """An e-mail alert's delivery is done once its mail is in the outbox; the page says where
    the mail is, and which alert each row is (two alerts can fire for one answer)."""
    from server.jobs.alerts import run_alerts
    from server.models import OutboxMail, utcnow
    from tests.api.test_alerts import later

    app.config["SMTP_URL"] = None
    Alert.issue(survey, "detractor", ["team@example.nl"], None)
    Alert.issue(survey, "keyword:laat", [], "http://127.0.0.1:9/nobody")
    response = answer(survey, 2, comment="Te laat", created_at=utcnow())
    run_alerts(later())
    html = client.get(alerts_url(survey)).get_data(as_text=True)
    rows = html.split('<tbody>')[1].split('</tbody>')[0]
    assert "in het postvak uit, volgende poging" in rows and "verstuurd" not in rows
    assert "team@example.nl · een criticaster" in rows
    assert "http://127.0.0.1:9/nobody · de opmerking bevat" in rows
    OutboxMail.get(OutboxMail.response == response.id).mark_sent(utcnow())
    html = client.get(alerts_url(survey)).get_data(as_text=True)
    assert "verstuurd" in html.split('<tbody>')[1] and "postvak uit, volgende" not in html


def test_the_language_switch_after_a_refused_form_stays_on_the_page(client, survey):
    refused = post(client, alerts_url(survey), {"kind": "detractor"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert f'href="{alerts_url(survey)}?lang=en" lang="en"' in html
