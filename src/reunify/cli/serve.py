"""``reunify serve``: the HTTP service (API and pages)."""

from __future__ import annotations

import click
import uvicorn

from reunify.cli.options import db_option, open_database
from reunify.config import get_settings


@click.command()
@db_option
@click.option("--host", default=None, envvar="REUNIFY_HOST", help="Address to listen on.")
@click.option("--port", type=int, default=None, envvar="REUNIFY_PORT", help="HTTP port.")
@click.option("--demo", "with_demo", is_flag=True, help="Load the demo scenario before serving.")
@click.option(
    "--mllp-port", type=int, default=None, help="Also receive HL7 v2 over MLLP on this port."
)
def serve(
    db_url: str | None, host: str | None, port: int | None, with_demo: bool, mllp_port: int | None
) -> None:
    """Serve the JSON API and the pages. Creates and migrates the database on first run."""
    from reunify.web.app import create_app

    settings = get_settings(database_url=db_url, host=host, port=port)
    database = open_database(settings.database_url, upgrade=True)
    if with_demo:  # the same data as `reunify demo`: the scenario and the centre's cases
        from reunify.demo.load import load
        from reunify.demo.review_cases import load_review_cases

        with database.session() as session:
            load(session)
        with database.session() as session:
            load_review_cases(session)
    if settings.secret_key_is_ephemeral and settings.environment == "production":
        click.echo(
            "warning: REUNIFY_SECRET_KEY is not set; staff sessions end at restart", err=True
        )
    app = create_app(settings, database=database)
    if settings.notify_in_serve:  # the outbox is sent from this process too
        from reunify.notify.notifier import start_in_background

        start_in_background(database.sessions, settings)
    click.echo(f"Reunify on http://{settings.host}:{settings.port}  (database {database.url})")
    if mllp_port is None:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level)
        return
    import asyncio

    from reunify.feeds import Receiver
    from reunify.feeds.listener import serve_http_and_mllp

    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, log_level=settings.log_level
    )
    click.echo(f"MLLP on {settings.host}:{mllp_port}")
    receiver = Receiver(database)
    asyncio.run(serve_http_and_mllp(uvicorn.Server(config), receiver, settings.host, mllp_port))
