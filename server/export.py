"""CSV export: streamed row by row from a database cursor, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

from . import db as database
from .models import Response, Survey
from .queries import TZ, Filters, filtered_responses, local_today
from .retention import iso
from .scoring import DETRACTOR, PASSIVE, PROMOTER, nps_group

COLUMNS = ("id", "created_at", "score", "group", "comment", "touchpoint", "segment",
           "reference", "language")
CONTACT_COLUMNS = ("consent_at", "consent_version", "contact")
# What a spreadsheet would run as a formula (OWASP's list, plus full-width look-alikes).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
GROUP_NAMES = {PROMOTER: "promotor", PASSIVE: "passief", DETRACTOR: "criticaster"}
BATCH = 500  # rows fetched per round trip from a server-side cursor
CHUNK = 32_768  # characters per piece sent: few writes, little memory


class ExcelNl(csv.excel):
    """What Dutch Excel expects: ';' between columns (',' is the decimal separator)."""

    delimiter = ";"


DIALECTS = {"standard": csv.excel, "excel-nl": ExcelNl}


def neutralise(value: str | None) -> str:
    """A text cell that cannot run as a formula: a leading quote keeps it plain text."""
    if not value:
        return ""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def file_name(survey: Survey, today: dt.date | None = None) -> str:
    return f"tevreden-{survey.id}-{(today or local_today()).isoformat()}.csv"


def header(with_contact: bool) -> tuple[str, ...]:
    return COLUMNS + CONTACT_COLUMNS if with_contact else COLUMNS


def dutch_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=dt.UTC).astimezone(TZ).strftime("%d-%m-%Y %H:%M")


def cells(row: tuple, metric: str, dialect: str, with_contact: bool) -> list:
    (id_, created_at, score, comment, touchpoint, segment, reference, language,
     consent_at, consent_version, contact) = row
    when = dutch_time if dialect == "excel-nl" else iso
    out = [id_, when(created_at), score,
           GROUP_NAMES[nps_group(score)] if metric == "nps" and 0 <= score <= 10 else "",
           neutralise(comment), neutralise(touchpoint), neutralise(segment),
           neutralise(reference), neutralise(language)]
    if with_contact:
        out += [when(consent_at) or "", "" if consent_version is None else consent_version,
                neutralise(contact)]
    return out


FIELDS = (Response.id, Response.created_at, Response.score, Response.comment,
          Response.touchpoint, Response.segment, Response.reference, Response.language,
          Response.consent_at, Response.consent_version, Response.contact)


def stored_rows(survey: Survey, filters: Filters) -> Iterator[tuple]:
    """The matching answers oldest first, read through a cursor: memory stays constant."""
    query = filtered_responses(survey, filters).select(*FIELDS).order_by(
        Response.created_at, Response.id).tuples()
    if not database.is_postgres():
        # sqlite3 steps through the result as it is read.
        yield from query.iterator()
        return
    # psycopg would fetch the whole result at once; a named (server-side) cursor does not.
    sql, params = query.sql()
    with database.db.atomic():
        with database.db.connection().cursor(name="tevreden_export") as cursor:
            cursor.itersize = BATCH
            cursor.execute(sql, params)
            yield from cursor


def csv_lines(survey: Survey, filters: Filters, dialect: str = "standard",
              with_contact: bool = False) -> Iterator[str]:
    """The CSV file in pieces of about CHUNK characters, oldest answer first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect=DIALECTS[dialect])
    if dialect == "excel-nl":
        buffer.write("\ufeff")  # the byte-order mark tells Excel the file is UTF-8
    writer.writerow(header(with_contact))
    for row in stored_rows(survey, filters):
        writer.writerow(cells(row, survey.metric, dialect, with_contact))
        if buffer.tell() >= CHUNK:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
