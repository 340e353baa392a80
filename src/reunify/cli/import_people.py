"""``reunify import people FILE.csv``: a registry of people from a CSV file."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.cli.options import db_option, open_database
from reunify.domain.errors import NotFound
from reunify.linkage.importer import import_people
from reunify.store import audit, incidents
from reunify.store import tables as t


def _incident_id(session: Session, slug: str | None) -> int:
    if slug:
        row = incidents.get_by_slug(session, slug)
        if row is None:
            raise NotFound("incident", f"no incident {slug!r}")
        return row.id
    open_ids = list(
        session.scalars(
            select(t.Incident.id).where(t.Incident.closed_at.is_(None)).order_by(t.Incident.id)
        )
    )
    if len(open_ids) != 1:
        raise NotFound("incident", "name the incident with --incident (none or several are open)")
    return open_ids[0]


@click.command("people")
@db_option
@click.option("--incident", default=None, help="Incident slug (default: the one open incident).")
@click.option(
    "--issuer", default=None, help="Issuer of the record ids (default: import:<file stem>)."
)
@click.option(
    "--workers",
    default=min(4, os.cpu_count() or 1),
    show_default="the CPU count, at most 4",
    type=click.IntRange(1, 32),
    help="Processes validating rows and computing matching keys beside the writer.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def people(
    db_url: str | None, incident: str | None, issuer: str | None, workers: int, file: Path
) -> None:
    """Import people from FILE.csv; re-importing the same file changes nothing.

    Columns: record_id (required), given_name, family_name, full_name, sex, date_of_birth,
    age, phone, email, street, city, postcode, state, description, and optionally
    address_2 (a second address line).
    """
    database = open_database(db_url, upgrade=True)
    try:
        issuer = issuer or f"import:{file.stem}"
        with file.open("rb") as counting:
            total = max(0, sum(1 for _ in counting) - 1)
        started = time.perf_counter()
        columns = (TextColumn("people"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with database.sessions() as session, file.open(newline="", encoding="utf-8-sig") as handle:
            incident_id = _incident_id(session, incident)
            with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
                task = progress.add_task("import", total=total)
                report = import_people(
                    session, handle, incident_id=incident_id, issuer=issuer, workers=workers,
                    advance=lambda n: progress.advance(task, n),
                )  # fmt: skip
            audit.record_event(
                session, "cli:person:import", actor="cli/import", subject_type="file",
                subject_id=file.name, incident_id=incident_id,
                data={"issuer": issuer, "created": report.created, "unchanged": report.unchanged,
                      "bad_rows": len(report.problems)},
            )  # fmt: skip
            session.commit()
        for line, reason in report.problems:
            click.echo(f"{file.name} line {line}: {reason}", err=True)
        click.echo(
            f"{report.read} rows read: {report.created} people added, {report.unchanged} already "
            f"imported, {len(report.problems)} bad rows ({time.perf_counter() - started:.1f} s)"
        )
    finally:
        database.dispose()
