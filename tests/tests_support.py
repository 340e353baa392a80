"""Small helpers shared by tests (importable because tests/ is on the path)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from reunify.store import Database
from reunify.store.tables import Base
from reunify.tracking.service import locate


def karev_id(session: Session) -> int:
    return locate(session, "Alexander Karev", actor="test")[0].person_id


def emptied(database: Database) -> Database:
    """Delete every row (children first), keeping the schema: a clean committed database."""
    with database.session() as session:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != "alembic_version":
                session.execute(table.delete())
    return database
