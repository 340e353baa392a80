"""``reunify db``: schema migrations."""

from __future__ import annotations

import click

from reunify.cli.options import db_option, open_database
from reunify.store import Database, migrate


@click.group()
def db() -> None:
    """Create, migrate and check the database schema."""


@db.command()
@db_option
def upgrade(db_url: str | None) -> None:
    """Create the database if needed and migrate it to the latest schema."""
    database = open_database(db_url, upgrade=True)
    click.echo(f"database at revision {migrate.current_revision(database.engine)}")


@db.command()
@db_option
def check(db_url: str | None) -> None:
    """Fail if the tables in code and the migrated database differ (a missing migration)."""
    database = open_database(db_url)
    differences = migrate.drift(database.engine)
    if differences:
        for difference in differences:
            click.echo(f"drift: {difference}", err=True)
        raise SystemExit(1)
    click.echo("no drift: the migrations match the models")


@db.command()
@db_option
@click.option("-m", "--message", required=True, help="What the revision changes.")
def revision(db_url: str | None, message: str) -> None:
    """Autogenerate a migration from the models (review it before committing)."""
    database: Database = open_database(db_url, upgrade=True)
    migrate.revision(database.engine, message)
