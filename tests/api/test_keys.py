"""Key rotation: TEVREDEN_SECRET_KEY="new,old" signs with new, still verifies old receipts."""

from __future__ import annotations

import pytest
from flask import Flask

from server import config, signing
from server.signing import InvalidToken

OLD = "old-key-" + "o" * 24
NEW = "new-key-" + "n" * 24
RECEIPT = {"response": 41, "survey": "AbCdEfGh"}


def app_with(tmp_path, secret_key: str) -> Flask:
    """An app configured exactly as start-up reads TEVREDEN_SECRET_KEY."""
    app = Flask(__name__)
    app.config.update(config.load({"TEVREDEN_SECRET_KEY": secret_key}, instance_path=tmp_path))
    return app


def sign(app: Flask, purpose: str = "receipt", payload=RECEIPT) -> str:
    with app.app_context():
        return signing.sign(purpose, payload)


def unsign(app: Flask, token: str, purpose: str = "receipt", max_age=None):
    with app.app_context():
        return signing.unsign(purpose, token, max_age=max_age)


def test_a_receipt_signed_with_the_old_key_verifies_after_rotation(tmp_path):
    before = app_with(tmp_path, OLD)
    receipt = sign(before)
    after = app_with(tmp_path, f"{NEW},{OLD}")
    assert after.config["SECRET_KEYS"] == [NEW, OLD]
    assert unsign(after, receipt) == RECEIPT


def test_after_rotation_the_new_key_signs(tmp_path):
    rotated = app_with(tmp_path, f"{NEW},{OLD}")
    fresh = sign(rotated)
    assert unsign(app_with(tmp_path, NEW), fresh) == RECEIPT
    with pytest.raises(InvalidToken):
        unsign(app_with(tmp_path, OLD), fresh)


def test_a_token_signed_only_with_a_removed_key_fails(tmp_path):
    receipt = sign(app_with(tmp_path, OLD))
    with pytest.raises(InvalidToken) as failed:
        unsign(app_with(tmp_path, f"{NEW},another-key-{'a' * 16}"), receipt)
    assert not failed.value.expired


def test_a_token_for_one_purpose_never_verifies_for_another(tmp_path):
    app = app_with(tmp_path, f"{NEW},{OLD}")
    with pytest.raises(InvalidToken):
        unsign(app, sign(app, "receipt"), "widget")
    with pytest.raises(InvalidToken):
        unsign(app, sign(app, "invite"), "receipt")


def test_an_expired_token_says_so(tmp_path):
    app = app_with(tmp_path, NEW)
    with pytest.raises(InvalidToken) as failed:
        unsign(app, sign(app), max_age=-1)
    assert failed.value.expired


def test_sessions_rotate_too(tmp_path, monkeypatch):
    from server.app import create_app

    monkeypatch.setenv("TEVREDEN_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("TEVREDEN_SECRET_KEY", f"{NEW},{OLD}")
    monkeypatch.setenv("TEVREDEN_DATABASE_URL", f"sqlite:///{tmp_path}/keys.db")
    app = create_app()
    assert app.secret_key == NEW
    assert app.config["SECRET_KEY_FALLBACKS"] == [OLD]


def test_short_keys_are_refused_at_start_up(tmp_path):
    with pytest.raises(config.ConfigError, match="at least 16 characters"):
        config.load({"TEVREDEN_SECRET_KEY": f"{NEW},short"}, instance_path=tmp_path)


def test_a_real_receipt_link_keeps_working_through_a_rotation(app, client, make):
    from server.models import Response
    from server.visitor.answers import receipt_for
    from tests.conftest import TEST_KEY
    from tests.helpers import assert_error

    answer = Response.create(survey=make.survey(), score=9, comment="Prima")
    receipt = receipt_for(answer)  # signed with the key the app started with
    json = {"Accept": "application/json"}
    app.config["SECRET_KEYS"] = [NEW, TEST_KEY]
    opened = client.get(f"/r/{receipt}", headers=json)
    assert opened.status_code == 200 and opened.get_json()["comment"] == "Prima"
    app.config["SECRET_KEYS"] = [NEW]
    assert_error(client.get(f"/r/{receipt}", headers=json), 400)


def test_tokens_read_as_itsdangerous_reads_them_and_the_other_way(tmp_path):
    """The cheaper serializer changes no token: old links and forms keep working."""
    from itsdangerous import URLSafeTimedSerializer

    app = app_with(tmp_path, NEW)
    plain = URLSafeTimedSerializer(NEW, salt=signing.SALTS["receipt"])
    long_payload = {"comment": "lang " * 200}  # long enough to be compressed
    for payload in (RECEIPT, [41, "2026-11-22T10:00:00"], long_payload):
        assert unsign(app, plain.dumps(payload)) == payload
        ours = sign(app, payload=payload)
        assert plain.loads(ours) == payload
    assert sign(app, payload=long_payload).startswith(".")  # zlib, as itsdangerous does
    assert not sign(app, payload=RECEIPT).startswith(".")


def test_a_tampered_token_fails_with_the_kept_signer(tmp_path):
    app = app_with(tmp_path, NEW)
    token = sign(app)
    for _ in range(2):  # the second time through the kept signer and derived key
        assert unsign(app, token) == RECEIPT
        with pytest.raises(InvalidToken):
            unsign(app, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))


def test_tokens_are_itsdangerous_own_and_expire_both_ways(tmp_path, monkeypatch):
    """A plain URLSafeTimedSerializer with our salt reads our tokens and we read its own."""
    import hashlib

    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_795_000_000)
    app = app_with(tmp_path, f"{NEW},{OLD}")
    for purpose, payload in (("widget", {"s": "AbCdEfGh", "i": "x1", "l": "nl"}),
                             ("receipt", [41, "2026-11-22T10:00:00"])):
        plain = URLSafeTimedSerializer([OLD, NEW], salt=signing.SALTS[purpose],
                                       signer_kwargs={"digest_method": hashlib.sha1})
        assert sign(app, purpose, payload) == plain.dumps(payload)
        assert unsign(app, plain.dumps(payload), purpose, max_age=60) == payload
    token = plain.dumps(payload)  # signed at 1,795,000,000
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_795_000_060)
    assert unsign(app, token, "receipt", max_age=60) == payload
    for now in (1_795_000_061, 1_794_999_999):  # 61 s later; a second before it was signed
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self, now=now: now)
        with pytest.raises(InvalidToken) as failed:
            unsign(app, token, "receipt", max_age=60)
        assert failed.value.expired
