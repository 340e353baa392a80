"""Alembic environment: always run through ``reunify.store.migrate`` with a live connection."""

from __future__ import annotations

from alembic import context

import reunify.store.all_tables  # noqa: F401  (registers every table)
from reunify.store.tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached if someone runs plain `alembic`
    raise RuntimeError("run migrations with `reunify db upgrade`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
