"""Invitation links for e-mails: signed, expiring, one answer per invitation."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from flask import current_app

from .models import INVITE_MAX_AGE
from .signing import InvalidToken, sign, unsign


def make_invite(survey_id: str, touchpoint: str | None = None, segment: str | None = None,
                reference: str | None = None, invite_id: str | None = None) -> str:
    """A signed invitation bound to the survey, with its own id so it is answered once (an
    e-mailed invitation and its reminder share the id of their Invitation row)."""
    payload = {"s": survey_id, "i": invite_id or secrets.token_urlsafe(12)}
    for key, value in (("t", touchpoint), ("g", segment), ("r", reference)):
        if value:
            payload[key] = value
    return sign("invite", payload)


def read_invite(survey_id: str, token: str) -> dict:
    """{"id", "touchpoint", "segment", "reference"} of a valid invitation for this survey."""
    payload = unsign("invite", token, max_age=INVITE_MAX_AGE)
    if not isinstance(payload, dict) or payload.get("s") != survey_id:
        raise InvalidToken("this invitation is for another survey")
    return {"id": "invite:" + payload["i"], "touchpoint": payload.get("t"),
            "segment": payload.get("g"), "reference": payload.get("r")}


def invite_link(survey_id: str, token: str, score: int | None = None,
                lang: str | None = None) -> str:
    """The widget page opened with the invitation (and a pre-selected score)."""
    query = {"invite": token}
    if score is not None:
        query["score"] = str(score)
    if lang:
        query["lang"] = lang
    return f"{current_app.config['BASE_URL']}/w/{survey_id}?{urlencode(query)}"
