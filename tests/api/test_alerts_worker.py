"""The background worker (`tevreden worker`, a real subprocess) delivers an alert within a
minute of the answer: the answer schedules the check, the worker sends mail and webhook."""

from __future__ import annotations

import json

import pytest

from server import db as database
from server.models import Alert, AlertDelivery
from tests.api.test_responses import JSON, answer
from tests.mailserver import MailServer
from tests.webhookserver import Receiver
from tests.workers import Worker, eventually, worker_env


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_worker_sends_the_alert_within_a_minute(app, client, make, database_url, tmp_path):
    survey = make.survey(make.site(), metric="nps")
    receiver, smtp = Receiver().start(), MailServer().start()
    Alert.issue(survey, "detractor", ["team@example.nl"], receiver.url)
    database.db.close()
    worker = Worker(worker_env(database_url, app.config["QUEUE_URL"], tmp_path,
                               TEVREDEN_SMTP_URL=smtp.url), tmp_path / "worker.log")
    try:
        created = answer(client, survey, score=2, touchpoint="checkout").get_json()
        receipt = created["receipt"].rsplit("/", 1)[1]
        client.post(f"/w/{survey.id}/responses/{receipt}", headers=JSON,
                    json={"comment": "Te laat"})
        eventually(lambda: receiver.requests and smtp.inbox.messages, worker, timeout=60)
    finally:
        worker.stop()
        receiver.stop()
        smtp.stop()
    [(_headers, body)] = receiver.requests
    assert json.loads(body)["response"]["comment"] == "Te laat"
    assert len(smtp.inbox.messages) == 1
    assert {d.status for d in AlertDelivery.select()} == {"sent"}
