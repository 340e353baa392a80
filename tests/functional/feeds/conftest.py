"""The committed database per backend (see tests/conftest.py), emptied before every test.

The feed commits for real (the inbox's promise is a commit), so these tests cannot use the
rolled-back ``session`` fixture; they never touch the shared test database either.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reunify.demo import scenario as s
from reunify.store import Database, facilities
from reunify.store import tables as t
from tests_support import emptied


@pytest.fixture
def feed_database(committed_database: Database) -> Database:
    return committed_database


@pytest.fixture
def feed_db(feed_database: Database) -> Database:
    """The feed database, emptied, with the scenario's facilities and an open incident."""
    with emptied(feed_database).session() as session:
        for facility in s.FACILITIES:
            facilities.upsert(session, facility)
        session.add(
            t.Incident(
                slug="feed-test", name="Feed test", started_at=s.STARTED_AT,
                timezone="America/Los_Angeles", settings={}, created_at=datetime.now(UTC),
            )
        )  # fmt: skip
    return feed_database
