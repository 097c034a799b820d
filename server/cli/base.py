"""What every command shares: the group, the --json decorator, one-line failures."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable

import click
from flask import Flask
from marshmallow import ValidationError

from .. import __version__
from ..config import ConfigError
from ..schemas import messages


class Failure(Exception):
    """A user-facing error: one line, non-zero exit."""


def app_from(ctx: click.Context) -> Flask:
    """The Flask app, built once per invocation (tests pass their own in ctx.obj)."""
    root = ctx.find_root()
    if root.obj is None:
        from ..app import create_app

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
            from ..db import connection

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


def find_owner(email: str):
    from ..models import Owner

    owner = Owner.by_email(email)
    if owner is None:
        raise Failure(f"no owner with e-mail {email}")
    return owner


def find_site(ref: str):
    """A site by its number or its exact name."""
    from ..models import Site

    site = Site.get_or_none(Site.id == int(ref)) if ref.isdigit() else None
    site = site or Site.get_or_none(Site.name == ref)
    if site is None:
        raise Failure(f"no site {ref!r} (give its id or exact name)")
    return site


def find_survey(ref: str):
    from ..models import Survey

    survey = Survey.get_or_none(Survey.id == ref)
    if survey is None:
        raise Failure(f"no survey {ref!r}")
    return survey


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


