"""Options shared by several commands, and opening the database they name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from reunify.config import get_settings
from reunify.domain.errors import DomainError
from reunify.store import Database, migrate

F = TypeVar("F", bound=Callable[..., Any])

db_option = click.option(
    "--db",
    "db_url",
    envvar="REUNIFY_DATABASE_URL",
    show_envvar=True,
    default=None,
    help="Database URL (default: sqlite:///reunify.db).",
)


def open_database(db_url: str | None, *, upgrade: bool = False) -> Database:
    """Open the database; with ``upgrade`` create or migrate it, else insist it is migrated."""
    settings = get_settings(database_url=db_url)
    database = Database(settings.database_url)
    if upgrade:
        migrate.upgrade(database.engine)
    elif migrate.current_revision(database.engine) is None:
        raise DomainError(
            "db", f"{database.url} has no Reunify tables; run `reunify db upgrade` first"
        )
    return database
