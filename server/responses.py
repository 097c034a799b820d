"""Answers from the widget: single-use form tokens, recording a score, the second step."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import time

from peewee import IntegrityError

from .db import db, is_postgres, write_lock, write_transaction
from .i18n import choose_language
from .invites import INVITE_MAX_AGE
from .models import Response, Survey, UsedToken, utcnow
from .signing import InvalidToken, sign, unsign

TOKEN_MAX_AGE = 24 * 3600
# How long after the click a comment, consent or contact may still be added.
SECOND_STEP_WINDOW = dt.timedelta(hours=24)


class AlreadyAnswered(Exception):
    """The form token (or the invitation) was spent before: one answer per form."""


class TooLate(Exception):
    """The second step came after its window closed; the score itself is kept."""


def issue_token(survey: Survey, lang: str) -> str:
    """A form token for one answer to this survey, in the language the page was shown in."""
    return sign("widget", {"s": survey.id, "i": token_id(), "l": lang})


def token_id() -> str:
    """A form token's id: when it was issued, then 72 random bits.

    The answer stores it under a unique index. Ids in the order they were issued (most
    answers come within minutes of their page) add to the index's last pages, where random
    ids would change a page anywhere in it for every answer: on SQLite the index cost twice
    as much (8 microseconds of the insert's 50, against 4). Forms issued before keep their
    random ids, which work as before.
    """
    return f"{time.time_ns() // 1000:014x}{secrets.token_urlsafe(9)}"


def read_token(survey: Survey, token: str) -> dict:
    """{"id", "lang"} of a valid, unexpired token for this survey; raises InvalidToken."""
    payload = unsign("widget", token, max_age=TOKEN_MAX_AGE)
    if not isinstance(payload, dict) or not isinstance(payload.get("i"), str):
        raise InvalidToken("this form is not valid")
    if payload.get("s") != survey.id:
        raise InvalidToken("this form belongs to another survey")
    return {"id": "widget:" + payload["i"], "lang": choose_language(payload.get("l"))}


def is_spent(token_id: str) -> bool:
    return UsedToken.select().where(UsedToken.token_id == token_id).exists()


def record(survey: Survey, data: dict, token: dict, invite: dict | None = None) -> Response:
    """Store the answer, spending its form token (and invitation), atomically.

    The answer holds its token's id under a unique index, so a replay fails in the
    database, across worker processes and server instances; the loser gets AlreadyAnswered.
    Without an invitation that is one statement writing one row: on SQLite every commit
    takes the single write lock and appends to the log, and a transaction of four
    statements held that lock through four hand-overs between threads.
    """
    now = utcnow()
    fields = {
        "survey": survey.id, "score": data["score"], "comment": data.get("comment"),
        "touchpoint": data.get("touchpoint"), "segment": data.get("segment"),
        "language": token["lang"], "created_at": now, "token_id": token["id"],
    }
    if invite:
        fields.update(touchpoint=invite["touchpoint"] or fields["touchpoint"],
                      segment=invite["segment"] or fields["segment"],
                      reference=invite["reference"])
    fields.update(consent_fields(survey, data, now))
    # What Response(**fields) would hold (language and created_at, the two defaults, are
    # given), without a call through peewee's field accessors for each value.
    answer = Response(__no_default__=1)
    answer.__data__ = fields
    answer.__rel__["survey"] = survey
    try:
        with write_transaction() if invite else write_lock():
            if invite:
                UsedToken.create(token_id=invite["id"],
                                 expires_at=now + dt.timedelta(seconds=INVITE_MAX_AGE))
            if not insert_answer(answer):
                raise AlreadyAnswered  # in the transaction: the invitation is rolled back too
    except IntegrityError:
        raise AlreadyAnswered from None
    return answer


# peewee's Model.create builds the INSERT's SQL text anew each time (a tenth of a visitor's
# request); the text only depends on the columns and the kind of database, so it is built
# once for each.

@functools.lru_cache(maxsize=32)
def insert_answer_sql(kind: type, names: tuple[str, ...]) -> str:
    """INSERT of an answer, unless its token id was left spent by an erased answer."""
    database, meta = db.obj, Response._meta
    opening, closing = database.quote

    def quoted(name: str) -> str:
        return f"{opening}{name}{closing}"

    columns = ", ".join(quoted(meta.fields[name].column_name) for name in names)
    places = ", ".join([database.param] * len(names))
    returning = (f" RETURNING {quoted(meta.primary_key.column_name)}"
                 if is_postgres() else "")  # SQLite: the cursor's lastrowid, no extra step
    spent = UsedToken._meta
    return (f"INSERT INTO {quoted(meta.table_name)} ({columns}) SELECT {places} "
            f"WHERE NOT EXISTS (SELECT 1 FROM {quoted(spent.table_name)} "
            f"WHERE {quoted(spent.fields['token_id'].column_name)} = {database.param})"
            f"{returning}")


def insert_answer(answer: Response) -> bool:
    """Store a new answer (as Model.create would) and give it its id; False when its token
    is among the spent ones (UsedToken) and nothing was stored."""
    data = {name: value for name, value in answer.__data__.items()
            if not (name == "id" and value is None)}
    database = db.obj
    sql = insert_answer_sql(type(database), tuple(data))
    fields = Response._meta.fields
    params = [fields[name].db_value(value) for name, value in data.items()]
    cursor = database.execute_sql(sql, [*params, answer.token_id])
    if is_postgres():
        row = cursor.fetchone()
        if row is None:
            return False
        answer.id = row[0]
    else:
        if cursor.rowcount != 1:
            return False
        answer.id = cursor.lastrowid
    answer._dirty.clear()
    return True


def spend_erased(ids) -> None:
    """Before answers are erased: their form tokens, while still valid, stay spent."""
    held = (Response.select(Response.token_id, Response.created_at)
            .where(Response.id.in_(ids), Response.token_id.is_null(False)).tuples())
    rows = [{"token_id": token_id, "expires_at": created + dt.timedelta(seconds=TOKEN_MAX_AGE)}
            for token_id, created in held]
    if rows:
        UsedToken.insert_many(rows).on_conflict_ignore().execute()


def consent_fields(survey: Survey, data: dict, now: dt.datetime) -> dict:
    """Contact, consent time and consent-text version: stored only when consent is given."""
    if not (data.get("consent") and data.get("contact")):
        return {}
    return {"contact": data["contact"], "consent_at": now,
            "consent_version": survey.consent_version}


def second_step_open(response: Response, now: dt.datetime | None = None) -> bool:
    return (now or utcnow()) - response.created_at <= SECOND_STEP_WINDOW


def second_step_closes(response: Response) -> dt.datetime:
    return response.created_at + SECOND_STEP_WINDOW


def add_details(response: Response, data: dict) -> Response:
    """The second step: a comment, and contact details when consent is given."""
    now = utcnow()
    if not second_step_open(response, now):
        raise TooLate
    changes = consent_fields(response.survey, data, now)
    if data.get("comment"):
        changes["comment"] = data["comment"]
    if changes:
        changes["updated_at"] = now
        with write_transaction():
            Response.update(**changes).where(Response.id == response.id).execute()
        for name, value in changes.items():
            setattr(response, name, value)
    return response


def withdraw_consent(response: Response) -> Response:
    """Remove the contact address and the consent that came with it."""
    with write_transaction():
        Response.update(contact=None, consent_at=None, consent_version=None,
                        updated_at=utcnow()).where(Response.id == response.id).execute()
    response.contact = response.consent_at = response.consent_version = None
    return response


def delete(response: Response) -> int:
    """Erase the answer: it is then gone from scores, listings and exports."""
    with write_transaction():
        spend_erased([response.id])
        return Response.delete().where(Response.id == response.id).execute()


# Receipts: the respondent's signed link to their own answer. The creation time is signed
# with the id because SQLite may hand a deleted answer's id to a later one; a receipt must
# never open someone else's answer.

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
