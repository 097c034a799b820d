"""Two stateless servers on one PostgreSQL (and Redis for limits): they act as one service."""

from __future__ import annotations

import secrets
import threading

import pytest

from .conftest import REDIS_URL, make_survey, pg_schema, spent_tokens, stored_scores
from .live import Visitor, instance, run_load

CLIENTS_PER_INSTANCE = 4
FLOWS = 50  # per client: 400 answers, under the survey's ceiling of 600 a minute
RACES = 20


@pytest.fixture(scope="module")
def shared_url():
    """One database for both instances; each test makes its own survey in it."""
    with pg_schema() as url:
        yield url


@pytest.fixture(scope="module")
def pair(shared_url, tmp_path_factory):
    """Instances A and B: the same database, the same secret key, separate processes."""
    key = "shared-key-" + secrets.token_hex(16)
    limits = {}
    if REDIS_URL:
        # Limits on (generously), kept in Redis so both instances count together.
        limits = {"TEVREDEN_RATELIMIT": "100000/minute", "TEVREDEN_RATELIMIT_STORAGE": REDIS_URL}
    directory = tmp_path_factory.mktemp("pair")
    servers = [instance(directory / name, shared_url, key, workers=2, **limits)
               for name in ("a", "b")]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_no_answer_is_lost_or_doubled_across_instances(pair, shared_url):
    a, b = pair
    pg_url = shared_url
    spent_before = spent_tokens(pg_url)
    survey = make_survey(pg_url)
    # Half the visitors stay on one instance; the others get the page from one and post to
    # the other, as a load balancer without sticky sessions would send them.
    plan = ([(a.url, a.url), (b.url, b.url), (a.url, b.url), (b.url, a.url)]
            * (CLIENTS_PER_INSTANCE // 2))
    load = run_load(plan, survey, FLOWS)
    logs = a.output()[-2000:] + b.output()[-2000:]
    assert not load.errors, (load.errors[:5], logs)
    assert load.statuses() == {201: len(plan) * FLOWS}, (load.statuses(), logs)
    acknowledged = {answer.id: answer.score for answer in load.acknowledged}
    assert len(acknowledged) == len(plan) * FLOWS
    assert stored_scores(pg_url, survey) == acknowledged
    assert spent_tokens(pg_url) - spent_before == len(plan) * FLOWS


def test_a_token_spent_on_one_instance_is_refused_by_the_other(pair, shared_url):
    a, b = pair
    pg_url = shared_url
    survey = make_survey(pg_url)
    visitor = Visitor()
    for page, first, second in ((a, a, b), (a, b, a), (b, b, a)):
        token = visitor.token(page.url, survey)
        assert visitor.answer(first.url, survey, token, 9).status == 201
        replay = visitor.answer(second.url, survey, token, 3)
        assert replay.status == 409, replay.body
        assert replay.body["error"]["code"] == "conflict"
    visitor.close()
    assert len(stored_scores(pg_url, survey)) == 3


def test_the_same_token_posted_to_both_at_once_counts_once(pair, shared_url):
    a, b = pair
    pg_url = shared_url
    survey = make_survey(pg_url)
    page = Visitor()
    tokens = [page.token(a.url, survey) for _ in range(RACES)]
    page.close()
    statuses: list[tuple[int, int]] = []
    for token in tokens:
        barrier = threading.Barrier(2)
        pair_statuses = []

        def post(server, token=token, barrier=barrier, out=pair_statuses):
            visitor = Visitor()
            barrier.wait()
            out.append(visitor.answer(server.url, survey, token, 8).status)
            visitor.close()

        threads = [threading.Thread(target=post, args=(server,)) for server in (a, b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        statuses.append(tuple(sorted(pair_statuses)))
    assert set(statuses) == {(201, 409)}, statuses
    assert len(stored_scores(pg_url, survey)) == RACES


def test_rate_limits_are_counted_together_in_redis(pg_url, redis_url, tmp_path):
    key = "limit-key-" + secrets.token_hex(16)  # a fresh key: fresh client buckets in Redis
    limits = {"TEVREDEN_RATELIMIT": "5/minute", "TEVREDEN_RATELIMIT_STORAGE": redis_url}
    a, b = (instance(tmp_path / name, pg_url, key, workers=1, **limits) for name in "ab")
    a.start()
    b.start()
    try:
        survey = make_survey(pg_url)
        visitor = Visitor()
        statuses = []
        for server in (a, b) * 4:
            token = visitor.token(server.url, survey)
            statuses.append(visitor.answer(server.url, survey, token, 7).status)
        visitor.close()
    finally:
        a.stop()
        b.stop()
    # Counted per instance, each would have allowed its 4; counted together, 5 of 8 pass.
    assert statuses.count(201) == 5, statuses
    assert statuses.count(429) == 3, statuses
