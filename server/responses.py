"""Answers from the widget: single-use form tokens, recording a score, the second step."""

from __future__ import annotations

import datetime as dt
import functools
import secrets

from peewee import IntegrityError

from .db import db, is_postgres, write_transaction
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
    return sign("widget", {"s": survey.id, "i": secrets.token_urlsafe(12), "l": lang})


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
    """Store the answer and spend its token (and invitation) in one transaction.

    The unique token id makes a replay fail here, in the database, so it holds across
    worker processes and server instances; the loser gets AlreadyAnswered.
    """
    now = utcnow()
    spent = [(token["id"], now + dt.timedelta(seconds=TOKEN_MAX_AGE))]
    fields = {
        "survey": survey, "score": data["score"], "comment": data.get("comment"),
        "touchpoint": data.get("touchpoint"), "segment": data.get("segment"),
        "language": token["lang"], "created_at": now,
    }
    if invite:
        spent.append((invite["id"], now + dt.timedelta(seconds=INVITE_MAX_AGE)))
        fields.update(touchpoint=invite["touchpoint"] or fields["touchpoint"],
                      segment=invite["segment"] or fields["segment"],
                      reference=invite["reference"])
    fields.update(consent_fields(survey, data, now))
    try:
        if is_postgres():
            return insert(Response(**fields), spending=spent)
        with write_transaction():
            for token_id, expires_at in spent:
                insert(UsedToken(token_id=token_id, expires_at=expires_at))
            return insert(Response(**fields))
    except IntegrityError:
        raise AlreadyAnswered from None


# Every answer stores two rows. peewee's Model.create builds the INSERT's SQL text anew each
# time (a tenth of a visitor's request); the text only depends on the table, the columns
# and the kind of database, so it is built once for each.

@functools.lru_cache(maxsize=32)
def insert_sql(kind: type, model: type, names: tuple[str, ...]) -> str:
    meta, (opening, closing) = model._meta, db.obj.quote

    def quoted(name: str) -> str:
        return f"{opening}{name}{closing}"

    columns = ", ".join(quoted(meta.fields[name].column_name) for name in names)
    places = ", ".join([db.obj.param] * len(names))
    returning = (f" RETURNING {quoted(meta.primary_key.column_name)}"
                 if db.obj.returning_clause else "")
    return f"INSERT INTO {quoted(meta.table_name)} ({columns}) VALUES ({places}){returning}"


@functools.lru_cache(maxsize=32)
def spending_sql(tokens: int) -> str:
    """PostgreSQL: spend the tokens in the statement that stores the answer (a CTE)."""
    table, (opening, closing) = UsedToken._meta.table_name, db.obj.quote
    columns = ", ".join(f"{opening}{UsedToken._meta.fields[name].column_name}{closing}"
                        for name in ("token_id", "expires_at"))
    rows = ", ".join(["(%s, %s)"] * tokens)
    return f"WITH spent AS (INSERT INTO {opening}{table}{closing} ({columns}) VALUES {rows}) "


def insert(instance, spending: list[tuple] = ()):
    """Store a new model instance (as Model.create would) and give it its id.

    `spending` (PostgreSQL): (token id, expiry) rows for the used tokens, inserted by the
    same statement. One statement is one transaction, so the answer and its spent tokens
    are stored together or not at all, in one round trip instead of four (BEGIN, two
    INSERTs, COMMIT); a token spent before fails it with the unique index, as it would the
    transaction.
    """
    model = type(instance)
    data = {name: value for name, value in instance.__data__.items()
            if not (name == model._meta.primary_key.name and value is None)}
    database = db.obj
    sql = insert_sql(type(database), model, tuple(data))
    params = [model._meta.fields[name].db_value(value) for name, value in data.items()]
    if spending:
        sql = spending_sql(len(spending)) + sql
        params = [UsedToken.expires_at.db_value(value) if index % 2 else value
                  for row in spending for index, value in enumerate(row)] + params
    cursor = database.execute_sql(sql, params)
    primary_key = cursor.fetchone()[0] if database.returning_clause else cursor.lastrowid
    setattr(instance, model._meta.primary_key.name, primary_key)
    instance._dirty.clear()
    return instance


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
