"""``reunify import pfif FILE`` and ``reunify export pfif``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy.orm import Session

from reunify.cli.options import db_option, open_database
from reunify.config import get_settings
from reunify.domain.errors import DomainError, NotFound
from reunify.interop import pfif
from reunify.registries.pfif_export import export
from reunify.registries.pfif_import import import_records
from reunify.store import incidents
from reunify.store import tables as t

incident_option = click.option(
    "--incident", "incident_slug", default=None, help="Incident slug (default: the open one)."
)


def _incident(session: Session, slug: str | None) -> t.Incident:
    incident = incidents.get_by_slug(session, slug) if slug else incidents.current(session)
    if incident is None:
        raise NotFound("--incident", "no such incident (and no open one)")
    return incident


@click.command("pfif")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@incident_option
@click.option("--allow-believed-dead", is_flag=True, help="Accept believed_dead notes.")
@click.option(
    "--domain", default=None, help="CSV: the registry domain of record ids written without one."
)
@db_option
def import_pfif(
    path: Path,
    incident_slug: str | None,
    allow_believed_dead: bool,
    domain: str | None,
    db_url: str | None,
) -> None:
    """Import a PFIF 1.1-1.4 XML file or a Person Finder CSV file (by its .csv name)."""
    data = path.read_bytes()
    try:
        if path.suffix.lower() == ".csv":
            parsed = pfif.read_csv(data, domain=domain, allow_believed_dead=allow_believed_dead)
        else:
            parsed = pfif.parse(data, allow_believed_dead=allow_believed_dead)
    except pfif.PfifError as exc:
        raise DomainError(path.name, str(exc)) from None
    database = open_database(db_url)
    settings = get_settings(database_url=db_url)
    with database.session() as session:
        summary = import_records(
            session,
            _incident(session, incident_slug),
            parsed,
            actor="cli/pfif",
            home_domain=settings.pfif_domain,
        )
    for problem in summary.problems:
        click.echo(f"{path.name}: {problem}", err=True)
    click.echo(
        f"{summary.persons_added} persons added, {summary.persons_updated} updated, "
        f"{summary.notes_added} notes ({summary.safe_reports} safe reports, "
        f"{summary.proposed_links} proposed links); {len(summary.problems)} problems"
    )


@click.group("export")
def export_group() -> None:
    """Export records for other registries."""


@export_group.command("pfif")
@incident_option
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%SZ"]),
    default=None,
    help="Only changes after this time (with an offset, or Z).",
)
@click.option("--format", "fmt", type=click.Choice(["xml", "csv"]), default="xml")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--limit", type=int, default=100000, show_default=True)
@db_option
def export_pfif(
    incident_slug: str | None,
    since: datetime | None,
    fmt: str,
    output: Path | None,
    limit: int,
    db_url: str | None,
) -> None:
    """Write what the disclosure policy lets another registry know, as PFIF 1.4."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    database = open_database(db_url)
    settings = get_settings(database_url=db_url)
    with database.session() as session:
        persons, notes = export(
            session,
            _incident(session, incident_slug),
            home_domain=settings.pfif_domain,
            since=since,
            limit=limit,
            actor="cli/pfif",
        )
    data = pfif.write_csv(persons, notes) if fmt == "csv" else pfif.serialize(persons, notes)
    if output is None:
        click.echo(data.decode(), nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"{len(persons)} persons and {len(notes)} notes written to {output}", err=True)
