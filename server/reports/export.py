"""CSV export: streamed from a raw database cursor, safe to open in a spreadsheet.

Rows come straight from the driver as tuples (no model objects), and times are formatted
from the stored text (SQLite) or with one C call (PostgreSQL's datetimes), so a million
rows stream in constant memory at the speed of a bare csv.writer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import islice

from .. import db as database
from ..core.followups import CONTACTED, OPEN, RESOLVED
from ..core.periods import TZ, iso, local_today
from ..core.scoring import DETRACTOR, PASSIVE, PROMOTER, nps_group
from ..models import Response, Survey, survey_themes
from ..schemas import TAG, slug
from .counts import Filters, filtered_responses

COLUMNS = ("id", "created_at", "score", "group", "comment", "touchpoint", "segment",
           "reference", "language", "themes", "followup")
CONTACT_COLUMNS = ("consent_at", "consent_version", "contact")
# Dutch Excel users read the columns' names, in Dutch; times there are Amsterdam's.
DUTCH_NAMES = {
    "id": "Nummer", "created_at": "Datum en tijd", "score": "Score", "group": "Groep",
    "comment": "Opmerking", "touchpoint": "Klantmoment", "segment": "Segment",
    "reference": "Ordernummer", "language": "Taal", "themes": "Thema's",
    "followup": "Opvolging", "consent_at": "Toestemming gegeven op",
    "consent_version": "Versie toestemmingstekst", "contact": "E-mailadres",
}
# What a spreadsheet would run as a formula (OWASP's CSV injection list), with the full-width
# and small look-alikes and the minus sign, which spreadsheets may read the same way.
FORMULA_STARTS = "=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u2212"
# What a spreadsheet may skip before it looks for one: spaces, control and format characters.
SKIPPED = ("".join(map(chr, range(0x21))) + "".join(map(chr, range(0x7f, 0xa1)))
           + "\u1680\u180e" + "".join(map(chr, range(0x2000, 0x2010)))
           + "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u202f\u205f\u2060"
           + "\u2066\u2067\u2068\u2069\u3000\ufeff")
_FORMULA = frozenset(FORMULA_STARTS + "\t\r")  # a tab or CR first is refused outright
_SUSPECT = _FORMULA | frozenset(SKIPPED)  # one set lookup decides for almost every cell
GROUP_NAMES = {PROMOTER: "promotor", PASSIVE: "passief", DETRACTOR: "criticaster"}
# The follow-up's state as the dashboard's inbox names it in Dutch; the standard file keeps
# the API's values (open, contacted, resolved).
DUTCH_FOLLOWUPS = {OPEN: "Open", CONTACTED: "Contact opgenomen", RESOLVED: "Opgelost"}
NPS_GROUPS = {score: GROUP_NAMES[nps_group(score)] for score in range(11)}
BATCH = 500  # rows fetched per round trip from a server-side cursor
STEP = 16  # rows per csv.writerows call: cheap calls, yet pieces stay near CHUNK
CHUNK = 32_768  # characters per piece sent: few writes, little memory
STORED_LENGTHS = (19, 26)  # 'YYYY-MM-DD HH:MM:SS' and with '.ffffff'


class ExcelNl(csv.excel):
    """What Dutch Excel expects: ';' between columns (',' is the decimal separator)."""

    delimiter = ";"


DIALECTS = {"standard": csv.excel, "excel-nl": ExcelNl}


def neutralise(value: str | None) -> str:
    """A text cell that cannot run as a formula: a leading quote keeps it plain text."""
    if not value:
        return ""
    if value[0] not in _SUSPECT:
        return value
    if value[0] in _FORMULA or value.lstrip(SKIPPED)[:1] in _FORMULA:
        return "'" + value
    return value


def file_name(survey: Survey, dialect: str = "standard", today: dt.date | None = None,
              by_name: bool = False) -> str:
    """The download's name: the survey (its id, or for a person its name as a tag), the day
    and, for Dutch Excel, that it is for Excel."""
    suffix = "-excel" if dialect == "excel-nl" else ""
    named = slug(survey.name) if by_name else ""
    label = named if TAG.match(named) else survey.id
    return f"tevreden-{label}-{(today or local_today()).isoformat()}{suffix}.csv"


def header(with_contact: bool, dialect: str = "standard") -> tuple[str, ...]:
    columns = COLUMNS + CONTACT_COLUMNS if with_contact else COLUMNS
    return tuple(DUTCH_NAMES[c] for c in columns) if dialect == "excel-nl" else columns


def _as_text(value: dt.datetime | str) -> str | None:
    """A naive UTC time as 'YYYY-MM-DD?HH:MM:SS[.ffffff]', or None for anything unusual."""
    if isinstance(value, str):
        return value if len(value) in STORED_LENGTHS else None
    return value.isoformat() if value.tzinfo is None else None


def iso_time(value: dt.datetime | str | None) -> str:
    """UTC time as ISO 8601 with 'Z', the same text as retention.iso gives."""
    if value is None:
        return ""
    text = _as_text(value)
    if text is None:
        return iso(_as_datetime(value)) or ""
    return text.replace(" ", "T") + "Z"


def dutch_time(value: dt.datetime | str | None) -> str:
    """Amsterdam wall-clock time 'dd-mm-yyyy HH:MM' of a naive UTC time."""
    if value is None:
        return ""
    text = _as_text(value)
    prefix = _local_hour(text[:13]) if text is not None else None
    if prefix is None:
        return _as_datetime(value).replace(tzinfo=dt.UTC).astimezone(TZ).strftime(
            "%d-%m-%Y %H:%M")
    return prefix + text[13:16]


@lru_cache(maxsize=1024)
def _local_hour(hour: str) -> str | None:
    """'dd-mm-yyyy HH' in Amsterdam for a UTC hour 'YYYY-MM-DD HH'.

    Amsterdam's offset changes only on whole UTC hours and is whole hours itself, so the
    minutes carry over unchanged; None where that does not hold (not since 1940).
    """
    local = dt.datetime.fromisoformat(hour + ":00").replace(tzinfo=dt.UTC).astimezone(TZ)
    offset = local.utcoffset()
    if offset is None or offset.total_seconds() % 3600:
        return None
    return local.strftime("%d-%m-%Y %H")


def _as_datetime(value: dt.datetime | str) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def row_formatter(metric: str, dialect: str, with_contact: bool,
                  theme_names: dict[str, str] | None = None) -> Callable[[tuple], list]:
    """A function from a stored row to its CSV cells; the choices are made once per file.

    Themes are listed by id, or for Dutch Excel by the names in `theme_names` (an id no
    longer among the survey's themes by itself)."""
    dutch = dialect == "excel-nl"
    when = dutch_time if dutch else iso_time
    groups = NPS_GROUPS if metric == "nps" else {}
    names = (theme_names or {}) if dutch else {}
    followups = DUTCH_FOLLOWUPS if dutch else {}

    @lru_cache(maxsize=1024)  # answers share a few combinations of themes
    def themes_of(stored: str | None) -> str:
        if not stored:
            return ""
        return neutralise(", ".join(names.get(theme, theme) for theme in json.loads(stored)))

    def cells_of(row: tuple) -> list:
        (id_, created_at, score, comment, touchpoint, segment, reference, language,
         themes, followup, consent_at, consent_version, contact) = row
        out = [id_, when(created_at), score, groups.get(score, ""), neutralise(comment),
               neutralise(touchpoint), neutralise(segment), neutralise(reference),
               neutralise(language), themes_of(themes),
               followups.get(followup, followup or "")]
        if with_contact:
            out += [when(consent_at), "" if consent_version is None else consent_version,
                    neutralise(contact)]
        return out

    return cells_of


def cells(row: tuple, metric: str, dialect: str, with_contact: bool,
          theme_names: dict[str, str] | None = None) -> list:
    return row_formatter(metric, dialect, with_contact, theme_names)(row)


FIELDS = (Response.id, Response.created_at, Response.score, Response.comment,
          Response.touchpoint, Response.segment, Response.reference, Response.language,
          Response.themes, Response.followup, Response.consent_at, Response.consent_version,
          Response.contact)


def stored_rows(survey: Survey, filters: Filters) -> Iterator[tuple]:
    """The matching answers oldest first, as raw tuples from a cursor: memory stays constant."""
    query = filtered_responses(survey, filters).select(*FIELDS).order_by(
        Response.created_at, Response.id)
    sql, params = query.sql()
    if not database.is_postgres():
        # sqlite3 steps through the result as it is read; times stay the stored text.
        yield from database.db.execute_sql(sql, params)
        return
    # psycopg would fetch the whole result at once; a named (server-side) cursor does not.
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
    writer.writerow(header(with_contact, dialect))
    theme_names = ({theme.id: theme.name_nl for theme in survey_themes(survey)}
                   if dialect == "excel-nl" else None)
    cells_of = row_formatter(survey.metric, dialect, with_contact, theme_names)
    rows = stored_rows(survey, filters)
    while batch := list(islice(rows, STEP)):
        writer.writerows(map(cells_of, batch))
        if buffer.tell() >= CHUNK:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
