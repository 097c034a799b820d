"""Background work claimed by one worker at a time."""

from __future__ import annotations

from peewee import (
    CharField,
    DateTimeField,
)

from .base import BaseModel


class Job(BaseModel):
    """Housekeeping runs (the daily purge), claimed atomically by one worker at a time."""

    name = CharField(max_length=32, primary_key=True)
    last_run_at = DateTimeField(null=True)
    claimed_until = DateTimeField(null=True)
