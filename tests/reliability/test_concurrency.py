"""Many visitors at once on a live gunicorn: every acknowledged answer is stored exactly once."""

from __future__ import annotations

from urllib.parse import urlsplit

from server.signing import serializer

from .conftest import make_survey, spent_tokens, stored_scores
from .live import instance, run_load

CLIENTS = 8
FLOWS = 250  # per client: 2,000 answers, each a page view and a post


def test_every_acknowledged_answer_is_stored_exactly_once(backend_url, tmp_path):
    server = instance(tmp_path, backend_url, workers=2)
    survey = make_survey(backend_url)
    server.start()
    try:
        load = run_load([(server.url, server.url)] * CLIENTS, survey, FLOWS)
    finally:
        server.stop()
    log = server.output()[-3000:]
    assert not load.errors, (load.errors[:5], log)
    # No 5xx, no busy-database refusal, no lost form: every single answer was taken.
    assert load.statuses() == {201: CLIENTS * FLOWS}, (load.statuses(), log)
    acknowledged = {answer.id: answer.score for answer in load.acknowledged}
    assert len(acknowledged) == CLIENTS * FLOWS, "an id was handed out twice"
    assert stored_scores(backend_url, survey) == acknowledged
    assert spent_tokens(backend_url) == CLIENTS * FLOWS
    assert_receipts_open_their_own_answers(load.acknowledged, server)


def assert_receipts_open_their_own_answers(answers, server) -> None:
    """Each receipt is a distinct signed link on this server to exactly its own answer."""
    receipts = serializer("receipt", [server.env["TEVREDEN_SECRET_KEY"]])
    seen = set()
    for answer in answers:
        url = urlsplit(answer.body["receipt"])
        assert url.netloc == urlsplit(server.url).netloc and url.path.startswith("/r/")
        response_id, _created_at = receipts.loads(url.path[len("/r/"):])
        assert response_id == answer.id
        seen.add(url.path)
    assert len(seen) == len(answers)
