"""Workers are forked from a server that has imported what they need and holds nothing of
the caller's (its database connections), where the platform has one."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from reunify.linkage import pool
from reunify.store import Database


def _server(session: Session) -> tuple[int, list[str], str]:
    """The process this worker was forked from: its id, open files and mapped libraries."""
    parent = os.getppid()
    files = [str(fd.readlink()) for fd in Path(f"/proc/{parent}/fd").iterdir()]
    return parent, files, Path(f"/proc/{parent}/maps").read_text()


def test_one_context_for_every_use() -> None:
    assert pool.context() is pool.context()
    if "forkserver" in multiprocessing.get_all_start_methods():
        assert pool.context().get_start_method() == "forkserver"
    else:
        assert pool.context().get_start_method() == "spawn"


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc (Linux)")
def test_workers_come_from_a_server_without_the_callers_connections(
    linkage_db: Database,
) -> None:
    with linkage_db.session() as session:
        session.connection()  # the caller holds a connection while the worker starts
        url = session.get_bind().engine.url
        started = pool.elsewhere(session, _server)
        assert started is not None
        server, files, maps = started.result()
    assert server != os.getpid()
    assert "_multiarray_umath" in maps  # imported (numpy, with the scorers) before the fork
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        assert str(Path(url.database).resolve()) not in files
    # Its listening socket only: none of the caller's database connections.
    assert sum(name.startswith("socket:") for name in files) <= 1
