"""The data model: owners, sites, surveys, responses, tokens. Nothing identifies a visitor."""

from .base import BaseModel, ListField, Versioned, utcnow
from .jobs import Job
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

MODELS = [Owner, Site, Survey, ConsentText, Response, UsedToken, ApiToken, Job, RefusedOrigin]

__all__ = ["FORM_MAX_AGE", "INVITE_MAX_AGE", "MODELS", "SECOND_STEP_WINDOW", "AlreadyAnswered",
           "ApiToken", "BaseModel", "ConsentText", "Job", "ListField", "Owner", "RefusedOrigin",
           "Response", "Site", "Survey", "TooLate", "UsedToken", "Versioned", "utcnow"]
