"""``reunify import triage FILE``: field-triage tags (CSV or JSON)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import click

from reunify.cli.options import db_option, open_database
from reunify.domain.errors import NotFound
from reunify.interop import triage
from reunify.store import incidents
from reunify.tracking.triage import apply


@click.command("triage")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--incident", "incident_slug", default=None, help="Incident slug (default: the open one)."
)
@db_option
def import_triage(path: Path, incident_slug: str | None, db_url: str | None) -> None:
    """Import field-triage tags: tag, category, sex, age, description, scene, destination, time."""
    database = open_database(db_url)
    with database.session() as session:
        incident = (
            incidents.get_by_slug(session, incident_slug)
            if incident_slug
            else incidents.current(session)
        )
        if incident is None:
            raise NotFound("--incident", "no such incident (and no open one)")
        records, errors = triage.parse(
            path.read_bytes(), filename=path.name, tz=ZoneInfo(incident.timezone)
        )
        result = apply(session, incident, records)
    for error in [*errors, *result.errors]:
        click.echo(f"{path.name}: {error}", err=True)
    click.echo(
        f"{len(records) - len(result.errors)} triage reports applied "
        f"({result.people_created} new people, {result.movements_created} movements); "
        f"{len(errors) + len(result.errors)} rejected"
    )
