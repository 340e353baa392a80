"""``reunify mllp``: the HL7 v2 MLLP listener on its own."""

from __future__ import annotations

import asyncio
import contextlib

import click

from reunify.cli.importing import alias_option, incident_option, parse_aliases
from reunify.cli.options import db_option, open_database


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=2575, show_default=True, type=int, help="MLLP port (0: any).")
@click.option(
    "--apply",
    "apply_mode",
    type=click.Choice(["inline", "deferred"]),
    default="inline",
    show_default=True,
    help="inline: apply before answering (AE if applying fails); deferred: answer once "
    "stored and checked (AE for missing PID, PV1, location or merge identifiers), apply "
    "pending messages in event-time order in the background: for surges.",
)
@incident_option
@alias_option
def mllp(
    db_url: str | None,
    host: str,
    port: int,
    apply_mode: str,
    incident: str | None,
    aliases: tuple[str, ...],
) -> None:
    """Receive HL7 v2 ADT over MLLP: each message is committed before its ACK is sent."""
    from reunify.feeds import Receiver, set_alias
    from reunify.feeds.listener import serve_mllp
    from reunify.interop.hl7v2 import MllpServer

    database = open_database(db_url, upgrade=True)
    with database.session() as session:
        for name, code in parse_aliases(aliases):
            set_alias(session, name, code)

    def ready(server: MllpServer) -> None:
        click.echo(f"MLLP listening on {server.host}:{server.port} (database {database.url})")

    with contextlib.suppress(KeyboardInterrupt):
        receiver = Receiver(
            database, incident=incident, apply="deferred" if apply_mode == "deferred" else "inline"
        )
        try:
            asyncio.run(serve_mllp(receiver, host, port, on_ready=ready))
        finally:
            database.dispose()
