"""The visitor's credentials: single-use form tokens and receipts for answers."""

from __future__ import annotations

import secrets
import time

from flask import current_app

from ..i18n import choose_language
from ..models import FORM_MAX_AGE, Response, Survey, UsedToken
from ..signing import InvalidToken, sign, unsign


def issue_token(survey: Survey, lang: str) -> str:
    """A form token for one answer to this survey, in the language the page was shown in,
    naming the versions of the survey and site whose rules the form was shown with."""
    return sign("widget", {"s": survey.id, "i": token_id(), "l": lang,
                           "v": [survey.version, survey.site.version]})


def token_id() -> str:
    """When the token was issued, then 72 random bits: ids in issue order keep the unique
    index's writes on its last pages."""
    return f"{time.time_ns() // 1000:014x}{secrets.token_urlsafe(9)}"


def read_token(survey_id: str, token: str) -> dict:
    """{"id", "lang", "versions"} of a valid, unexpired token for this survey; raises
    InvalidToken."""
    payload = unsign("widget", token, max_age=FORM_MAX_AGE)
    if not isinstance(payload, dict) or not isinstance(payload.get("i"), str):
        raise InvalidToken("this form is not valid")
    if payload.get("s") != survey_id:
        raise InvalidToken("this form belongs to another survey")
    versions = payload.get("v")
    return {"id": "widget:" + payload["i"], "lang": choose_language(payload.get("l")),
            "versions": tuple(versions) if isinstance(versions, list) else None}


def is_spent(token_id: str) -> bool:
    return UsedToken.select().where(UsedToken.token_id == token_id).exists()


# The creation time is signed with the id because SQLite may hand a deleted answer's id to
# a later one: a receipt must never open someone else's answer.

def receipt_for(response: Response) -> str:
    return sign("receipt", [response.id, response.created_at.isoformat()])


def response_for_receipt(receipt: str) -> Response | None:
    """The answer a valid receipt points at, None when it was deleted; InvalidToken if forged."""
    payload = unsign("receipt", receipt)
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        raise InvalidToken("this receipt is not valid")
    response = Response.get_or_none(Response.id == payload[0])
    if response is None or response.created_at.isoformat() != payload[1]:
        return None
    return response


def receipt_url(receipt: str) -> str:
    """The receipt's absolute link, as the respondent keeps it."""
    return f"{current_app.config['BASE_URL']}/r/{receipt}"
