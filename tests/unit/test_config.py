"""Configuration: defaults, validation with one clear line, the secret key kept once."""

import pytest

from server.config import DEFAULTS, ConfigError, load


def test_defaults(tmp_path):
    config = load({}, tmp_path)
    assert config["DATABASE_URL"] == DEFAULTS["TEVREDEN_DATABASE_URL"]
    assert config["BASE_URL"] == "http://127.0.0.1:8000"
    assert config["RATELIMIT"] == "20/minute"
    assert config["RATELIMIT_STORAGE"] == "memory://"


def test_development_key_is_generated_once_and_kept(tmp_path):
    first = load({}, tmp_path)["SECRET_KEYS"]
    second = load({}, tmp_path)["SECRET_KEYS"]
    assert first == second and len(first[0]) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_requires_a_key(tmp_path):
    with pytest.raises(ConfigError, match="TEVREDEN_SECRET_KEY is required"):
        load({"TEVREDEN_ENV": "production"}, tmp_path)


def test_several_keys_first_signs(tmp_path):
    keys = load({"TEVREDEN_SECRET_KEY": "a" * 20 + ", " + "b" * 20}, tmp_path)["SECRET_KEYS"]
    assert keys == ["a" * 20, "b" * 20]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TEVREDEN_DATABASE_URL", "mysql://x", "TEVREDEN_DATABASE_URL"),
        ("TEVREDEN_DATABASE_URL", "sqlite:/x.db", "TEVREDEN_DATABASE_URL"),
        ("TEVREDEN_BASE_URL", "feedback.example.nl", "TEVREDEN_BASE_URL"),
        ("TEVREDEN_RATELIMIT", "lots", "TEVREDEN_RATELIMIT"),
        ("TEVREDEN_RATELIMIT_STORAGE", "memcached://x", "TEVREDEN_RATELIMIT_STORAGE"),
        ("TEVREDEN_SECRET_KEY", "short", "TEVREDEN_SECRET_KEY"),
        ("TEVREDEN_ENV", "staging", "TEVREDEN_ENV"),
        ("TEVREDEN_TRUSTED_PROXIES", "proxy.internal", "TEVREDEN_TRUSTED_PROXIES"),
        ("TEVREDEN_TRUSTED_PROXIES", "10.0.0.2, 10.0.0.0/33", "TEVREDEN_TRUSTED_PROXIES"),
        ("TEVREDEN_TRUSTED_PROXIES", "*", "TEVREDEN_TRUSTED_PROXIES"),
        ("TEVREDEN_SMTP_URL", "mail.example.nl:25", "TEVREDEN_SMTP_URL"),
        ("TEVREDEN_SMTP_URL", "smtp://mail.example.nl:port", "TEVREDEN_SMTP_URL"),
        ("TEVREDEN_MAIL_FROM", "nobody", "TEVREDEN_MAIL_FROM"),
        ("TEVREDEN_QUEUE_URL", "amqp://rabbit", "TEVREDEN_QUEUE_URL"),
    ],
)
def test_bad_configuration_is_one_clear_line(tmp_path, name, value, message):
    with pytest.raises(ConfigError, match=message) as info:
        load({name: value}, tmp_path)
    assert "\n" not in str(info.value)


def test_no_proxy_is_trusted_by_default_and_listed_ones_are(tmp_path):
    assert load({}, tmp_path)["TRUSTED_PROXIES"] == ()
    listed = load({"TEVREDEN_TRUSTED_PROXIES": " 10.0.0.2, 192.168.1.0/24,,fd00::/8 "},
                  tmp_path)["TRUSTED_PROXIES"]
    assert [str(network) for network in listed] == ["10.0.0.2/32", "192.168.1.0/24", "fd00::/8"]


def test_mail_and_queue_defaults(tmp_path):
    config = load({}, tmp_path)
    assert config["SMTP_URL"] is None  # mails wait in the outbox
    assert config["MAIL_FROM"] == "Tevreden <noreply@localhost>"
    assert config["QUEUE_URL"] == f"sqlite:///{tmp_path}/queue.db"
    redis = load({"TEVREDEN_QUEUE_URL": "redis://cache:6379/2",
                  "TEVREDEN_SMTP_URL": "smtps://shop:geheim@mail.example.nl:465"}, tmp_path)
    assert redis["QUEUE_URL"] == "redis://cache:6379/2"
    assert redis["SMTP_URL"] == "smtps://shop:geheim@mail.example.nl:465"


def test_ratelimit_off(tmp_path):
    assert load({"TEVREDEN_RATELIMIT": "off"}, tmp_path)["RATELIMIT"] is None


def test_every_setting_is_documented():
    from pathlib import Path

    from server.config import DOCUMENTED

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    for name in DOCUMENTED:
        assert f"`{name}`" in readme, name
