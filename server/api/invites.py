"""Invitations for e-mails: signed links per score and a ready-to-paste HTML block."""

from __future__ import annotations

import datetime as dt
from html import escape

from ..core.periods import iso
from ..core.scoring import scale_points
from ..invites import INVITE_MAX_AGE, invite_link, make_invite
from ..models import Survey, utcnow

# E-mail clients ignore style sheets, so this block carries inline styles (it never
# reaches our own pages, whose CSP forbids them).
TABLE = ('<table role="presentation" cellpadding="0" cellspacing="0" border="0" '
         'style="border-collapse:collapse;font-family:Arial,Helvetica,sans-serif;color:#1f2933">')
QUESTION = '<tr><td colspan="{span}" style="padding:0 0 12px;font-size:16px">{text}</td></tr>'
CELL = ('<td style="padding:0 3px 0 0"><a href="{url}" title="{label}" aria-label="{label}" '
        'style="display:inline-block;min-width:30px;padding:9px 4px;border:1px solid #52606d;'
        'border-radius:4px;background:#ffffff;color:#1f2933;font-size:15px;font-weight:bold;'
        'text-align:center;text-decoration:none">{score}</a></td>')
# The one phrase the widget's catalogue lacks; e-mails go out in the invitation's language.
OUT_OF = {"nl": "{score} van {high}", "en": "{score} out of {high}"}
ENDS = ('<tr><td colspan="{left}" style="padding:6px 0 0;font-size:12px;color:#52606d">{low}</td>'
        '<td colspan="{right}" style="padding:6px 0 0;font-size:12px;color:#52606d;'
        'text-align:right">{high}</td></tr>')


def score_label(score: int, points: list[int], lang: str, low: str, high: str) -> str:
    """Accessible text for a score link: the number, the scale, and what the ends mean."""
    text = OUT_OF[lang].format(score=score, high=points[-1])
    if score == points[0]:
        text += f" ({low})"
    elif score == points[-1]:
        text += f" ({high})"
    return text


def email_block(survey: Survey, links: list[dict], lang: str) -> str:
    """A table of score links that works in e-mail clients; every value is escaped."""
    question, (low, high) = survey.question(lang), survey.scale_ends(lang)
    points = [link["score"] for link in links]
    cells = "".join(
        CELL.format(url=escape(link["url"], quote=True),
                    label=escape(score_label(link["score"], points, lang, low, high), quote=True),
                    score=link["score"])
        for link in links)
    half = len(points) // 2
    return (TABLE + QUESTION.format(span=len(points), text=escape(question))
            + f"<tr>{cells}</tr>"
            + ENDS.format(left=half, right=len(points) - half, low=escape(low), high=escape(high))
            + "</table>")


def create_invites(survey: Survey, touchpoint: str | None = None, segment: str | None = None,
                   reference: str | None = None, lang: str | None = None,
                   count: int = 1) -> dict:
    """`count` invitations, each answered once, expiring with the signature."""
    lang = lang or survey.default_language
    expires_at = utcnow() + dt.timedelta(seconds=INVITE_MAX_AGE)
    invites = []
    for _number in range(count):
        token = make_invite(survey.id, touchpoint, segment, reference)
        links = [{"score": score, "url": invite_link(survey.id, token, score, lang)}
                 for score in scale_points(survey.metric)]
        invites.append({"token": token, "url": invite_link(survey.id, token, None, lang),
                        "links": links, "html": email_block(survey, links, lang)})
    return {"survey": survey.id, "expires_at": iso(expires_at), "invites": invites}
