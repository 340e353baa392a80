"""The committed database per backend (see tests/conftest.py) for the CLI tests, which commit
for real, emptied before every test."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reunify.store import Database
from reunify.store import tables as t
from tests_support import emptied


@pytest.fixture
def linkage_database(committed_database: Database) -> Database:
    return committed_database


@pytest.fixture
def linkage_db(linkage_database: Database) -> Database:
    """Emptied, with one open incident."""
    with emptied(linkage_database).session() as session:
        now = datetime.now(UTC)
        session.add(
            t.Incident(slug="linkage", name="Linkage", started_at=now, settings={}, created_at=now)
        )
    return linkage_database
