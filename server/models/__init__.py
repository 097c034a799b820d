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
from .sites import ApiToken, Owner, Site
from .surveys import ConsentText, Survey
from .themes import SurveyTheme, delete_theme, save_theme, survey_themes

MODELS = [Owner, Site, Survey, ConsentText, Response, UsedToken, ApiToken, Job, SurveyTheme]

__all__ = ["FORM_MAX_AGE", "INVITE_MAX_AGE", "MODELS", "SECOND_STEP_WINDOW", "AlreadyAnswered",
           "ApiToken", "BaseModel", "ConsentText", "Job", "ListField", "Owner", "Response",
           "Site", "Survey", "SurveyTheme", "TooLate", "UsedToken", "Versioned", "delete_theme",
           "save_theme", "survey_themes", "utcnow"]
