"""Storage limitation and data-subject requests: purge, forget, show what is kept."""

from __future__ import annotations

import datetime as dt
import logging

from .core.periods import iso
from .db import scrub_erased, write_transaction
from .models import FORM_MAX_AGE, RefusedOrigin, Response, Survey, UsedToken, utcnow
from .schemas import normalise_contact

log = logging.getLogger("tevreden.retention")


def purge(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete responses older than their survey's retention, and spent tokens past expiry
    (records of them, and the ids answers hold once their forms can no longer be sent)."""
    now = now or utcnow()
    deleted = 0
    with write_transaction():
        for survey in Survey.select(Survey.id, Survey.retention_days):
            cutoff = now - dt.timedelta(days=survey.retention_days)
            deleted += (Response.delete()
                        .where(Response.survey == survey.id, Response.created_at < cutoff)
                        .execute())
        RefusedOrigin.forget_old(now)
        tokens = UsedToken.delete().where(UsedToken.expires_at < now).execute()
        tokens += (Response.update(token_id=None)
                   .where(Response.token_id.is_null(False),
                          Response.created_at < now - dt.timedelta(seconds=FORM_MAX_AGE))
                   .execute())
    if deleted or tokens:
        scrub_erased("response", "used_token")
    # Counts only: a log line never carries what was said or who said it.
    log.info("purge: %d responses past retention, %d expired token records", deleted, tokens)
    return {"deleted": deleted, "tokens": tokens}


def responses_for_contact(contact: str, surveys=None):
    query = Response.select().where(Response.contact == normalise_contact(contact))
    if surveys is not None:
        query = query.where(Response.survey.in_(surveys))
    return query.order_by(Response.created_at)


def forget(contact: str, surveys=None) -> int:
    """Erase every response carrying this contact address (optionally within some surveys)."""
    deleted = Response.erase_all([r.id for r in responses_for_contact(contact, surveys)])
    if deleted:
        scrub_erased("response")
    log.info("forget: %d responses erased", deleted)
    return deleted


def show_contact(contact: str, surveys=None) -> dict:
    """Everything stored for a contact address (an AVG access request)."""
    rows = [describe(r) for r in responses_for_contact(contact, surveys)]
    return {"contact": normalise_contact(contact), "count": len(rows), "responses": rows}


def describe(response: Response) -> dict:
    """Every stored field of a response, as the respondent or an owner may see it."""
    return {
        "id": response.id,
        "survey": response.survey_id,
        "score": response.score,
        "comment": response.comment,
        "touchpoint": response.touchpoint,
        "segment": response.segment,
        "reference": response.reference,
        "language": response.language,
        "created_at": iso(response.created_at),
        "consent_at": iso(response.consent_at),
        "consent_version": response.consent_version,
        "contact": response.contact,
    }
