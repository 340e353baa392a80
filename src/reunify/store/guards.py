"""Refuse values that do not fit their column, on every backend, with an error naming the field.

PostgreSQL rejects an over-long string with a DataError (a 500 if nobody catches it); SQLite
silently stores it. Checking before every flush gives both the same clear, 4xx-able error,
whichever path (API, HL7, PFIF, CSV) the value came in by.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from reunify.domain.errors import DomainError


def _check(obj: Any) -> None:
    mapper = inspect(obj).mapper
    for column in mapper.columns:
        if not isinstance(column.type, String) or not column.type.length:
            continue
        value = getattr(obj, mapper.get_property_by_column(column).key, None)
        if isinstance(value, str) and len(value) > column.type.length:
            raise DomainError(
                f"{column.table.name}.{column.name}",
                f"is {len(value)} characters long; at most {column.type.length} fit",
            )


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    for obj in (*session.new, *session.dirty):
        _check(obj)
