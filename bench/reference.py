"""A plain reference for bench/flows.py: the widget's two requests in Flask, sqlite3, itsdangerous.

Served with `gunicorn -c bench/reference_gunicorn.py bench.reference:app`; the database file
and the secret key come from REFERENCE_DATABASE and REFERENCE_SECRET_KEY.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading

from flask import Flask, jsonify, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

DATABASE = os.environ.get("REFERENCE_DATABASE", "reference.db")
SECRET_KEY = os.environ.get("REFERENCE_SECRET_KEY", "reference-secret-key")
MAX_AGE = 24 * 3600
SCHEMA = """CREATE TABLE IF NOT EXISTS answer (
    id INTEGER PRIMARY KEY,
    token_id TEXT NOT NULL UNIQUE,
    survey TEXT NOT NULL,
    score INTEGER NOT NULL,
    touchpoint TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
)"""
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>How likely are you to recommend us?</title>
</head><body><form method="post" action="/w/{{ survey }}/responses">
<input type="hidden" name="token" value="{{ token }}">
<fieldset><legend>How likely are you to recommend us to a friend?</legend>
{% for n in range(11) %}<button name="score" value="{{ n }}">{{ n }}</button>{% endfor %}
</fieldset></form></body></html>
"""

app = Flask(__name__)
serializer = URLSafeTimedSerializer(SECRET_KEY, salt="widget")
page = app.jinja_env.from_string(PAGE)  # compiled once, not per request
local = threading.local()


def open_database(path: str) -> sqlite3.Connection:
    """A connection in WAL mode that waits for the write lock; the table made if missing."""
    conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA busy_timeout = 10000")
    # The same durability as Tevreden's SQLite settings: safe in WAL mode but on power loss.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(SCHEMA)
    return conn


def connection() -> sqlite3.Connection:
    """This thread's connection, opened on its first request and kept."""
    if not hasattr(local, "conn"):
        local.conn = open_database(DATABASE)
    return local.conn


@app.get("/w/<survey>")
def form(survey: str):
    """The score form with a fresh signed single-use token."""
    token = serializer.dumps({"s": survey, "i": secrets.token_urlsafe(12)})
    return page.render(survey=survey, token=token)


@app.post("/w/<survey>/responses")
def answer(survey: str):
    """Store one score per token: 201 with its id, 400 when invalid, 409 when spent."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="a JSON object is expected"), 400
    try:
        payload = serializer.loads(str(data.get("token")), max_age=MAX_AGE)
    except BadSignature:  # SignatureExpired included
        return jsonify(error="this form is not valid"), 400
    if not isinstance(payload, dict) or payload.get("s") != survey:
        return jsonify(error="this form belongs to another survey"), 400
    score = data.get("score")
    if type(score) is not int or not 0 <= score <= 10:  # type(): True is not a score
        return jsonify(error="score must be an integer from 0 to 10"), 400
    touchpoint = data.get("touchpoint")
    try:
        cursor = connection().execute(
            "INSERT INTO answer (token_id, survey, score, touchpoint) VALUES (?, ?, ?, ?)",
            (str(payload.get("i")), survey, score,
             touchpoint if isinstance(touchpoint, str) else None))
    except sqlite3.IntegrityError:
        return jsonify(error="this form was answered before"), 409
    return jsonify(id=cursor.lastrowid), 201
