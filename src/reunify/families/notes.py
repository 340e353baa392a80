"""Person Finder-style notes about a person (PFIF 1.4 ``note.status``).

``believed_dead`` is reserved to staff: a seeker's or a self-report's note can never say it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.domain.errors import DomainError
from reunify.store import families_tables as ft


class NoteStatus(StrEnum):
    INFORMATION_SOUGHT = "information_sought"
    IS_NOTE_AUTHOR = "is_note_author"
    BELIEVED_ALIVE = "believed_alive"
    BELIEVED_MISSING = "believed_missing"
    BELIEVED_DEAD = "believed_dead"


def add_note(
    session: Session,
    person_id: int,
    status: NoteStatus,
    *,
    text: str = "",
    source: str,
    author_name: str = "",
    author_email: str = "",
    author_phone: str = "",
    by_staff: bool = False,
) -> ft.Note:
    if status is NoteStatus.BELIEVED_DEAD and not by_staff:
        raise DomainError("status", "believed_dead may only be recorded by staff")
    note = ft.Note(
        person_id=person_id,
        status=status.value,
        text=text,
        source=source,
        author_name=author_name,
        author_email=author_email,
        author_phone=author_phone,
        created_at=datetime.now(UTC),
    )
    session.add(note)
    session.flush()
    return note


def notes_for(session: Session, person_id: int) -> list[ft.Note]:
    stmt = select(ft.Note).where(ft.Note.person_id == person_id).order_by(ft.Note.id)
    return list(session.scalars(stmt))
