"""E-mail invitations: create-hook, import-orders, send-due."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask import Flask

from ..models import HOOK_KINDS
from .base import Failure, command, find_site, find_survey

CSV_COLUMNS = ("order_id", "email", "name", "language", "completed_at")


@command("create-hook")
@click.option("--site", "site_ref", required=True, help="Site id or name.")
@click.option("--kind", required=True, type=click.Choice(HOOK_KINDS))
@click.option("--survey", "survey_id", help="The survey its orders are invited to (needed when "
                                            "the site has several).")
@click.option("--secret", help="Use this secret (Shopify's webhook signing key) instead of a "
                               "new one.")
def create_hook_cmd(app: Flask, site_ref: str, kind: str, survey_id: str | None,
                    secret: str | None):
    """Create an incoming order webhook; its secret is shown once."""
    from ..models import Hook, Survey

    site = find_site(site_ref)
    if survey_id:
        survey = find_survey(survey_id)
        if survey.site_id != site.id:
            raise Failure(f"survey {survey_id} belongs to another site")
    else:
        surveys = list(Survey.select().where(Survey.site == site).order_by(Survey.created_at))
        if len(surveys) != 1:
            raise Failure(f"site {site.name!r} has {len(surveys)} surveys: give --survey ID")
        survey = surveys[0]
    hook = Hook.issue(survey, kind, secret)
    url = hook.url(app.config["BASE_URL"])
    return ({"id": hook.id, "url": url, "secret": hook.secret, "kind": kind,
             "survey": survey.id},
            f"hook {hook.id} ({kind}) for survey {survey.id}\n  url:    {url}\n"
            f"  secret: {hook.secret}\nStore the secret in your shop now; it is not shown again.")


def read_orders(path: Path) -> list[dict]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            sample = file.read(4096)
            file.seek(0)
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
            reader = csv.DictReader(file, dialect=dialect)
            missing = [c for c in ("order_id", "email") if c not in (reader.fieldnames or [])]
            if missing:
                raise Failure(f"{path}: needs the columns {', '.join(CSV_COLUMNS)} "
                              f"(missing {', '.join(missing)})")
            return [{k: row.get(k) for k in CSV_COLUMNS} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise Failure(f"cannot read {path}: {exc}") from None


@command("import-orders")
@click.option("--survey", "survey_id", required=True)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_orders_cmd(app: Flask, survey_id: str, file: Path):
    """Schedule invitations for completed orders in a CSV file (order_id,email,name,language,
    completed_at); each order id once."""
    from ..models import Invitation
    from ..orders.payloads import MalformedOrder, generic

    survey = find_survey(survey_id)
    scheduled, skipped = 0, []
    for line, row in enumerate(read_orders(file), start=2):
        try:
            invitation, reason = Invitation.schedule(survey, generic(row))
        except MalformedOrder as exc:
            invitation = None
            reason = "invalid: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
        if invitation is not None:
            scheduled += 1
        else:
            skipped.append({"line": line, "order_id": row.get("order_id"), "reason": reason})
    text = [f"{scheduled} scheduled, {len(skipped)} skipped"]
    text += [f"  line {s['line']} (order {s['order_id']}): {s['reason']}" for s in skipped]
    return {"scheduled": scheduled, "skipped": skipped}, "\n".join(text)


def parse_moment(ctx, param, value: str | None):
    """An ISO date or time; with a zone it is converted to UTC, without one it is UTC."""
    if value is None:
        return None
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use an ISO date or time, e.g. 2026-06-01T09:00") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


@command("send-due")
@click.option("--until", callback=parse_moment, help="Send what is due by this time "
                                                     "(ISO, UTC unless a zone is given).")
def send_due_cmd(app: Flask, until):
    """Send the invitations and reminders due by now (or --until) and retry the outbox."""
    from ..jobs.invitations import send_due

    result = send_due(until)
    text = f"{result['sent']} sent, {result['failed']} failed, {result['waiting']} waiting"
    if not app.config.get("SMTP_URL") and result["waiting"]:
        text += " (TEVREDEN_SMTP_URL is not set: mails wait in the outbox)"
    return result, text
