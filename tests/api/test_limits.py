"""Abuse limits: 429 with Retry-After in the error shape, on memory and on Redis storage,
keyed by a hash of the address that is never stored or logged."""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import re

import pytest
from flask import Blueprint, jsonify

from server import db as database
from server.app import create_app
from server.config import trusted_proxies
from server.limits import (
    KEY_PREFIX,
    hashed_address,
    limiter,
    response_limit,
    survey_ceiling,
    survey_key,
)
from tests.conftest import TEST_KEY, settings_for
from tests.helpers import assert_error

REDIS_URL = os.environ.get("TEVREDEN_TEST_REDIS_URL")
VISITOR = "203.0.113.77"

probe = Blueprint("limit_probe", __name__)


@probe.post("/limit-probe/<survey>")
@limiter.limit(response_limit)
@limiter.limit(survey_ceiling, key_func=survey_key)
def answer(survey: str):
    """Stands in for a response post: the same decorators, no database."""
    return jsonify(ok=True), 201


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    """Limits need no data: one SQLite file, whatever backends the suite runs."""
    monkeypatch.setenv("TEVREDEN_INSTANCE", str(tmp_path / "instance"))
    if database.db.obj is not None:
        database.db.close()
    return f"sqlite:///{tmp_path}/limits.db"


def limited_app(database_url: str, storage: str = "memory://", proxies: str = "127.0.0.1",
                **overrides):
    """Limits of 2 a minute; requests come through a proxy on 127.0.0.1 unless told."""
    app = create_app(settings_for(database_url, RATELIMIT="2/minute", RATELIMIT_ENABLED=True,
                                  RATELIMIT_STORAGE=storage,
                                  TRUSTED_PROXIES=trusted_proxies(proxies), **overrides))
    app.register_blueprint(probe)
    return app


def post(client, survey: str = "s1", address: str = VISITOR, peer: str = "127.0.0.1",
         html: bool = False):
    headers = {"X-Forwarded-For": address,
               "Accept": "text/html" if html else "application/json"}
    return client.post(f"/limit-probe/{survey}", headers=headers,
                       environ_base={"REMOTE_ADDR": peer})


@pytest.fixture
def redis_storage():
    if not REDIS_URL:
        pytest.skip("TEVREDEN_TEST_REDIS_URL is not set")
    import redis

    connection = redis.Redis.from_url(REDIS_URL)

    def ours() -> list[bytes]:
        return list(connection.scan_iter(match=f"*{KEY_PREFIX}*"))

    for key in ours():
        connection.delete(key)
    yield connection, ours
    for key in ours():
        connection.delete(key)
    connection.close()


def assert_limited(client, **kwargs) -> dict:
    assert post(client, **kwargs).status_code == 201
    assert post(client, **kwargs).status_code == 201
    refused = post(client, **kwargs)
    error = assert_error(refused, 429, "rate_limited")
    seconds = int(refused.headers["Retry-After"])
    assert 1 <= seconds <= 60
    assert "try again" in error["message"]
    return error


def test_429_with_retry_after_on_memory_storage(database_url):
    assert_limited(limited_app(database_url).test_client())


def hits_accepted(uri: str, tries: int, strategy: str = "moving-window") -> int:
    """In a process of its own, as a gunicorn worker: how many hits the limit let through."""
    from limits import parse
    from limits.storage import storage_from_string
    from limits.strategies import STRATEGIES

    limiter = STRATEGIES[strategy](storage_from_string(uri))
    return sum(limiter.hit(parse("5/minute"), "visitor") for _ in range(tries))


@pytest.mark.parametrize("strategy", ["moving-window", "fixed-window"])
def test_the_default_storage_is_shared_by_the_processes_of_a_server(tmp_path, strategy):
    """What memory:// means: one count for all the workers gunicorn forks."""
    from server.limit_storage import uri_for

    uri = uri_for(tmp_path / "ratelimits.db")
    with multiprocessing.get_context("fork").Pool(3) as workers:
        accepted = workers.starmap(hits_accepted, [(uri, 4, strategy)] * 3)
    assert sum(accepted) == 5, accepted
    assert hits_accepted(uri, 1, strategy) == 0


def test_429_with_retry_after_on_redis_storage(database_url, redis_storage):
    connection, ours = redis_storage
    client = limited_app(database_url, REDIS_URL).test_client()
    assert_limited(client)
    keys = [key.decode() for key in ours()]
    assert keys, "the limiter wrote nothing to Redis"
    expected = hashed_address(VISITOR, TEST_KEY, dt.datetime.now(dt.UTC).date())
    assert any(expected in key for key in keys), keys
    everything = " ".join(keys)
    for value in keys:
        everything += " " + " ".join(str(v) for v in stored_values(connection, value))
    for address in (VISITOR, "127.0.0.1", "203.0.113"):
        assert address not in everything


def stored_values(connection, key: str) -> list:
    kind = connection.type(key).decode()
    if kind == "string":
        return [connection.get(key)]
    if kind == "zset":
        return connection.zrange(key, 0, -1)
    if kind == "list":
        return connection.lrange(key, 0, -1)
    if kind == "hash":
        return list(connection.hgetall(key).items())
    return []


def test_a_redis_outage_falls_back_to_limits_in_memory_not_to_errors(database_url):
    # Nothing listens on port 9: the connection is refused at once.
    assert_limited(limited_app(database_url, "redis://127.0.0.1:9/0").test_client())


def test_people_get_a_translated_page(database_url):
    client = limited_app(database_url).test_client()
    post(client, html=True)
    post(client, html=True)
    refused = post(client, html=True)
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert "Te veel verzoeken" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) >= 1


def test_every_visitor_has_a_bucket_of_their_own(database_url):
    client = limited_app(database_url).test_client()
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        assert post(client, address=address).status_code == 201
        assert post(client, address=address).status_code == 201
    assert post(client, address="198.51.100.1").status_code == 429


@pytest.mark.parametrize("peer", ["8.8.4.4", "127.0.0.1", "192.168.1.20", "10.0.0.9"])
def test_a_spoofed_forwarded_address_is_ignored_by_default(database_url, peer):
    """Nobody's X-Forwarded-For is believed by default: not from the LAN or loopback either."""
    client = limited_app(database_url, proxies="").test_client()
    for invented in ("198.51.100.1", "198.51.100.2"):
        assert post(client, address=invented, peer=peer).status_code == 201
    assert_error(post(client, address="198.51.100.3", peer=peer), 429, "rate_limited")


def test_a_forwarded_address_is_believed_from_a_configured_proxy_only(database_url):
    client = limited_app(database_url, proxies="10.0.0.2, 192.168.7.0/24").test_client()
    for number, proxy in enumerate(("10.0.0.2", "192.168.7.1", "192.168.7.254")):
        for visitor in (f"198.51.100.{number}", f"198.51.100.{number + 10}",
                        f"198.51.100.{number + 20}"):  # more than the limit through one proxy
            assert post(client, address=visitor, peer=proxy).status_code == 201
    # One visitor is one bucket, whichever listed proxy it comes through.
    assert post(client, address=VISITOR, peer="10.0.0.2").status_code == 201
    assert post(client, address=VISITOR, peer="192.168.7.1").status_code == 201
    assert post(client, address=VISITOR, peer="192.168.7.254").status_code == 429
    # Not on the list (a neighbour on the same network): its header is ignored.
    for invented in ("198.51.100.10", "198.51.100.11"):
        assert post(client, address=invented, peer="10.0.0.3").status_code == 201
    assert post(client, address="198.51.100.12", peer="10.0.0.3").status_code == 429


def test_a_chain_of_trusted_proxies_is_looked_past(database_url):
    client = limited_app(database_url, proxies="10.0.0.0/24").test_client()
    for prepended in ("1.1.1.1", "2.2.2.2"):
        chain = f"{prepended}, {VISITOR}, 10.0.0.7"  # the CDN added VISITOR, our LB 10.0.0.7
        assert post(client, address=chain, peer="10.0.0.2").status_code == 201
    assert post(client, address=f"3.3.3.3, {VISITOR}, 10.0.0.7", peer="10.0.0.2",
                ).status_code == 429
    assert post(client, address="198.51.100.5, 10.0.0.7", peer="10.0.0.2").status_code == 201


def test_the_proxy_appended_address_counts_not_what_the_client_prepended(database_url):
    client = limited_app(database_url).test_client()
    for prepended in ("1.1.1.1", "2.2.2.2"):
        assert post(client, address=f"{prepended}, {VISITOR}").status_code == 201
    assert post(client, address=f"3.3.3.3, {VISITOR}").status_code == 429


def test_the_survey_ceiling_holds_whatever_the_address(database_url):
    client = limited_app(database_url, RATELIMIT_SURVEY_CEILING="3/minute").test_client()
    for index in range(3):
        assert post(client, address=f"198.51.100.{index}").status_code == 201
    assert_error(post(client, address="198.51.100.99"), 429, "rate_limited")
    assert post(client, survey="s2", address="198.51.100.99").status_code == 201


def test_off_means_no_limits(database_url):
    app = create_app(settings_for(database_url))  # RATELIMIT None, as TEVREDEN_RATELIMIT=off
    app.register_blueprint(probe)
    client = app.test_client()
    assert all(post(client).status_code == 201 for _ in range(5))


def test_the_address_is_never_logged(database_url, caplog):
    client = limited_app(database_url).test_client()
    with caplog.at_level(logging.DEBUG):
        for _ in range(3):
            post(client)
    assert caplog.records, "expected the limiter to log the refusal"
    assert VISITOR not in caplog.text and "203.0.113" not in caplog.text


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_the_widgets_answer_post_is_limited(database_url, storage, request):
    from server.models import Owner, Site, Survey

    if storage == "redis":
        request.getfixturevalue("redis_storage")
    app = limited_app(database_url, REDIS_URL if storage == "redis" else "memory://")
    database.migrate()
    client = app.test_client()
    with app.app_context():
        owner = Owner.create(email="limit@example.nl", password_hash="-")
        site = Site.create(owner=owner, name="Limietwinkel", origins=["https://shop.example.nl"])
        survey_id = Survey.create_for(site, metric="nps").id
    statuses, last = [], None
    for _ in range(3):
        page = client.get(f"/w/{survey_id}").get_data(as_text=True)
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        last = client.post(f"/w/{survey_id}/responses", json={"token": token, "score": 8},
                           headers={"Accept": "application/json", "X-Forwarded-For": VISITOR})
        statuses.append(last.status_code)
    assert statuses == [201, 201, 429]
    assert_error(last, 429, "rate_limited")
    assert int(last.headers["Retry-After"]) >= 1


def test_the_hash_changes_every_day_and_with_the_key():
    today, tomorrow = dt.date(2026, 5, 1), dt.date(2026, 5, 2)
    first = hashed_address(VISITOR, TEST_KEY, today)
    assert first == hashed_address(VISITOR, TEST_KEY, today)
    assert first != hashed_address(VISITOR, TEST_KEY, tomorrow)
    assert first != hashed_address(VISITOR, "another-key-" + "z" * 20, today)
    assert first != hashed_address("203.0.113.78", TEST_KEY, today)
    assert len(first) == 32 and VISITOR not in first
