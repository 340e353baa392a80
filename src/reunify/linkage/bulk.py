"""Bulk writes for imports: every SQLite-versus-PostgreSQL difference of the fast path.

A million people are a million rows in each of ``people``, ``person_names`` and
``identifiers`` and some twenty million in ``match_keys``, so this path skips the ORM and
SQLAlchemy's per-row work: rows are plain tuples, written with the driver's
``executemany`` on SQLite and ``COPY`` on PostgreSQL, on the session's own connection and so
inside its transaction. Person ids are allocated up front (the table's maximum under
SQLite's write lock, the sequence on PostgreSQL), so the child rows need no ``RETURNING``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Column, Connection, Engine, Table, text
from sqlalchemy.orm import Session

from reunify.store import tables as t
from reunify.store.match_tables import KEY_INDEX, MatchKey, PersonAddress

PEOPLE = cast(Table, t.Person.__table__)
NAMES = cast(Table, t.PersonName.__table__)
IDENTIFIERS = cast(Table, t.Identifier.__table__)
ADDRESSES = cast(Table, PersonAddress.__table__)
KEYS = cast(Table, MatchKey.__table__)

# SQLite, for the length of one import: commits are not synced (WAL with NORMAL stays
# consistent through a crash, it only may lose the last commits), 256 MB of page cache
# keeps the index B-trees in memory, the WAL is checkpointed less often, and foreign keys
# are not looked up for each of the fifteen million key rows (the import allocates the
# person ids its rows point to); a checkpoint with the usual settings back syncs it all at
# the end, so when the command reports success every row is on disk. PostgreSQL likewise
# commits each chunk without waiting for its WAL flush (the WAL writer flushes within a
# fraction of a second; a crash can lose only the last chunks, which a re-run imports).
_BULK_PRAGMAS = {
    "synchronous": 1,
    "cache_size": -262144,
    "wal_autocheckpoint": 20000,
    "foreign_keys": 0,
}
# Below this many people the key index is dropped for the load and built again at the
# end: sorting fifteen million keys once is three times faster than inserting them one by
# one into a B-tree, and rebuilding it over what was there before costs little. Above it,
# an import adds to a large registry and keeps the index (look-ups still use it meanwhile).
REBUILD_INDEX_BELOW = 200_000
# Tables a large load changed: PostgreSQL's planner needs their statistics, and its
# index-only scans of ``match_keys`` need the visibility map that only VACUUM sets (before
# it, every key looked up also reads the table, until autovacuum comes by).
_LOADED = "people, person_names, identifiers, person_addresses, match_keys"


class BulkLoad:
    """A session to write an import with. With ``commit``, chunks are committed on a
    connection of its own, kept for the whole load so the bulk settings apply to every
    chunk and are undone on the connection they were set on; the caller's session is
    committed first, because its transaction would hold SQLite's write lock. Without
    ``commit`` everything stays in the caller's transaction, with the usual settings.
    """

    def __init__(self, session: Session, *, commit: bool) -> None:
        self._caller = session
        self._commit = commit
        self._connection: Connection | None = None
        self._before: dict[str, int] = {}
        self._rebuild = False
        self.session = session

    @property
    def _dialect(self) -> str:
        return self._connection.dialect.name if self._connection is not None else ""

    def __enter__(self) -> BulkLoad:
        if not self._commit:
            return self
        self._caller.commit()
        engine = self._caller.get_bind()
        assert isinstance(engine, Engine)
        self._connection = engine.connect()
        if self._dialect == "sqlite":
            # Outside any transaction (SQLite refuses to change synchronous inside one).
            raw = _raw(self._connection)
            self._before = {name: int(raw.execute(f"PRAGMA {name}").fetchone()[0])
                            for name in _BULK_PRAGMAS}  # fmt: skip
            _pragmas(raw, _BULK_PRAGMAS)
        self.session = Session(bind=self._connection)
        if self._dialect == "postgresql":
            self.session.execute(text("SET synchronous_commit TO off"))
        if _people(self.session) < REBUILD_INDEX_BELOW:
            self.session.execute(text(f"DROP INDEX IF EXISTS {KEY_INDEX}"))
            self.session.commit()
            self._rebuild = True
        return self

    def commit(self) -> None:
        if self._commit:
            self.session.commit()

    def __exit__(self, *exc: object) -> None:
        if self._connection is None:
            return
        try:
            if exc[0] is not None:
                self.session.rollback()
            if self._rebuild:  # also after a failure: look-ups need it
                ensure_key_index(self.session)
            if self._dialect == "postgresql":
                self.session.execute(text("SET synchronous_commit TO DEFAULT"))
            self.session.commit()
            if self._dialect == "postgresql":  # outside any transaction, as VACUUM must be
                autocommit = self._connection.execution_options(isolation_level="AUTOCOMMIT")
                autocommit.execute(text(f"VACUUM (ANALYZE) {_LOADED}"))
            if self._before:
                raw = _raw(self._connection)
                _pragmas(raw, self._before)
                raw.execute("PRAGMA wal_checkpoint(FULL)")
        finally:
            self.session.close()
            self._connection.close()


def _raw(connection: Connection) -> Any:
    driver = connection.connection.driver_connection
    assert driver is not None
    return driver


def _people(session: Session) -> int:
    return int(session.execute(text("SELECT coalesce(max(id), 0) FROM people")).scalar() or 0)


def ensure_key_index(session: Session) -> None:
    """Build the key index if a bulk load was interrupted before it could."""
    session.execute(text(f"CREATE INDEX IF NOT EXISTS {KEY_INDEX} ON match_keys (key, person_id)"))


def _pragmas(raw: Any, values: dict[str, int]) -> None:
    for name, value in values.items():
        raw.execute(f"PRAGMA {name}={int(value)}")


def allocate_ids(session: Session, count: int) -> list[int]:
    """``count`` new person ids. On SQLite the transaction holds the write lock (BEGIN
    IMMEDIATE), so nobody else can take the ids between this and the insert."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('people', 'id')) FROM generate_series(1, :n)"
            ),
            {"n": count},
        )
        return [int(r[0]) for r in rows]
    last = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM people").scalar()
    start = int(last or 0) + 1
    return list(range(start, start + count))


class Columns:
    """How rows of one table are written: the columns each row gives, then the columns with
    one value for the whole load (``constants``, e.g. ``created_at``) and every other column
    with a constant default, so a column added later with a default needs no change here.
    Row values must be what the driver takes as is (str, int, float, None)."""

    def __init__(
        self,
        session: Session,
        table: Table,
        given: Sequence[str],
        constants: dict[str, object] | None = None,
    ) -> None:
        dialect = session.connection().dialect
        fixed = dict(constants or {})
        for column in table.columns:
            default = column.default
            if column.name in given or column.name in fixed or column.primary_key:
                continue
            if default is not None and getattr(default, "is_scalar", False):
                fixed[column.name] = getattr(default, "arg", None)
        self.table = table
        self.names = [*given, *fixed]
        # SQLite's driver needs SQLAlchemy's conversions (datetimes as text); COPY takes
        # Python values as they are.
        self._constants = tuple(
            _bind(table.c[name], dialect, value) if dialect.name == "sqlite" else value
            for name, value in fixed.items()
        )

    def complete(self, rows: Sequence[tuple[object, ...]]) -> Sequence[tuple[object, ...]]:
        if not self._constants:
            return rows
        constants = self._constants
        return [row + constants for row in rows]


def _bind(column: Column[Any], dialect: Any, value: object) -> object:
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor is not None else value


def write(session: Session, columns: Columns, rows: Sequence[tuple[object, ...]]) -> None:
    """Insert complete rows: ``COPY`` on PostgreSQL, ``executemany`` on SQLite."""
    if not rows:
        return
    connection = session.connection()
    quote = connection.dialect.identifier_preparer.quote  # "full" is a keyword in PostgreSQL
    names = ", ".join(quote(name) for name in columns.names)
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        assert driver is not None
        statement = f"COPY {columns.table.name} ({names}) FROM STDIN"
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in columns.complete(rows):
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns.names))
    sql = f"INSERT INTO {columns.table.name} ({names}) VALUES ({marks})"  # noqa: S608
    # The driver's own executemany, in the transaction SQLAlchemy began on this connection.
    _raw(connection).executemany(sql, columns.complete(rows))
