"""``reunify import``: bring records in from files. One subcommand per format."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reunify.cli.options import db_option, open_database


@click.group("import")
def import_group() -> None:
    """Import messages and records from files."""


def parse_aliases(aliases: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = []
    for alias in aliases:
        name, sep, code = alias.rpartition("=")
        if not sep or not name.strip() or not code.strip():
            raise click.BadParameter(f"{alias!r} is not NAME=CODE", param_hint="--alias")
        pairs.append((name.strip(), code.strip()))
    return pairs


alias_option = click.option(
    "--alias",
    "aliases",
    multiple=True,
    metavar="NAME=CODE",
    help="Map a sending facility name (MSH-4, PV1-3.4) to a facility code; saved. Repeatable.",
)
incident_option = click.option(
    "--incident", default=None, help="Incident slug for new patients (default: the open one)."
)


@import_group.command("hl7")
@db_option
@incident_option
@alias_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def hl7(
    db_url: str | None, incident: str | None, aliases: tuple[str, ...], files: tuple[Path, ...]
) -> None:
    """Replay HL7 v2 files (one or many messages each, any line ending, batch envelopes)
    through the same path as the MLLP listener, and summarise the ACKs.

    Exits 0 even if some messages were answered AE or AR (they are listed); non-zero only
    when a file cannot be read.
    """
    from reunify.feeds import Receiver, set_alias
    from reunify.feeds.replay import Summary, read, replay

    database = open_database(db_url, upgrade=True)
    try:
        pairs = parse_aliases(aliases)
        if pairs:
            with database.session() as session:
                for name, code in pairs:
                    set_alias(session, name, code)
        summary = Summary()
        messages = read(files, summary)
        console = Console(stderr=True)
        columns = (TextColumn("HL7"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("replay", total=len(messages))
            replay(
                Receiver(database, channel="file", incident=incident), messages, summary,
                advance=lambda n: progress.advance(task, n),
            )  # fmt: skip
    finally:
        database.dispose()
    _report(summary)
    if summary.unreadable:
        raise SystemExit(1)


def _report(summary: object) -> None:
    from reunify.feeds.replay import Summary

    assert isinstance(summary, Summary)
    out = Console()
    table = Table("ACK", "messages", title="HL7 replay")
    for code, count in summary.counts.items():
        table.add_row(code.value, str(count))
    out.print(table)
    states = ", ".join(f"{state} {n}" for state, n in sorted(summary.states.items()))
    out.print(f"states: {states or 'none'}; duplicates (already stored): {summary.duplicates}")
    for p in summary.problems:
        out.print(f"{p.code.value} {p.path}#{p.number}: {p.text}", markup=False, highlight=False)
    for path, reason in summary.unreadable:
        click.echo(f"error: cannot read {path}: {reason}", err=True)
