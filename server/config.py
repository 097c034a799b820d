"""Configuration from TEVREDEN_* environment variables, validated at start-up."""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from limits import parse_many


class ConfigError(Exception):
    """Bad configuration: start-up stops with this one-line message."""


DEFAULTS = {
    "TEVREDEN_DATABASE_URL": "sqlite:///instance/tevreden.db",
    "TEVREDEN_BASE_URL": "http://127.0.0.1:8000",
    "TEVREDEN_RATELIMIT": "20/minute",
    "TEVREDEN_RATELIMIT_STORAGE": "memory://",
    "TEVREDEN_ENV": "development",
    "TEVREDEN_TRUSTED_PROXIES": "",
    "TEVREDEN_SMTP_URL": "",
    "TEVREDEN_MAIL_FROM": "Tevreden <noreply@localhost>",
    "TEVREDEN_QUEUE_URL": "sqlite:///instance/queue.db",
}

# Every variable a user can set; tests check each is documented in the README.
DOCUMENTED = (*DEFAULTS, "TEVREDEN_SECRET_KEY")


def load(environ: Mapping[str, str] | None = None, instance_path: str | Path = "instance") -> dict:
    """Read and check the environment; returns Flask config keys."""
    env = {**DEFAULTS, **{k: v for k, v in (environ or os.environ).items() if v != ""}}
    instance = Path(instance_path)
    production = env["TEVREDEN_ENV"] == "production"
    if env["TEVREDEN_ENV"] not in ("development", "production"):
        raise ConfigError("TEVREDEN_ENV must be 'development' or 'production'")
    return {
        "DATABASE_URL": database_url(env["TEVREDEN_DATABASE_URL"]),
        "BASE_URL": base_url(env["TEVREDEN_BASE_URL"]),
        "SECRET_KEYS": secret_keys(env.get("TEVREDEN_SECRET_KEY"), instance, production),
        "RATELIMIT": ratelimit(env["TEVREDEN_RATELIMIT"]),
        "RATELIMIT_STORAGE": ratelimit_storage(env["TEVREDEN_RATELIMIT_STORAGE"]),
        "TRUSTED_PROXIES": trusted_proxies(env["TEVREDEN_TRUSTED_PROXIES"]),
        "PRODUCTION": production,
        "SMTP_URL": smtp_url(env["TEVREDEN_SMTP_URL"]),
        "MAIL_FROM": mail_from(env["TEVREDEN_MAIL_FROM"]),
        "QUEUE_URL": queue_url(env["TEVREDEN_QUEUE_URL"], instance),
    }


def database_url(url: str) -> str:
    scheme = url.split(":", 1)[0]
    if scheme not in ("sqlite", "postgresql", "postgres"):
        raise ConfigError(
            f"TEVREDEN_DATABASE_URL must start with sqlite:/// or postgresql://, got {scheme!r}"
        )
    if scheme == "sqlite" and not url.startswith("sqlite:///"):
        raise ConfigError("TEVREDEN_DATABASE_URL: use sqlite:///relative/path or sqlite:////abs")
    return url


def base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"TEVREDEN_BASE_URL must be an http(s) URL, got {url!r}")
    return url.rstrip("/")


def secret_keys(value: str | None, instance: Path, production: bool) -> list[str]:
    """Several keys, comma-separated: the first signs, all verify (rotation)."""
    if value:
        keys = [k.strip() for k in value.split(",") if k.strip()]
        if any(len(k) < 16 for k in keys):
            raise ConfigError("TEVREDEN_SECRET_KEY: every key needs at least 16 characters")
        return keys
    if production:
        raise ConfigError("TEVREDEN_SECRET_KEY is required when TEVREDEN_ENV=production")
    return [development_key(instance)]


def development_key(instance: Path) -> str:
    """Generate the key once and keep it, so receipts survive a restart."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    try:
        instance.mkdir(parents=True, exist_ok=True)
        # Written aside and linked into place, so a second process never reads half a key.
        scratch = instance / f".secret_key.{os.getpid()}"
        scratch.write_text(secrets.token_urlsafe(48))
        scratch.chmod(0o600)
        try:
            os.link(scratch, path)
        except FileExistsError:
            pass
        finally:
            scratch.unlink()
    except OSError as exc:
        raise ConfigError(f"cannot keep a secret key in {instance}: {exc.strerror}") from None
    return path.read_text().strip()


def ratelimit(value: str) -> str | None:
    if value.lower() == "off":
        return None
    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(
            f"TEVREDEN_RATELIMIT must look like '20/minute' or be 'off', got {value!r}"
        ) from None
    return value


def ratelimit_storage(value: str) -> str:
    if not re.match(r"^(memory|redis|rediss)://", value):
        raise ConfigError(
            f"TEVREDEN_RATELIMIT_STORAGE must be memory:// or redis://..., got {value!r}"
        )
    return value


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxies(value: str) -> tuple[Network, ...]:
    """Addresses and CIDRs, comma-separated, whose X-Forwarded-For is believed."""
    networks = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ConfigError(
                "TEVREDEN_TRUSTED_PROXIES must list addresses or CIDRs like "
                f"10.0.0.2,192.168.1.0/24, got {part!r}"
            ) from None
    return tuple(networks)


def smtp_url(value: str) -> str | None:
    """smtp://user:pass@host:587 (STARTTLS when offered) or smtps://...:465; empty: outbox."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError("TEVREDEN_SMTP_URL must look like smtp://user:pass@host:587 or "
                          "smtps://user:pass@host:465")
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        raise ConfigError("TEVREDEN_SMTP_URL: the port must be a number") from None
    return value


def mail_from(value: str) -> str:
    name, address = parseaddr(value)
    if "@" not in address:
        raise ConfigError(f"TEVREDEN_MAIL_FROM must be an address like "
                          f"'Tevreden <noreply@shop.nl>', got {value!r}")
    try:
        return str(Address(display_name=name, addr_spec=address))
    except (ValueError, IndexError):
        raise ConfigError(f"TEVREDEN_MAIL_FROM is not a valid address: {value!r}") from None


def queue_url(value: str, instance: Path) -> str:
    if value == DEFAULTS["TEVREDEN_QUEUE_URL"]:  # beside the instance's other files
        return f"sqlite:///{instance}/queue.db"
    if not (value.startswith("sqlite:///") and len(value) > len("sqlite:///")
            or re.match(r"^rediss?://", value)):
        raise ConfigError("TEVREDEN_QUEUE_URL must be sqlite:///path/queue.db or "
                          f"redis://host:6379/0, got {value!r}")
    return value
