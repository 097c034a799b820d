"""The data model: owners, sites, surveys, responses, tokens. Nothing identifies a visitor."""

from .base import BaseModel, ListField, Versioned, utcnow
from .invitations import HOOK_KINDS, Hook, Invitation, Unsubscribe, email_hashes
from .jobs import Job
from .outbox import OutboxMail, close_invitations, unsubscribe_address
from .responses import (
    FORM_MAX_AGE,
    INVITE_MAX_AGE,
    SECOND_STEP_WINDOW,
    AlreadyAnswered,
    Response,
    TooLate,
    UsedToken,
)
from .sites import ApiToken, Owner, RefusedOrigin, Site
from .surveys import ConsentText, Survey

MODELS = [Owner, Site, Survey, ConsentText, Response, UsedToken, ApiToken, Job, RefusedOrigin,
          Hook, Invitation, Unsubscribe, OutboxMail]

__all__ = ["FORM_MAX_AGE", "HOOK_KINDS", "INVITE_MAX_AGE", "MODELS", "SECOND_STEP_WINDOW",
           "AlreadyAnswered", "ApiToken", "BaseModel", "ConsentText", "Hook", "Invitation", "Job",
           "ListField", "OutboxMail", "Owner", "RefusedOrigin", "Response", "Site", "Survey",
           "TooLate", "Unsubscribe", "UsedToken", "Versioned", "close_invitations",
           "email_hashes", "unsubscribe_address", "utcnow"]
