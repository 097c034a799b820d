"""Helpers for the owner API tests: authorised requests and answers at chosen times."""

from __future__ import annotations

import datetime as dt

from server.core.periods import TZ
from server.models import Response, Survey


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def amsterdam(text: str) -> dt.datetime:
    """'2026-05-04 23:30' in Amsterdam time as the naive UTC the database keeps."""
    local = dt.datetime.fromisoformat(text).replace(tzinfo=TZ)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def answer(survey: Survey, score: int, when: dt.datetime | str | None = None,
           **fields) -> Response:
    """One stored answer; `when` is naive UTC, or Amsterdam time when given as text."""
    if isinstance(when, str):
        when = amsterdam(when)
    if when is not None:
        fields["created_at"] = when
    return Response.create(survey=survey, score=score, **fields)


def answers(survey: Survey, scores, when: dt.datetime | str | None = None, **fields) -> None:
    """Many answers at once (one INSERT), all at the same time."""
    if isinstance(when, str):
        when = amsterdam(when)
    when = when or dt.datetime(2026, 5, 4, 10, 0)
    rows = [{"survey": survey.id, "score": score, "created_at": when, "language": "nl",
             **fields} for score in scores]
    for start in range(0, len(rows), 500):
        Response.insert_many(rows[start:start + 500]).execute()
