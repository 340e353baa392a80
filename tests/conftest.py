"""Shared fixtures: a real database per backend, migrated once, rolled back after every test.

SQLite always runs. PostgreSQL runs when REUNIFY_TEST_POSTGRES_URL names a server we may
create databases on (``.ci/run`` sets it); otherwise its tests skip and say why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from reunify.config import Settings
from reunify.domain import Role
from reunify.store import Database, make_engine, migrate, users
from reunify.store import tables as t
from reunify.web.app import create_app

POSTGRES_ENV = "REUNIFY_TEST_POSTGRES_URL"
DATA = Path(__file__).parent / "data"


def pytest_report_header() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return f"PostgreSQL tests: on ({make_url(url).render_as_string(hide_password=True)})"
    return f"PostgreSQL tests: SKIPPED ({POSTGRES_ENV} is not set)"


def _postgres_database(prefix: str = "reunify_test") -> Iterator[str]:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests skipped: set {POSTGRES_ENV} to run them")
    admin_url = make_url(url).set(drivername="postgresql+psycopg")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'reunify.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def committed_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """A second database per backend, migrated once, for code that must really commit (feeds,
    CLI commands, other processes). Empty it per test with ``tests_support.emptied``."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('committed') / 'committed.db'}"
        database = Database(url)
        migrate.upgrade(database.engine)
        yield database
        database.dispose()
        return
    for url in _postgres_database("reunify_committed"):
        database = Database(url)
        migrate.upgrade(database.engine)
        yield database
        database.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            yield conn
        finally:
            outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    # Every commit inside the code under test only releases a savepoint of the outer
    # transaction, which the connection fixture rolls back.
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, environment="development", secret_key="x" * 40)


@pytest.fixture
def app_client(
    settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    app = create_app(
        settings,
        database=Database(settings.database_url, engine=engine),
        session_factory=session_factory,
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


StaffFactory = Callable[..., str]


@pytest.fixture
def make_staff(session: Session) -> StaffFactory:
    """Create a staff user with a role (and facilities) and return a bearer token for them."""

    def make(role: Role = Role.ADMIN, facilities: tuple[str, ...] = (), name: str = "") -> str:
        username = name or f"{role.value}-{uuid.uuid4().hex[:6]}"
        user = t.User(
            username=username,
            role=role.value,
            password_hash=None,
            created_at=datetime.now(UTC),
        )
        for code in facilities:
            facility = session.query(t.Facility).filter_by(code=code).one()
            user.facilities.append(t.UserFacility(facility_id=facility.id))
        session.add(user)
        session.flush()
        token = users.issue_token(session, user, "test", ttl=None)
        session.commit()
        return token

    return make


@pytest.fixture
def admin_headers(make_staff: StaffFactory) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_staff(Role.ADMIN)}"}


@pytest.fixture
def demo(session: Session) -> int:
    """The reference scenario loaded inside the test's transaction; returns the incident id."""
    from reunify.demo.load import load

    result = load(session)
    session.commit()
    return result.incident_id
