"""Running the server: migrate, demo, serve."""

from __future__ import annotations

import json

import click
from flask import Flask

from .base import cli, command


@command("migrate")
def migrate_cmd(app: Flask):
    """Apply pending migrations (safe to run again)."""
    from ..db import migrate, schema_version

    applied = migrate()
    version = schema_version()
    return {"version": version, "applied": applied}, f"schema version {version}"


@command("demo")
def demo_cmd(app: Flask):
    """Create a demo owner, site and survey when the database is empty."""
    from ..demo import create_demo, follow_base_url

    data = create_demo(app.config["BASE_URL"])
    if data is None:
        demo = follow_base_url(app.config["BASE_URL"])
        if demo is None:
            return {"created": False}, "database not empty: no demo data created"
        return ({"created": False, **demo},
                f"Demo already there. Dashboard: {app.config['BASE_URL']}/dashboard\n"
                f"  demo shop: {app.config['BASE_URL']}/demo")
    text = (f"Demo ready. Dashboard: {app.config['BASE_URL']}/dashboard\n"
            f"  login:    {data['email']}\n  password: {data['password']}\n"
            f"  API token: {data['token']}\n  demo shop: {app.config['BASE_URL']}/demo")
    return {"created": True, **data}, text


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=int, show_default=True)
@click.option("--workers", default=2, type=click.IntRange(1, 64), show_default=True)
@click.option("--no-worker", is_flag=True,
              help="Do not run the background jobs here (run `tevreden worker` instead).")
@click.option("--json", "as_json", is_flag=True, help="Print the address as JSON on start.")
def serve_cmd(host: str, port: int, workers: int, no_worker: bool, as_json: bool) -> None:
    """Serve Tevreden with gunicorn (production), and its background jobs."""
    from ..app import create_app
    from ..jobs.queue import start_worker_process
    from ..serve import serve

    app = create_app()  # fail fast, in this process, on bad configuration
    if as_json:
        click.echo(json.dumps({"url": f"http://{host}:{port}", "workers": workers,
                               "worker": not no_worker}))
    # The jobs run in a process of their own, so `make run` stays one command.
    worker = None if no_worker else start_worker_process(app)
    try:
        serve(host, port, workers)
    finally:
        if worker is not None:
            worker.terminate()
            worker.join(timeout=15)


@cli.command("worker")
@click.option("--threads", default=2, type=click.IntRange(1, 16), show_default=True)
def worker_cmd(threads: int) -> None:
    """Run the background jobs: invitations, reminders, alerts, digests, purge."""
    from ..app import create_app
    from ..jobs.queue import run_worker

    run_worker(create_app(), workers=threads)


