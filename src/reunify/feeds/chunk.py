"""What the messages applied in one transaction share: work deferred to the chunk's end.

Applying one ADT message used to re-index a new or changed person for the matcher
(``match_keys``) at once, and to run the families hook after every movement. In a chunk:

- re-indexing waits until something reads the index (the families hook, before it matches
  a person to open inquiries) or until the chunk ends, and is then done once for everyone
  it owes; both happen in the same transaction, so what commits is what immediate
  re-indexing would have left;
- the families hook runs only when ``families.changes.may_concern`` says it could matter
  (someone follows the person, or an open inquiry has one of their family names): that is
  two small queries where the hook costs six, and the hook does nothing otherwise.

A message is applied in a savepoint; ``mark`` and ``restore`` keep the owed re-indexing
right when one is rolled back (re-indexing done inside it is rolled back too).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from reunify.families.changes import may_concern, on_whereabouts_changed
from reunify.linkage.index import reindex_people


@dataclass
class Chunk:
    session: Session
    owed: set[int] = field(default_factory=set)  # people to re-index before the commit
    _marked: frozenset[int] = frozenset()

    def reindex(self, person_id: int) -> None:
        self.owed.add(person_id)

    def settle(self) -> None:
        """Re-index everyone owed (before anything reads ``match_keys``, and at the end)."""
        if self.owed:
            reindex_people(self.session, sorted(self.owed))
            self.owed.clear()

    def on_change(self, session: Session, person_id: int) -> None:
        """The families hook, when it could do anything (see the module docstring)."""
        if may_concern(session, person_id):
            self.settle()
            on_whereabouts_changed(session, person_id)

    def mark(self) -> None:
        """Before a message's savepoint."""
        self._marked = frozenset(self.owed)

    def restore(self) -> None:
        """After its savepoint was rolled back: what was owed before it is owed again."""
        self.owed |= self._marked
