"""PFIF ownership and expiry rules the storage side applies to imported and exported records.

- A record id is ``domain/local-id``; the domain names the *original repository*, the only one
  that may change the record (PFIF 1.4 "data update"). Any other domain holds a clone.
- Of two copies of one record, the one with the newer ``source_date`` wins.
- From its ``expiry_date`` on, a person and its notes must be inaccessible; exports then carry a
  placeholder with only the id, ``expiry_date`` and fresh ``source_date``/``entry_date``.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from typing import Any

from reunify.interop.pfif.records import PfifNote, PfifPerson

#: ``domain/local-id``: a host-like ASCII domain, a slash, then printable ASCII without spaces.
RECORD_ID = re.compile(r"^([A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?)/([!-~]+)$")


def is_record_id(value: str) -> bool:
    return RECORD_ID.match(value) is not None


def domain_of(record_id: str) -> str:
    """The originating domain of a record id, lower-cased. ValueError if not ``domain/local-id``."""
    m = RECORD_ID.match(record_id)
    if not m:
        raise ValueError(f"{record_id!r} is not a record id of the form domain/local-id")
    return m.group(1).lower()


def may_modify(existing_record_id: str, source_domain: str) -> bool:
    """Only the originating domain may change a record (any field but its id)."""
    try:
        return domain_of(existing_record_id) == source_domain.strip().lower()
    except ValueError:
        return False


def is_clone(record_id: str, home_domain: str) -> bool:
    """True when ``record_id`` originates elsewhere than ``home_domain`` (we hold a copy)."""
    return not may_modify(record_id, home_domain)


def supersedes(incoming: PfifPerson | PfifNote, existing: PfifPerson | PfifNote) -> bool:
    """Whether an incoming copy replaces the stored one: same id, strictly newer source_date.

    A copy without ``source_date`` never replaces one that has it.
    """
    if _record_id(incoming) != _record_id(existing):
        return False
    if incoming.source_date is None:
        return False
    return existing.source_date is None or incoming.source_date > existing.source_date


def is_expired(record: PfifPerson, now: datetime) -> bool:
    """True from the record's ``expiry_date`` on (``now`` must be timezone-aware)."""
    return record.expiry_date is not None and record.expiry_date <= now


def placeholder_of(record: PfifPerson, now: datetime) -> PfifPerson:
    """What to export for an expired person: id, expiry and fresh source/entry dates only."""
    return PfifPerson(
        person_record_id=record.person_record_id,
        expiry_date=record.expiry_date,
        source_date=now,
        entry_date=now,
    )


def strip_to_placeholder(record: PfifPerson) -> PfifPerson:
    """An expired record with every non-placeholder field removed (dates kept as they were)."""
    return PfifPerson(
        person_record_id=record.person_record_id,
        entry_date=record.entry_date,
        expiry_date=record.expiry_date,
        source_date=record.source_date,
    )


def without_fields(record: PfifPerson, *names: str) -> PfifPerson:
    """A copy with the named fields emptied (for disclosure filters on export)."""
    empty: dict[str, Any] = {
        f.name: (None if f.default is None else "") for f in dataclasses.fields(record)
    }
    return dataclasses.replace(record, **{n: empty[n] for n in names})


def _record_id(record: PfifPerson | PfifNote) -> str:
    return record.note_record_id if isinstance(record, PfifNote) else record.person_record_id
