"""Every dashboard string has a Dutch translation, and the compiled catalogue is current."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "server/translations/nl/LC_MESSAGES/dashboard"
METHODS = [("dashboard/**.py", "python"),
           ("templates/dashboard/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def source_messages() -> set:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "server", METHODS, keywords=KEYWORDS):
        found.add(message)
    return found


def test_every_dashboard_string_is_translated_to_dutch():
    with open(f"{CATALOGUE}.po", "rb") as po:
        catalogue = read_po(po)
    missing = [m for m in source_messages()
               if not catalogue.get(m if isinstance(m, str) else m[0])
               or not catalogue.get(m if isinstance(m, str) else m[0]).string]
    assert missing == []


def test_the_compiled_catalogue_matches_the_po_file():
    with open(f"{CATALOGUE}.po", "rb") as po, open(f"{CATALOGUE}.mo", "rb") as mo:
        written, compiled = read_po(po), read_mo(mo)
    assert as_dict(written) == as_dict(compiled)


def as_dict(catalogue) -> dict:
    """Plural entries come back as lists from a .mo file and tuples from a .po file."""
    def plain(value):
        return value if isinstance(value, str) else tuple(value)

    return {plain(m.id): plain(m.string) for m in catalogue if m.id}
