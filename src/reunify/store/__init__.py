"""Storage: SQLAlchemy tables, repositories and Alembic migrations for SQLite and PostgreSQL."""

from reunify.store import guards  # noqa: F401  (checks every flush)
from reunify.store.db import Database, make_engine

__all__ = ["Database", "make_engine"]
