"""An alert about one answer, as an e-mail in the owner's language and as a webhook's JSON
(with a `text` a chat tool shows as it is)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from email.message import EmailMessage

from flask import current_app, render_template

from ..core.alerts import Rule, matches
from ..core.periods import iso
from ..models import Alert, Response
from .message import mail_message, sender

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
WORDS = {
    "nl": {"subject": "Melding: score {score} op {survey}",
           "text": "Score {score} op {survey} ({touchpoint}): {comment}",
           "no_comment": "geen opmerking", "no_touchpoint": "geen klantmoment",
           "detractor": "criticaster"},
    "en": {"subject": "Alert: score {score} on {survey}",
           "text": "Score {score} on {survey} ({touchpoint}): {comment}",
           "no_comment": "no comment", "no_touchpoint": "no touchpoint",
           "detractor": "detractor"},
}


def language_of(alert: Alert) -> str:
    lang = alert.survey.site.owner.language
    return lang if lang in WORDS else "nl"


def answer_url(response: Response) -> str:
    return (f"{current_app.config['BASE_URL']}/dashboard/surveys/{response.survey_id}"
            f"/answers/{response.id}")


def local_time(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=dt.UTC).astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")


def chat_text(alert: Alert, response: Response, lang: str) -> str:
    """One line to read in a chat tool, then the link."""
    words = WORDS[lang]
    comment = f"“{response.comment}”" if response.comment else words["no_comment"]
    line = words["text"].format(score=response.score, survey=alert.survey.name, comment=comment,
                                touchpoint=response.touchpoint or words["no_touchpoint"])
    return f"{line}\n{answer_url(response)}"


def payload(alert: Alert, response: Response) -> dict:
    """The webhook's body; the contact only when the visitor consented to give it."""
    survey = alert.survey
    answer = {"id": response.id, "score": response.score, "comment": response.comment,
              "touchpoint": response.touchpoint, "segment": response.segment,
              "created_at": iso(response.created_at)}
    if response.contact and response.consent_at:
        answer["contact"] = response.contact
    return {"event": "response.alert", "text": chat_text(alert, response, language_of(alert)),
            "survey": {"id": survey.id, "name": survey.name, "metric": survey.metric,
                       "site": survey.site.name},
            "alert": {"id": alert.id, "rule": alert.rule},
            "response": answer, "url": answer_url(response)}


def compose_alert(alert: Alert, response: Response, address: str, now: dt.datetime
                  ) -> EmailMessage:
    """The alert mail to one of the alert's addresses."""
    survey, lang = alert.survey, language_of(alert)
    consented = bool(response.contact and response.consent_at)
    group = matches(Rule("detractor"), survey.metric, response.score, None)
    values = {"survey": survey.name, "site": survey.site.name, "rule": alert.rule,
              "score": response.score, "group": WORDS[lang]["detractor"] if group else None,
              "comment": response.comment, "touchpoint": response.touchpoint,
              "segment": response.segment, "when": local_time(response.created_at),
              "contact": response.contact if consented else None, "url": answer_url(response),
              "alerts_url": (f"{current_app.config['BASE_URL']}/dashboard/surveys/{survey.id}"
                             "/alerts")}
    return mail_message(
        subject=WORDS[lang]["subject"].format(score=response.score, survey=survey.name),
        source=sender("Tevreden"), to=address, now=now, about=f"alert.{response.id}",
        lang=lang, text=render_template(f"mail/{lang}/alert.txt", **values))
