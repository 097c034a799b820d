"""Dutch first, English second: the locale of a request and the message catalogues."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g, request
from flask_babel import Babel

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
TRANSLATIONS = Path(__file__).parent / "translations"
# One catalogue per audience, so the widget's strings stay small and separate.
DOMAINS = ("widget", "dashboard", "privacy")


def N_(text: str) -> str:
    """Mark a string for the catalogue; it is translated where it is shown."""
    return text


def choose_language(*candidates: str | None) -> str:
    """The first supported language among the candidates, else Dutch."""
    for candidate in candidates:
        if candidate and candidate[:2].lower() in LANGUAGES:
            return candidate[:2].lower()
    return DEFAULT_LANGUAGE


def select_locale() -> str:
    return g.get("lang") or choose_language(request.args.get("lang"))


def init_app(app: Flask) -> None:
    Babel(
        app,
        locale_selector=select_locale,
        default_locale=DEFAULT_LANGUAGE,
        # People read times on the owners' clock; naive UTC values are converted by Babel.
        default_timezone="Europe/Amsterdam",
        default_domain=";".join(DOMAINS),
        default_translation_directories=";".join([str(TRANSLATIONS)] * len(DOMAINS)),
    )
