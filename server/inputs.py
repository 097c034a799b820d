"""What every request's input must be before any view reads it: text a database can store.

PostgreSQL refuses NUL in text and neither database stores an unpaired surrogate (only a JSON
body can carry one), so both are refused here once, for path, query, form and JSON, instead of
failing deep inside a query. JSON bodies are parsed with a bound on their nesting.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import force_locale
from flask_babel import gettext as _

from .errors import ApiError, wants_json

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# In a JSON body such text comes from a \u escape, a surrogate's UTF-8 bytes (json.loads
# decodes with surrogatepass) or a UTF-16/32 body (full of NUL bytes): only then is the
# parsed document walked, so an ordinary answer costs one search of its bytes.
ESCAPED = re.compile(rb"\x00|\xed[\xa0-\xbf]|\\u(?:0000|[dD][89a-fA-F])")
# Every body this application accepts is an object of plain values; 32 leaves room for any
# client's envelope while a hostile 1,000-level body is refused before a view walks it.
MAX_DEPTH = 32
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, but too deep a document is invalid JSON (a 400), not a RecursionError."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        if depth(value) > MAX_DEPTH:
            raise ValueError("JSON nested too deeply")
        return value


def depth(value: Any) -> int:
    """How deeply lists and objects nest in a parsed document (walked without recursion)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                inner = item.values() if isinstance(item, dict) else item
                pending.extend((child, level + 1) for child in inner)
    return deepest


def unstorable_fields(value: Any, name: str = "") -> Iterator[str]:
    """The names of fields (dotted inside objects) whose keys or texts cannot be stored."""
    pending = [(name, value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                yield path or "_schema"
        elif isinstance(item, dict):
            for key, inner in item.items():
                if UNSTORABLE.search(key):
                    yield path or "_schema"
                else:
                    pending.append((f"{path}.{key}" if path else key, inner))
        elif isinstance(item, list):
            pending.extend((path, inner) for inner in item)


def refuse(names: list[str]) -> None:
    message = in_language(lambda: _("This contains a character that cannot be stored (a NUL "
                                    "or an unpaired surrogate)."))
    # A name is shown as it came, but for the characters themselves.
    fields = {UNSTORABLE.sub("\ufffd", name): [message] for name in sorted(set(names))}
    raise ApiError(422, message, fields=fields)


def in_language(translate) -> str:
    """Developers read JSON errors in English; this runs before any view chose a language."""
    if wants_json():
        with force_locale("en"):
            return translate()
    return translate()


def check_request() -> None:
    """404 for a path, 422 for a parameter or field that holds text no database can store."""
    if request.view_args and any(UNSTORABLE.search(value) for value in request.view_args.values()
                                 if isinstance(value, str)):
        raise ApiError(404, in_language(lambda: _("This page does not exist.")))
    names = [key for key, value in request.args.items(multi=True)
             if UNSTORABLE.search(key) or UNSTORABLE.search(value)]
    if request.is_json:
        if ESCAPED.search(request.get_data(cache=True)):
            names += unstorable_fields(request.get_json(silent=True))
    elif request.mimetype in FORMS:
        request.get_data(cache=True)  # kept: a signed form's view verifies its raw bytes
        names += [key for key, value in request.form.items(multi=True)
                  if UNSTORABLE.search(key) or UNSTORABLE.search(value)]
    if names:
        refuse(names)


def init_app(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    app.before_request(check_request)
