from __future__ import annotations

from sqlalchemy import Engine

from reunify.store import migrate


def test_models_and_migrations_do_not_drift(engine: Engine) -> None:
    assert migrate.drift(engine) == []


def test_upgrade_twice_is_harmless(engine: Engine) -> None:
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) is not None
