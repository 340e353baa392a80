"""Schema migrations as functions the CLI and the tests call (``reunify db upgrade|check``)."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine

import reunify.store.all_tables  # noqa: F401  (registers every table)
from reunify.store.tables import Base


def alembic_config(engine: Engine, connection: Any = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "reunify.store:migrations")
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(engine, connection), revision)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a revision against a database at head. Review it before committing."""
    with engine.begin() as connection:
        command.revision(alembic_config(engine, connection), message=message, autogenerate=True)


def drift(engine: Engine) -> list[Any]:
    """Differences between the tables in code and the migrated database; empty when in step."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
