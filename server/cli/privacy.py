"""Retention and privacy requests: purge, forget, show-contact."""

from __future__ import annotations

import json

import click
from flask import Flask

from .. import retention
from .base import command


@command("purge")
def purge_cmd(app: Flask):
    """Delete responses older than their survey's retention (run daily, e.g. from cron)."""
    result = retention.purge()
    return result, f"{result['deleted']} responses deleted"


@command("forget")
@click.option("--contact", required=True, help="The e-mail address to erase.")
def forget_cmd(app: Flask, contact: str):
    """Erase every response carrying this contact address."""
    deleted = retention.forget(contact)
    return {"deleted": deleted}, f"{deleted} responses erased"


@command("show-contact")
@click.option("--contact", required=True, help="The e-mail address to look up.")
def show_contact_cmd(app: Flask, contact: str):
    """Print everything stored for a contact address."""
    data = retention.show_contact(contact)
    return data, json.dumps(data, indent=2, ensure_ascii=False)


