"""Killing `reunify notify` mid-send loses nothing; a repeat carries the same Message-ID."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update

from families_support import free_port
from reunify.notify import outbox
from reunify.notify.notifier import Notifier
from reunify.notify.senders import SmtpSender
from reunify.store import Database, migrate
from reunify.store import families_tables as ft


class SlowFirst:
    """Accepts every message, but holds the first one's reply for a while."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.ids.append(str(message_from_bytes(envelope.content)["Message-ID"]))
        if len(self.ids) == 1:
            await asyncio.sleep(3)
        return "250 OK"


@pytest.fixture
def slow_smtp() -> Iterator[tuple[SlowFirst, int]]:
    handler, port = SlowFirst(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_a_killed_notifier_loses_nothing(tmp_path: Path, slow_smtp: tuple[SlowFirst, int]) -> None:
    handler, port = slow_smtp
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    database = Database(url)
    migrate.upgrade(database.engine)
    keys = [f"sub{i}.m{i}" for i in range(3)]
    with database.session() as session:
        for key in keys:
            outbox.enqueue(session, dedup_key=key, channel="email", recipient="a@example.org")
    reunify = Path(sys.executable).with_name("reunify")
    proc = subprocess.Popen(
        [str(reunify), "notify", "--db", url, "--smtp-host", "127.0.0.1", "--smtp-port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "REUNIFY_SECRET_KEY": "k" * 40},
    )
    try:
        deadline = time.monotonic() + 20
        while not handler.ids and time.monotonic() < deadline:
            time.sleep(0.05)
        assert handler.ids, "the notifier never reached the SMTP server"
        proc.send_signal(signal.SIGKILL)  # while the server holds the first message
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    with database.session() as session:
        assert outbox.counts(session).get("sent", 0) == 0  # nothing was recorded as sent
        # Time passes: the dead worker's leases run out.
        session.execute(
            update(ft.OutboxMessage).values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    sender = SmtpSender("127.0.0.1", port, "reunify@example.org")
    assert Notifier(database.sessions, {"email": sender}).run_once() == 3
    with database.session() as session:
        assert outbox.counts(session) == {"sent": 3}
    expected = {outbox.message_id_for(k) for k in keys}
    assert set(handler.ids) == expected  # nothing lost
    repeats = [i for i in set(handler.ids) if handler.ids.count(i) > 1]
    assert repeats == [outbox.message_id_for(keys[0])]  # only the one accepted mid-kill
    database.dispose()
