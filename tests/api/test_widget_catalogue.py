"""Every visitor string has a Dutch translation, and the compiled catalogue is current."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "server/translations/nl/LC_MESSAGES/widget"
SOURCES = [
    # The privacy notice has its own catalogue (test_privacy_notice).
    (ROOT / "server", [("visitor/privacy.py", "ignore"), ("visitor/**.py", "python"),
                       ("models/**.py", "python"),
                       ("inputs.py", "python"),
                       # Our sentences for HTTP errors, for visitors and owners alike.
                       ("errors.py", "python")]),
    (ROOT / "widget/templates", [("widget/**.html", "jinja2"), ("demo/**.html", "jinja2")]),
]
KEYWORDS = {"_": None, "gettext": None, "N_": None}


def source_messages() -> set[str]:
    found = set()
    for directory, methods in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
                directory, methods, keywords=KEYWORDS):
            found.add(message)
    return found


def catalogue() -> dict[str, str]:
    with open(f"{CATALOGUE}.po", "rb") as po:
        return {m.id: m.string for m in read_po(po) if m.id}


def test_every_visitor_string_is_translated_to_dutch():
    messages = source_messages()
    assert len(messages) > 100
    translated = catalogue()
    assert sorted(m for m in messages if not translated.get(m)) == []


def test_the_compiled_catalogue_matches_the_po_file():
    with open(f"{CATALOGUE}.mo", "rb") as mo:
        compiled = {m.id: m.string for m in read_mo(mo) if m.id}
    assert compiled == catalogue()
