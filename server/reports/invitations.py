"""Invitations of a survey, counted and listed for the API and the dashboard; addresses are
shown only while an invitation has not been sent (after that none is kept for it anyway)."""

from __future__ import annotations

from peewee import fn

from ..core.periods import iso
from ..models import Invitation, OutboxMail, Survey

STATUSES = ("scheduled", "sent", "answered", "unsubscribed", "failed")


def invitation_counts(survey: Survey) -> dict:
    """scheduled, sent, answered, unsubscribed, failed, retrying (mails waiting after a failed
    attempt), waiting (mails in the outbox) and response_rate (answered ÷ sent, or None)."""
    by_status = dict.fromkeys(STATUSES, 0)
    sent = 0
    rows = (Invitation.select(Invitation.status, fn.COUNT(Invitation.id),
                              fn.COUNT(Invitation.sent_at))
            .where(Invitation.survey == survey).group_by(Invitation.status).tuples())
    for status, count, with_mail in rows:
        by_status[status] = count
        sent += with_mail
    waiting = (OutboxMail.select(fn.COUNT(OutboxMail.id), fn.COUNT(OutboxMail.last_error))
               .join(Invitation).where(Invitation.survey == survey,
                                       OutboxMail.status == "waiting").tuples().first())
    return {**by_status, "sent": sent, "retrying": waiting[1], "waiting": waiting[0],
            "response_rate": round(by_status["answered"] / sent, 4) if sent else None}


def invitation_json(invitation: Invitation, error: str | None) -> dict:
    unsent = invitation.status == "scheduled" and invitation.sent_at is None
    return {
        "id": invitation.id, "order_id": invitation.order_id, "status": invitation.status,
        "email": invitation.email if unsent else None,
        "language": invitation.language, "touchpoint": invitation.touchpoint,
        "completed_at": iso(invitation.completed_at),
        "invite_due_at": iso(invitation.invite_due_at), "sent_at": iso(invitation.sent_at),
        "reminder_due_at": iso(invitation.reminder_due_at),
        "reminded_at": iso(invitation.reminded_at), "last_error": error,
    }


def invitation_page(survey: Survey, limit: int, before: int | None = None) -> tuple[list, bool]:
    """The newest invitations (before an id), each with its mail's last error; and whether
    there are more."""
    query = Invitation.select().where(Invitation.survey == survey)
    if before is not None:
        query = query.where(Invitation.id < before)
    rows = list(query.order_by(Invitation.id.desc()).limit(limit + 1))
    errors = {invitation: error for invitation, error in OutboxMail.select(
        OutboxMail.invitation, OutboxMail.last_error).where(
        OutboxMail.invitation.in_([r.id for r in rows[:limit]]),
        OutboxMail.last_error.is_null(False)).order_by(OutboxMail.id).tuples()}
    return [invitation_json(r, errors.get(r.id)) for r in rows[:limit]], len(rows) > limit
