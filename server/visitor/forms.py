"""The score form's contents: its scale and labels, and what a link or a failed form asks
to show chosen again."""

from __future__ import annotations

import re

from flask import g, url_for
from flask_babel import gettext as _

from ..core.scoring import SCALES, answer_group
from ..errors import ApiError
from ..invites import read_invite
from ..models import Survey
from ..schemas import TAG
from ..signing import InvalidToken
from .answers import is_spent

SCORE = re.compile(r"^[ \t]*[0-9]{1,2}[ \t]*$")


def score_context(survey: Survey, token: str, selected=None, **extra) -> dict:
    low, high = SCALES[survey.metric]
    low_label, high_label = survey.scale_ends(g.lang)
    options = [(value, low_label if value == low else high_label if value == high else None)
               for value in range(low, high + 1)]
    return {"question": survey.question(g.lang), "options": options, "low_label": low_label,
            "high_label": high_label, "token": token, "selected": selected,
            "groups": {value: answer_group(survey.metric, value) for value in range(low, high + 1)
                       } if survey.scale_colours else {},
            "action": url_for("widget.create_response", survey=survey.id), **extra}


def checked_invite(survey: Survey, token: str) -> dict:
    try:
        invite = read_invite(survey.id, token)
    except InvalidToken as exc:
        message = (_("This invitation link has expired.") if exc.expired
                   else _("This invitation link is not valid."))
        raise ApiError(400, message, fields={"invite": [message]}) from None
    if is_spent(invite["id"]):
        raise ApiError(409, _("This invitation has already been answered. Thank you!"))
    return invite


def tag_or_none(value, allowed=None) -> str | None:
    """A touchpoint or segment from the loader, dropped when the answer would be refused."""
    value = value.strip().lower() if isinstance(value, str) else ""
    if not value or (allowed is not None and value not in allowed):
        return None
    return value if TAG.match(value) else None


def as_score(value) -> int | None:
    """A score given in a link or a failed form, to show it chosen again."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and SCORE.match(value) else None
