"""The `tevreden` command line: set up, manage and serve; every command speaks --json."""

from . import accounts, alerts, digest, insight, invitations, privacy, running, surveys  # noqa: F401  (each module adds its commands)
from .base import Failure, cli, main

__all__ = ["Failure", "cli", "main"]
