"""The owner's summary e-mail: set-digest."""

from __future__ import annotations

import click
from flask import Flask

from ..models import DIGESTS
from .base import command, find_owner


@command("set-digest")
@click.argument("email")
@click.argument("frequency", type=click.Choice(DIGESTS))
def set_digest_cmd(app: Flask, email: str, frequency: str):
    """Send EMAIL's owner a summary e-mail daily (07:00) or weekly (Monday 07:00), or none."""
    owner = find_owner(email)
    owner.set_digest(frequency)
    text = {"daily": f"{owner.email} gets a digest every morning at 07:00",
            "weekly": f"{owner.email} gets a digest every Monday at 07:00",
            "off": f"{owner.email} gets no digest"}[frequency]
    return {"email": owner.email, "digest": frequency}, text
