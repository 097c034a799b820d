"""The `tevreden` command line: set up, manage and serve; every command speaks --json."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable

import click
from flask import Flask
from marshmallow import ValidationError

from . import __version__, retention
from .config import ConfigError
from .schemas import OwnerSchema, SiteSchema, SurveySchema, TargetSchema, messages


class Failure(Exception):
    """A user-facing error: one line, non-zero exit."""


def app_from(ctx: click.Context) -> Flask:
    """The Flask app, built once per invocation (tests pass their own in ctx.obj)."""
    root = ctx.find_root()
    if root.obj is None:
        from .app import create_app

        root.obj = create_app()
    return root.obj


def command(name: str, **kwargs) -> Callable:
    """A subcommand with --json, run inside an app context with a database connection."""

    def decorate(func: Callable) -> Callable:
        @cli.command(name, **kwargs)
        @click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
        @click.pass_context
        @functools.wraps(func)
        def wrapper(ctx: click.Context, as_json: bool, **params):
            from .db import connection

            app = app_from(ctx)
            with app.app_context(), connection():
                data, text = func(app, **params)
            click.echo(json.dumps(data, default=str) if as_json else text)

        return wrapper

    return decorate


@click.group(help="Tevreden: privacy-minimal customer-satisfaction surveys.")
@click.version_option(__version__, prog_name="tevreden")
def cli() -> None:
    pass


def load(schema, data: dict, **kwargs) -> dict:
    try:
        return schema.load(data, **kwargs)
    except ValidationError as exc:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in messages(exc).items())
        raise Failure(problems) from None


@command("migrate")
def migrate_cmd(app: Flask):
    """Apply pending migrations (safe to run again)."""
    from .db import migrate, schema_version

    applied = migrate()
    version = schema_version()
    return {"version": version, "applied": applied}, f"schema version {version}"


def read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@command("create-owner")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_owner_cmd(app: Flask, email: str, password_stdin: bool):
    """Create a dashboard login."""
    from .models import Owner

    data = load(OwnerSchema(), {"email": email, "password": read_password(password_stdin)})
    if Owner.by_email(data["email"]):
        raise Failure(f"an owner with e-mail {data['email']} already exists")
    owner = Owner(email=data["email"])
    owner.set_password(data["password"])
    owner.save()
    return {"id": owner.id, "email": owner.email}, f"owner {owner.id} created: {owner.email}"


@command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_cmd(app: Flask, email: str, password_stdin: bool):
    """Set a new dashboard password."""
    owner = find_owner(email)
    data = load(OwnerSchema(), {"email": owner.email, "password": read_password(password_stdin)})
    owner.set_password(data["password"])
    owner.save()
    return {"id": owner.id, "email": owner.email}, f"password changed for {owner.email}"


def find_owner(email: str):
    from .models import Owner

    owner = Owner.by_email(email)
    if owner is None:
        raise Failure(f"no owner with e-mail {email}")
    return owner


def find_site(ref: str):
    """A site by its number or its exact name."""
    from .models import Site

    site = Site.get_or_none(Site.id == int(ref)) if ref.isdigit() else None
    site = site or Site.get_or_none(Site.name == ref)
    if site is None:
        raise Failure(f"no site {ref!r} (give its id or exact name)")
    return site


def find_survey(ref: str):
    from .models import Survey

    survey = Survey.get_or_none(Survey.id == ref)
    if survey is None:
        raise Failure(f"no survey {ref!r}")
    return survey


@command("create-site")
@click.option("--owner", "owner_email", required=True, help="The owner's e-mail.")
@click.option("--name", required=True)
@click.option("--origin", "origins", multiple=True, required=True,
              help="An origin allowed to show the widget, e.g. https://www.shop.nl (repeat).")
@click.option("--contact-email", help="Address for privacy requests, named in the notice.")
def create_site_cmd(app: Flask, owner_email: str, name: str, origins: tuple, contact_email):
    """Create a site (a web shop) with the origins allowed to frame its widget."""
    from .models import Site

    owner = find_owner(owner_email)
    data = load(SiteSchema(), {"name": name, "origins": list(origins),
                               "contact_email": contact_email or owner.email})
    site = Site.create(owner=owner, **data)
    return ({"id": site.id, "name": site.name, "origins": site.origins},
            f"site {site.id} created: {site.name} ({', '.join(site.origins)})")


@command("create-survey")
@click.option("--site", "site_ref", required=True, help="Site id or name.")
@click.option("--metric", required=True, type=click.Choice(["nps", "csat", "ces"]))
@click.option("--name")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--touchpoint", "touchpoints", multiple=True, help="e.g. checkout (repeat).")
@click.option("--retention-days", type=int, default=365, show_default=True)
@click.option("--consent", type=click.Choice(["anonymous", "optional"]), default="anonymous",
              show_default=True)
@click.option("--recontact-days", type=int, default=90, show_default=True)
@click.option("--sample-percent", type=int, default=100, show_default=True)
def create_survey_cmd(app: Flask, site_ref: str, metric: str, name, lang: str, touchpoints,
                      retention_days: int, consent: str, recontact_days: int,
                      sample_percent: int):
    """Create a survey and print the snippet to paste."""
    from .models import Survey

    site = find_site(site_ref)
    raw = {"metric": metric, "lang": lang, "touchpoints": list(touchpoints),
           "retention_days": retention_days, "consent_mode": consent,
           "recontact_days": recontact_days, "sample_percent": sample_percent}
    if name:
        raw["name"] = name
    survey = Survey.create_for(site, **load(SurveySchema(), raw))
    snippet = survey.snippet(app.config["BASE_URL"])
    return ({"id": survey.id, "site": site.id, "metric": survey.metric, "snippet": snippet},
            f"survey {survey.id} created. Paste this into your site:\n{snippet}")


@command("create-token")
@click.option("--site", "site_ref", required=True, help="Site id or name.")
@click.option("--scope", type=click.Choice(["read", "export"]), default="read", show_default=True)
@click.option("--name", default="")
def create_token_cmd(app: Flask, site_ref: str, scope: str, name: str):
    """Create an API token; it is shown once, only its hash is kept."""
    from .models import ApiToken

    token, plain = ApiToken.issue(find_site(site_ref), scope=scope, name=name)
    return ({"id": token.id, "token": plain, "scope": scope, "site": token.site_id},
            f"token {token.id} ({scope}); store it now, it is not shown again:\n{plain}")


@command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token_cmd(app: Flask, token_id: int):
    """Revoke an API token by its id."""
    from .models import ApiToken, utcnow

    token = ApiToken.get_or_none(ApiToken.id == token_id)
    if token is None:
        raise Failure(f"no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token.save()
    return {"id": token.id, "revoked": True}, f"token {token.id} revoked"


@command("set-target")
@click.option("--survey", "survey_id", required=True)
@click.option("--target", required=True, type=float)
@click.option("--due", required=True, help="YYYY-MM-DD")
@click.option("--baseline-from", help="YYYY-MM-DD, start of the baseline (nulmeting)")
@click.option("--baseline-to", help="YYYY-MM-DD, end of the baseline")
def set_target_cmd(app: Flask, survey_id: str, target: float, due: str, baseline_from,
                   baseline_to):
    """Set a survey's target against a baseline period."""
    from .models import utcnow

    survey = find_survey(survey_id)
    data = load(TargetSchema(), {"target": target, "due": due, "baseline_from": baseline_from,
                                 "baseline_to": baseline_to, "metric": survey.metric})
    survey.target_value, survey.target_due = data["target"], data["due"]
    survey.baseline_from, survey.baseline_to = data["baseline_from"], data["baseline_to"]
    survey.target_set_at = utcnow().date()
    survey.save()
    return ({"id": survey.id, "target": survey.target_value, "due": str(survey.target_due),
             "baseline_from": data["baseline_from"], "baseline_to": data["baseline_to"]},
            f"target {survey.target_value:g} by {survey.target_due} set for {survey.id}")


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


@command("demo")
def demo_cmd(app: Flask):
    """Create a demo owner, site and survey when the database is empty."""
    from .demo import create_demo

    data = create_demo(app.config["BASE_URL"])
    if data is None:
        return {"created": False}, "database not empty: no demo data created"
    text = (f"Demo ready. Dashboard: {app.config['BASE_URL']}/dashboard\n"
            f"  login:    {data['email']}\n  password: {data['password']}\n"
            f"  API token: {data['token']}\n  demo shop: {app.config['BASE_URL']}/demo")
    return {"created": True, **data}, text


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=int, show_default=True)
@click.option("--workers", default=2, type=click.IntRange(1, 64), show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the address as JSON on start.")
def serve_cmd(host: str, port: int, workers: int, as_json: bool) -> None:
    """Serve Tevreden with gunicorn (production)."""
    from .app import create_app
    from .serve import serve

    create_app()  # fail fast, in this process, on bad configuration
    if as_json:
        click.echo(json.dumps({"url": f"http://{host}:{port}", "workers": workers}))
    serve(host, port, workers)


def main(argv: list[str] | None = None) -> None:
    """Entry point: turn every failure into one line (or one JSON object) and exit 1."""
    argv = sys.argv[1:] if argv is None else argv
    as_json = "--json" in argv
    try:
        code = cli.main(args=argv, prog_name="tevreden", standalone_mode=False)
    except click.exceptions.Abort:
        fail("aborted", as_json)
    except click.ClickException as exc:
        fail(exc.format_message(), as_json, exc.exit_code)
    except (Failure, ConfigError) as exc:
        fail(str(exc), as_json)
    except Exception as exc:  # a clear line beats a traceback for an owner at a terminal
        fail(f"{type(exc).__name__}: {exc}", as_json)
    sys.exit(code if isinstance(code, int) else 0)


def fail(message: str, as_json: bool, code: int = 1) -> None:
    if as_json:
        click.echo(json.dumps({"error": message}))
    else:
        click.echo(f"error: {message}", err=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
