"""Storage limitation and data-subject requests: purge, forget, show what is kept."""

from __future__ import annotations

import datetime as dt
import logging

from .core.periods import iso
from .db import scrub_erased, write_transaction
from .models import (
    FORM_MAX_AGE,
    Invitation,
    OutboxMail,
    RefusedOrigin,
    Response,
    Survey,
    UsedToken,
    close_invitations,
    utcnow,
)
from .schemas import normalise_contact

log = logging.getLogger("tevreden.retention")


def purge(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete responses older than their survey's retention, and spent tokens past expiry
    (records of them, and the ids answers hold once their forms can no longer be sent), and
    closed invitations once neither the retention nor the once-per-period rule needs them."""
    now = now or utcnow()
    deleted = invitations = 0
    with write_transaction():
        for survey in Survey.select(Survey.id, Survey.retention_days, Survey.invite_every_days):
            cutoff = now - dt.timedelta(days=survey.retention_days)
            deleted += (Response.delete()
                        .where(Response.survey == survey.id, Response.created_at < cutoff)
                        .execute())
            invitations += closed_invitations_before(survey, now)
        RefusedOrigin.forget_old(now)
        tokens = UsedToken.delete().where(UsedToken.expires_at < now).execute()
        tokens += (Response.update(token_id=None)
                   .where(Response.token_id.is_null(False),
                          Response.created_at < now - dt.timedelta(seconds=FORM_MAX_AGE))
                   .execute())
    if deleted or tokens:
        scrub_erased("response", "used_token")
    # Counts only: a log line never carries what was said or who said it.
    log.info("purge: %d responses past retention, %d expired token records, %d old "
             "invitations", deleted, tokens, invitations)
    return {"deleted": deleted, "tokens": tokens, "invitations": invitations}


def closed_invitations_before(survey: Survey, now: dt.datetime) -> int:
    """Invitations no mail is pending for, older than the survey's retention and its
    once-per-period window (their keyed hash throttles until then); unsubscribes stay."""
    days = max(survey.retention_days, survey.invite_every_days)
    old = Invitation.select(Invitation.id).where(
        Invitation.survey == survey.id, Invitation.status.not_in(("scheduled",)),
        Invitation.invite_due_at < now - dt.timedelta(days=days),
        Invitation.email.is_null())
    OutboxMail.delete().where(OutboxMail.invitation.in_(old)).execute()
    return Invitation.delete().where(Invitation.id.in_(old)).execute()


def responses_for_contact(contact: str, surveys=None):
    query = Response.select().where(Response.contact == normalise_contact(contact))
    if surveys is not None:
        query = query.where(Response.survey.in_(surveys))
    return query.order_by(Response.created_at)


def invitations_for_contact(contact: str, surveys=None):
    """Pending invitations that hold the address, themselves or in a mail not yet sent."""
    address = normalise_contact(contact)
    in_outbox = OutboxMail.select(OutboxMail.invitation).where(
        OutboxMail.recipient == address, OutboxMail.status == "waiting")
    query = Invitation.select().where((Invitation.email == address)
                                      | Invitation.id.in_(in_outbox))
    if surveys is not None:
        query = query.where(Invitation.survey.in_(surveys))
    return query.order_by(Invitation.id)


def forget(contact: str, surveys=None) -> int:
    """Erase every response carrying this contact address (optionally within some surveys),
    and the address in pending invitations, whose mails are then not sent."""
    deleted = Response.erase_all([r.id for r in responses_for_contact(contact, surveys)])
    ids = [i.id for i in invitations_for_contact(contact, surveys)]
    invitations = 0
    if ids:
        with write_transaction():
            invitations = close_invitations(Invitation.select(Invitation.id).where(
                Invitation.id.in_(ids)), "unsubscribed")
    if deleted or invitations:
        scrub_erased("response", "invitation", "outbox_mail")
    log.info("forget: %d responses, %d pending invitations erased", deleted, invitations)
    return deleted + invitations


def show_contact(contact: str, surveys=None) -> dict:
    """Everything stored for a contact address (an AVG access request)."""
    rows = [describe(r) for r in responses_for_contact(contact, surveys)]
    pending = [describe_invitation(i) for i in invitations_for_contact(contact, surveys)]
    return {"contact": normalise_contact(contact), "count": len(rows) + len(pending),
            "responses": rows, "invitations": pending}


def describe_invitation(invitation: Invitation) -> dict:
    return {"id": invitation.id, "survey": invitation.survey_id,
            "order_id": invitation.order_id, "name": invitation.name,
            "language": invitation.language, "status": invitation.status,
            "completed_at": iso(invitation.completed_at),
            "invite_due_at": iso(invitation.invite_due_at), "sent_at": iso(invitation.sent_at),
            "reminder_due_at": iso(invitation.reminder_due_at)}


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
        "followup": response.followup,
        "followup_note": response.followup_note,
        "followup_at": iso(response.followup_at),
        "followup_contacted_at": iso(response.followup_contacted_at),
        "followup_resolved_at": iso(response.followup_resolved_at),
    }
