"""What the messages applied in one transaction share: work deferred to the chunk's end.

Applying one ADT message used to re-index a new or changed person for the matcher
(``match_keys``) at once, and to run the families hook after every movement. In a chunk:

- re-indexing waits until something reads the index (the families hook, before it matches
  a person to open inquiries) or until the chunk ends, and is then done once for everyone
  it owes; both happen in the same transaction, so what commits is what immediate
  re-indexing would have left;
- the families hook runs only when ``families.changes.may_concern`` says it could matter
  (someone follows the person, or an open inquiry has one of their family names): that is
  two small queries where the hook costs six, and the hook does nothing otherwise. And
  when no one follows anybody and no inquiry is open (one query per chunk: applying a feed
  creates neither), it cannot matter for anyone, and even those two are skipped.

A message is applied in a savepoint; ``mark`` and ``restore`` keep the owed re-indexing
right when one is rolled back (re-indexing done inside it is rolled back too).

The chunk also remembers what ``run.Run.move`` read or wrote for the messages before (see
``fastmove``): facility codes, locations, each person's movements and whereabouts row. Those
caches are right only while every write to them in this transaction goes through that path,
so they are dropped (``forget``) after a message that took another path (cancels, merges,
identifier changes) and after a rolled-back savepoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from reunify.families.changes import may_concern, on_whereabouts_changed
from reunify.linkage.index import reindex_people
from reunify.store import families_tables as ft
from reunify.store import tables as t

PlaceKey = tuple[int, str, str, str, str, str, str]


@dataclass
class Chunk:
    session: Session
    owed: set[int] = field(default_factory=set)  # people to re-index before the commit
    fast: bool = True  # record movements through ``fastmove`` (False: the tracking service)
    _quiet: bool | None = None  # no subscription is active and no inquiry open
    _marked: frozenset[int] = frozenset()
    # The caches of ``fastmove`` (see the module docstring).
    codes: dict[int, str] | None = None  # facility id -> code
    places: dict[PlaceKey, t.Location] = field(default_factory=dict)
    histories: dict[int, list[t.Movement]] = field(default_factory=dict)  # person -> movements
    fresh: set[int] = field(default_factory=set)  # registered in this chunk: no movements yet
    # Rows read once and used again (the incident, whereabouts): the session's identity map
    # holds rows weakly, and ``session.get`` of a row no one holds queries again.
    held: dict[tuple[type, int], object] = field(default_factory=dict)
    # Movement references looked up at the start (``expect``) and those found stored.
    checked: set[str] = field(default_factory=set)
    taken: set[str] = field(default_factory=set)
    persons: dict[int, int | None] = field(default_factory=dict)  # message id -> person id

    def expect(self, keys: Iterable[str]) -> None:
        """Look up in one query the movement references of the messages about to be
        applied (``MSH-3|MSH-4|MSH-10|n``, n = 1, 2: the first two movements of each)."""
        refs = sorted(f"{key}|{n}" for key in keys for n in (1, 2))
        if not refs:
            return
        stmt = select(t.Movement.source_ref).where(
            t.Movement.source == "hl7", t.Movement.source_ref.in_(refs)
        )
        self.taken.update(r for r in self.session.scalars(stmt) if r is not None)
        self.checked.update(refs)

    def reindex(self, person_id: int) -> None:
        self.owed.add(person_id)

    def settle(self) -> None:
        """Re-index everyone owed (before anything reads ``match_keys``, and at the end)."""
        if self.owed:
            reindex_people(self.session, sorted(self.owed))
            self.owed.clear()

    def on_change(self, session: Session, person_id: int) -> None:
        """The families hook, when it could do anything (see the module docstring)."""
        if self._quiet is None:
            anyone = or_(
                exists().where(ft.Subscription.active.is_(True)),
                exists().where(ft.Inquiry.state == "open"),
            )
            self._quiet = not session.scalar(select(anyone))
        if not self._quiet and may_concern(session, person_id):
            self.settle()
            on_whereabouts_changed(session, person_id)

    def mark(self) -> None:
        """Before a message's savepoint."""
        self._marked = frozenset(self.owed)

    def restore(self) -> None:
        """After its savepoint was rolled back: what was owed before it is owed again."""
        self.owed |= self._marked
        self.forget()

    def forget(self) -> None:
        """Drop what ``fastmove`` remembered: the next reads go to the database."""
        self.places.clear()
        self.histories.clear()
        self.fresh.clear()
        self.held.clear()
        self.checked.clear()
        self.taken.clear()
