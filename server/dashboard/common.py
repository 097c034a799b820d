"""What every dashboard page shares: the owner's own records, numbers and form messages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from flask import g, request
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from ..errors import ApiError
from ..models import Site, Survey
from ..schemas import WHY_FIELDS, messages
from .auth import UNSAFE_METHODS, current_owner

MAX_ID = 2**31 - 1  # PostgreSQL's integer
SURVEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")  # what new_public_id makes
METRIC_NAMES = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}

# Marshmallow speaks English and names values; owners get one clear sentence per field.
FIELD_MESSAGES = {
    "name": _l("Enter a name of 1 to 200 characters."),
    "metric": _l("Choose NPS, CSAT or CES."),
    "lang": _l("Choose Dutch or English."),
    "question_nl": _l("Keep the question under 300 characters."),
    "question_en": _l("Keep the question under 300 characters."),
    **dict.fromkeys(WHY_FIELDS, _l("Keep the question under 300 characters.")),
    "touchpoints": _l("Touchpoints: at most 20, each 1-64 lowercase letters, digits, "
                      "'-' or '_' (for example checkout)."),
    "consent_mode": _l("Choose anonymous or optional contact."),
    "retention_days": _l("Enter a whole number of days from 1 to 3650."),
    "recontact_days": _l("Enter a whole number of days from 0 to 3650."),
    "sample_percent": _l("Enter a whole percentage from 1 to 100."),
    "origins": _l("Enter at least one origin like https://www.example.nl, one per line."),
    "contact_email": _l("Enter a valid e-mail address, or leave it empty."),
    "brand_color": _l("Enter a colour like #1a7f37, or leave it empty."),
    "position": _l("Choose bottom right or bottom left."),
    "due": _l("Enter a due date after the baseline period."),
    "baseline_from": _l("Enter both dates of the baseline period, the start first."),
    "baseline_to": _l("Enter both dates of the baseline period, the start first."),
}


# What each role may do; a page asks for what its request needs (see `may`).
RANKS = {"viewer": 0, "manager": 1, "owner": 2}


def may(site: Site, need: str | None = None) -> str:
    """The signed-in user's role on the site, refused (403) when it is below `need`. By
    default reading needs a viewer and every POST a manager, so each form is covered."""
    need = need or ("manager" if request.method in UNSAFE_METHODS else "viewer")
    role = site.role_of(current_owner()) or "none"
    if RANKS.get(role, -1) < RANKS[need]:
        message = (_("Only the owner of %(site)s can do this.", site=site.name)
                   if need == "owner" else
                   _("You can read the pages of %(site)s, but not change them: ask its owner "
                     "to make you a manager.", site=site.name))
        raise ApiError(403, message)
    g.role = role  # the page shows a viewer its values without forms (`read_only_note`)
    return role


def refuse_archived(archived: bool, when_archived: bool, message: str) -> None:
    """An archived record is read-only: its forms are hidden and a change is a 409, except
    for the views that say they work on it (restore, delete, privacy requests, members)."""
    g.archived = archived and not when_archived
    if g.archived and request.method in UNSAFE_METHODS:
        raise ApiError(409, message)


def owned_survey(survey_id: str, need: str | None = None,
                 when_archived: bool = False) -> Survey:
    """A survey of a site the signed-in user may open; anyone else's (or none) is a 404."""
    survey = SURVEY_ID.fullmatch(survey_id) and (
        Survey.visible_to(current_owner()).where(Survey.id == survey_id).first())
    if not survey:
        raise ApiError(404, _("There is no such survey in your account."))
    may(survey.site, need)
    refuse_archived(survey.archived, when_archived,
                    _("This survey is archived: restore it to change it."))
    return survey


def stored_id(value: int) -> bool:
    """Whether a number from a URL can be a row id (larger ones overflow the database)."""
    return 0 < value <= MAX_ID


def owned_site(site_id: int, need: str | None = None, when_archived: bool = False) -> Site:
    """A site the signed-in user may open, checked against `need` (see `may`); 404 else."""
    site = stored_id(site_id) and (
        Site.visible_to(current_owner()).where(Site.id == site_id).first())
    if not site:
        raise ApiError(404, _("There is no such site in your account."))
    may(site, need)
    refuse_archived(site.archived_at is not None, when_archived,
                    _("This site is archived: restore it to change it."))
    return site


def read_only_page() -> bool:
    """Whether this page shows its values without forms: a viewer's, or an archived record's
    (the page's navigation says which, see `read_only_notes` in _macros.html)."""
    return g.get("role") == "viewer" or bool(g.get("archived"))


def typed_name_problem(name: str, message: str) -> dict[str, str]:
    """Deleting asks for the record's name typed exactly: {} when it was, else the form's
    message for the `confirm_name` field."""
    if request.form.get("confirm_name", "").strip() == name:
        return {}
    return {"confirm_name": message}


def form_errors(error: ValidationError, extra: Mapping[str, str] | None = None) -> dict:
    """{field: message} for the form, one readable sentence per field."""
    known = {**FIELD_MESSAGES, **(extra or {})}
    found: dict[str, str] = {}
    for key, problems in messages(error).items():
        field = key.split(".")[0]
        found.setdefault(field, str(known.get(field) or " ".join(problems)))
    return found


def score_text(metric: str, value: float | None) -> str:
    """The headline score as owners read it: NPS with a sign, CSAT in %, CES one decimal."""
    if value is None:
        return "–"
    if metric == "nps":
        # A sign says which side of zero; a score that rounds to zero gets none.
        return "0" if round(value) == 0 else format_decimal(value, format="+#,##0;-#,##0")
    if metric == "csat":
        return format_decimal(value, format="#,##0") + "%"
    return format_decimal(value, format="#,##0.0")


def number_text(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0." + "#" * digits if digits else "#,##0")


def change_number(metric: str, value: float | None) -> str:
    """A difference of scores with its sign: +14, −6 (0 has none)."""
    if value is None:
        return "–"
    digits = 1 if metric == "ces" else 0
    text = number_text(abs(value), digits)
    if text.strip("0.,") == "":
        return text
    return ("+" if value > 0 else "−") + text


def margin_text(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    return "± " + number_text(value, 1 if metric == "ces" else 0)


def margin_words(metric: str, value: float | None) -> str:
    """The margin of error as a sentence part: '± 8 points, 95% confidence'."""
    if value is None:
        return ""
    if metric == "csat":
        return _("%(margin)s percentage points, 95%% confidence",
                 margin=margin_text(metric, value))
    return _("%(margin)s points, 95%% confidence", margin=margin_text(metric, value))


def day_text(day: dt.date | str | None) -> str:
    """A calendar day in the page's language: '3 mrt 2025' or 'Mar 3, 2025'."""
    if not day:
        return "–"
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return format_date(day, "medium")


def moment_text(moment: dt.datetime | str | None) -> str:
    """A stored time (naive UTC, or ISO text ending in Z) as Amsterdam date and time."""
    if not moment:
        return "–"
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).replace(tzinfo=None)
    # Flask-Babel converts naive UTC to the app's zone, Europe/Amsterdam (server/i18n.py).
    return format_datetime(moment, "d MMM yyyy HH:mm") if get_locale().language == "nl" \
        else format_datetime(moment, "MMM d, yyyy HH:mm")
