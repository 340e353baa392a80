"""``reunify notify``: send the notification outbox (email over SMTP, SMS by the gateway)."""

from __future__ import annotations

import threading

import click

from reunify.cli.options import db_option, open_database
from reunify.config import get_settings


@click.command()
@db_option
@click.option("--once", is_flag=True, help="Send what is due now and exit.")
@click.option("--smtp-host", default=None, envvar="REUNIFY_SMTP_HOST", help="SMTP server.")
@click.option("--smtp-port", type=int, default=None, envvar="REUNIFY_SMTP_PORT", help="Its port.")
@click.option(
    "--webhook-url", default=None, envvar="REUNIFY_NOTIFY_WEBHOOK_URL", help="SMS gateway URL."
)
def notify(
    db_url: str | None,
    once: bool,
    smtp_host: str | None,
    smtp_port: int | None,
    webhook_url: str | None,
) -> None:
    """Send pending notifications; several can run at once without sending twice."""
    from reunify.notify.notifier import Notifier, senders_from_settings

    settings = get_settings(
        database_url=db_url,
        smtp_host=smtp_host,
        smtp_port=smtp_port,
        notify_webhook_url=webhook_url,
    )
    database = open_database(settings.database_url)
    notifier = Notifier(
        database.sessions,
        senders_from_settings(settings),
        retention_days=settings.seeker_retention_days,
        public_url=settings.base_url,
    )
    if once:
        purged = notifier.housekeeping()
        click.echo(f"sent {notifier.run_once()} message(s); purged {purged} inquiry(ies)")
        return
    click.echo(f"notifier {notifier.worker} sending via {settings.smtp_host}:{settings.smtp_port}")
    stop = threading.Event()
    try:
        notifier.run_forever(stop, settings.notify_poll_seconds)
    except KeyboardInterrupt:
        stop.set()
