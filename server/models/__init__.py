"""The data model: owners, sites, surveys, responses, tokens. Nothing identifies a visitor."""

from .alerts import Alert, AlertDelivery
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
from .sites import DIGESTS, ROLES, ApiToken, Member, Owner, RefusedOrigin, Site
from .surveys import ConsentText, Survey
from .themes import SurveyTheme, delete_theme, save_theme, survey_themes

MODELS = [Owner, Site, Survey, ConsentText, Response, UsedToken, ApiToken, Job, RefusedOrigin,
          Hook, Invitation, Unsubscribe, OutboxMail, SurveyTheme, Member, Alert, AlertDelivery]

__all__ = ["DIGESTS", "FORM_MAX_AGE", "HOOK_KINDS", "INVITE_MAX_AGE", "MODELS", "ROLES",
           "SECOND_STEP_WINDOW", "Alert", "AlertDelivery", "AlreadyAnswered", "ApiToken",
           "BaseModel", "ConsentText", "Hook", "Invitation", "Job", "ListField", "Member",
           "OutboxMail", "Owner", "RefusedOrigin", "Response", "Site", "Survey", "SurveyTheme",
           "TooLate", "Unsubscribe", "UsedToken", "Versioned",
           "close_invitations", "delete_theme", "email_hashes", "save_theme", "survey_themes",
           "unsubscribe_address", "utcnow"]
