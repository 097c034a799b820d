"""Marshmallow schemas: what owners may set, checked the same way in CLI, API and dashboard."""

from __future__ import annotations

import datetime
import re
import unicodedata
from urllib.parse import urlsplit

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates,
    validates_schema,
)

from .core.colours import AA_TEXT, HEX, WHITE, contrast, readable_with_white
from .core.followups import STATUSES as FOLLOWUP_STATUSES
from .core.periods import local_today
from .core.scoring import GROUPS, METRICS, SCALES

TAG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
WHY_FIELDS = tuple(f"why_{group}_{lang}" for group in GROUPS for lang in ("nl", "en"))
TAG_MESSAGE = "Use 1-64 lowercase letters, digits, '-' or '_'."
NOTE_MAX = 2000  # an owner's note on a follow-up


def normalise_contact(contact: str) -> str:
    """One spelling per address, as stored and as looked up: NFKC and casefold, so that
    'ＦＵＬＬ@Example.nl' and 'full@example.nl' are the same respondent."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", contact).casefold())
    return folded.strip()


def normalise_origin(value: str) -> str:
    """'https://Shop.nl/path' -> 'https://shop.nl'; raises ValidationError when not an origin."""
    problem = ValidationError(f"{value!r} is not an origin like https://www.example.nl")
    try:
        parts = urlsplit(value.strip())
        port = f":{parts.port}" if parts.port else ""  # .port raises on "x:99999"
    except ValueError:  # e.g. "http://[::1": an unclosed IPv6 address
        raise problem from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise problem
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


class OwnerSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=10, max=200,
                                                      error="Use 10 to 200 characters."))

    @pre_load
    def tidy(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("email"), str):
            data = {**data, "email": data["email"].strip().lower()}
        return data


class SiteSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    origins = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    contact_email = fields.Email(load_default=None, allow_none=True)
    brand_color = fields.String(load_default=None, allow_none=True)
    position = fields.String(load_default="right", validate=validate.OneOf(("right", "left")))

    @pre_load
    def spell_colour(self, data, **kwargs):
        """'1a7f37', ' #1A7F37 ' and '#1a7' all mean #1a7f37, as colour pickers write them."""
        value = data.get("brand_color") if isinstance(data, dict) else None
        if isinstance(value, str):
            value = value.strip()
            if re.fullmatch(r"#?[0-9a-fA-F]{3}", value):
                value = "#" + "".join(c * 2 for c in value.lstrip("#"))
            elif re.fullmatch(r"[0-9a-fA-F]{6}", value):
                value = "#" + value
            data = {**data, "brand_color": value or None}
        return data

    @validates("brand_color")
    def check_brand_color(self, value, **kwargs):
        if value is None:
            return
        if not HEX.match(value):
            raise ValidationError("Use a colour like #1a7f37.")
        if not readable_with_white(value):
            raise ValidationError(
                f"{value} has a contrast of {contrast(value, WHITE):.1f}:1 with white; choose a "
                f"darker colour (at least {AA_TEXT}:1), so the scale and buttons stay readable.")

    @validates("origins")
    def check_origins(self, value, **kwargs):
        for origin in value:
            normalise_origin(origin)

    @post_load
    def tidy(self, data, **kwargs):
        if "origins" in data:
            data["origins"] = list(dict.fromkeys(normalise_origin(o) for o in data["origins"]))
        if data.get("brand_color"):
            data["brand_color"] = data["brand_color"].lower()
        return data


def slug(value: str) -> str:
    """A touchpoint as a short tag: 'Na de Bezorging' -> 'na-de-bezorging', accents dropped;
    a value with nothing to keep stays as it is, for the check to name it."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    tag = re.sub(r"[^a-z0-9_]+", "-", plain.lower()).strip("-")[:64].rstrip("-")
    return tag or value


def touchpoint_name(tag: str) -> str:
    """A touchpoint's tag as people read it: 'na-de-levering' becomes 'Na de levering'."""
    words = tag.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


class SurveySchema(Schema):
    """Survey settings; partial loads update an existing survey."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    metric = fields.String(required=True, validate=validate.OneOf(METRICS))
    default_language = fields.String(load_default="nl", validate=validate.OneOf(("nl", "en")),
                                     data_key="lang")
    question_nl = fields.String(allow_none=True, validate=validate.Length(max=300))
    question_en = fields.String(allow_none=True, validate=validate.Length(max=300))
    # The second step's "why?" per kind of answer; None or "" keeps the standard question.
    why_promoters_nl = fields.String(allow_none=True, validate=validate.Length(max=300))
    why_promoters_en = fields.String(allow_none=True, validate=validate.Length(max=300))
    why_passives_nl = fields.String(allow_none=True, validate=validate.Length(max=300))
    why_passives_en = fields.String(allow_none=True, validate=validate.Length(max=300))
    why_detractors_nl = fields.String(allow_none=True, validate=validate.Length(max=300))
    why_detractors_en = fields.String(allow_none=True, validate=validate.Length(max=300))
    touchpoints = fields.List(fields.String(validate=validate.Regexp(TAG, error=TAG_MESSAGE)),
                              load_default=list, validate=validate.Length(max=20))
    consent_mode = fields.String(load_default="anonymous",
                                 validate=validate.OneOf(("anonymous", "optional")))
    retention_days = fields.Integer(load_default=365, validate=validate.Range(min=1, max=3650))
    recontact_days = fields.Integer(load_default=90, validate=validate.Range(min=0, max=3650))
    sample_percent = fields.Integer(load_default=100, validate=validate.Range(min=1, max=100))
    # E-mail invitations: days after the order, days before the reminder (0 = none), and at
    # most one invitation per address in this many days.
    invite_delay_days = fields.Integer(load_default=7, validate=validate.Range(min=0, max=365))
    reminder_after_days = fields.Integer(load_default=0,
                                         validate=validate.Range(min=0, max=365))
    invite_every_days = fields.Integer(load_default=90,
                                       validate=validate.Range(min=0, max=3650))
    active = fields.Boolean()
    scrub_comments = fields.Boolean(load_default=True)
    scale_colours = fields.Boolean(load_default=False)

    @pre_load
    def slugs(self, data, **kwargs):
        touchpoints = data.get("touchpoints") if isinstance(data, dict) else None
        if isinstance(touchpoints, list):
            data = {**data, "touchpoints": [slug(t) if isinstance(t, str) else t
                                            for t in touchpoints]}
        return data

    @post_load
    def tidy(self, data, **kwargs):
        if "touchpoints" in data:
            data["touchpoints"] = list(dict.fromkeys(data["touchpoints"]))
        for key in ("question_nl", "question_en", *WHY_FIELDS):
            if key in data and data[key] is not None:
                data[key] = data[key].strip() or None
        return data


# Far-off years (0001, 9999) overflow the time-zone arithmetic of every score query:
# every date an owner gives (targets, filters) must lie within these.
SUPPORTED_DAYS = (datetime.date(1970, 1, 1), datetime.date(2999, 12, 31))


# What can be wrong with a day an owner gives, in words pages can recognise and translate.
NOT_A_DATE = "Not a valid date."  # marshmallow's own words, kept for API clients
OUTSIDE_DAYS = "Use a date between 1970-01-01 and 2999-12-31."
BASELINE_AHEAD = "The baseline must not start after today: it measures answers already given."
BASELINE_UNFINISHED = ("The baseline must end today at the latest: it measures answers "
                       "already given.")


def day_field(**kwargs) -> fields.Date:
    """A YYYY-MM-DD day within SUPPORTED_DAYS."""
    return fields.Date(error_messages={"invalid": NOT_A_DATE},
                       validate=validate.Range(*SUPPORTED_DAYS, error=OUTSIDE_DAYS), **kwargs)


class TargetSchema(Schema):
    """A target value and due date, against a baseline period (nulmeting)."""

    target = fields.Float(required=True, allow_nan=False)
    due = day_field(required=True)
    baseline_from = day_field(load_default=None, allow_none=True)
    baseline_to = day_field(load_default=None, allow_none=True)
    metric = fields.String(load_default=None, load_only=True)

    @validates_schema
    def check(self, data, **kwargs):
        start, end = data.get("baseline_from"), data.get("baseline_to")
        if (start is None) != (end is None):
            raise ValidationError("Give both ends of the baseline period, or neither.",
                                  "baseline_to" if end is None else "baseline_from")
        if start and end and start > end:
            raise ValidationError("The baseline must start before it ends.", "baseline_from")
        # A baseline still to come would be compared with answers nobody gave yet: refused
        # rather than cut short, so that what is stored is what the owner asked for.
        today = local_today()
        if start and start > today:
            raise ValidationError(BASELINE_AHEAD, "baseline_from")
        if end and end > today:
            raise ValidationError(BASELINE_UNFINISHED, "baseline_to")
        if end and data["due"] <= end:
            raise ValidationError("The due date must come after the baseline.", "due")
        low, high = (-100, 100) if data.get("metric") == "nps" else (0, 100)
        if data.get("metric") == "ces":
            low, high = SCALES["ces"]
        if not low <= data["target"] <= high:
            raise ValidationError(f"The target must lie between {low} and {high}.", "target")


class ThemeSchema(Schema):
    """An owner's theme: its name and the keywords that find it."""

    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    keywords = fields.List(fields.String(validate=validate.Length(min=1, max=60)),
                           required=True, validate=validate.Length(min=1, max=100), metadata={
        "description": "Words that find the theme, in any form: 'fiets' finds fietsen and "
                       "fietsbel; '=word' only that spelling (and compounds); several words "
                       "in a row, e.g. 'te laat'."})

    @post_load
    def tidy(self, data, **kwargs):
        data["name"] = data["name"].strip()
        data["keywords"] = list(dict.fromkeys(k.strip().lower() for k in data["keywords"]
                                              if k.strip()))
        if not data["keywords"] or not data["name"]:
            raise ValidationError("Give a name and at least one keyword.", "keywords")
        return data


class FollowupSchema(Schema):
    """The owner's move on an answer's follow-up, with a note of what was done or agreed."""

    class Meta:
        unknown = RAISE

    followup = fields.String(required=True, validate=validate.OneOf(FOLLOWUP_STATUSES),
                             metadata={"description": "`contacted` or `resolved`; `open` "
                                       "reopens it."})
    note = fields.String(allow_none=True, validate=validate.Length(max=NOTE_MAX), metadata={
        "description": f"At most {NOTE_MAX} characters; it replaces the note, null or \"\" "
                       "clears it and leaving it out keeps it. The respondent sees it on "
                       "their receipt."})

    @post_load
    def tidy(self, data, **kwargs):
        if isinstance(data.get("note"), str):
            data["note"] = data["note"].strip() or None
        return data


def messages(error: ValidationError) -> dict[str, list[str]]:
    """Flatten marshmallow's messages to {field: [message, ...]} for the error shape."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            flat.setdefault(prefix or "_schema", []).extend(value)
        elif isinstance(value, list):
            for inner in value:
                walk(prefix, inner)
        else:
            flat.setdefault(prefix or "_schema", []).append(str(value))

    walk("", error.messages)
    return flat
