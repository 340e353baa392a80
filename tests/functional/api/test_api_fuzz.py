"""Property-based fuzzing of the whole JSON API from its OpenAPI schema (Schemathesis).

Whatever a client sends, within the schema or not, the answer is never a server error: bad
input gets a 4xx in the one error shape. Runs as an admin (the widest access) against the
demo scenario, inside the test's rolled-back transaction, on each database.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from reunify.config import Settings
from reunify.domain import Role
from reunify.store import Database
from reunify.web.app import create_app

# The schema only: the app each example runs against is the test's own (see ``fuzz_app``).
_SCHEMA_APP = create_app(
    Settings(database_url="sqlite://", environment="development", secret_key="x" * 40)
)
schema = schemathesis.openapi.from_asgi("/openapi.json", _SCHEMA_APP)


@pytest.fixture
def fuzz_app(
    settings: Settings,
    engine: Engine,
    session_factory: sessionmaker[Session],
    demo: int,
    make_staff: object,
) -> tuple[FastAPI, str]:
    app = create_app(
        settings,
        database=Database(settings.database_url, engine=engine),
        session_factory=session_factory,
    )
    return app, make_staff(Role.ADMIN)  # type: ignore[operator]


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_input_gives_a_server_error(
    case: schemathesis.Case, fuzz_app: tuple[FastAPI, str]
) -> None:
    app, token = fuzz_app
    response = case.call(app=app, headers={"Authorization": f"Bearer {token}"})
    where = f"{case.method} {case.formatted_path}"
    assert response.status_code < 500, f"{where}: {response.text[:300]}"
    if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
        body = response.json()
        if "resourceType" not in body:  # /fhir answers with an OperationOutcome instead
            assert {"status", "error", "detail", "fields"} <= set(body), f"{where}: {body}"
