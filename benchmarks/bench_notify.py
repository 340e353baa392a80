"""Latency from a committed change to the notification's arrival at a real SMTP server.

    /work/venv/bin/python benchmarks/bench_notify.py [--changes 50] [--poll 0.2] [--db URL]

Loads the demo into a throw-away SQLite database (or --db), has a verified seeker follow
Alex Karev, then records movements that change his public answer (condition fair <->
serious), one at a time, while a notifier thread sends to a local aiosmtpd server. Prints
p50/p95/max in milliseconds from the commit of each change to the SMTP server's receipt.
"""

from __future__ import annotations

import argparse
import email
import socket
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy.exc import OperationalError

from reunify import domain
from reunify.config import Settings
from reunify.demo.load import load
from reunify.families import subscriptions
from reunify.families.inquiries import Seeker, ask, parse_sought
from reunify.notify import outbox
from reunify.notify.notifier import start_in_background
from reunify.store import Database, migrate
from reunify.store import families_tables as ft
from reunify.tracking.service import MovementDraft, record_movement


class Receiver:
    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.cond = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content)
        with self.cond:
            self.arrivals[str(message["Subject"]) + str(message["Message-ID"])] = (
                time.perf_counter()
            )
            self.cond.notify_all()
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--changes", type=int, default=50)
    ap.add_argument("--poll", type=float, default=0.2)
    ap.add_argument("--db", default="")
    ap.add_argument("--back-to-back", action="store_true", help="next change at once")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    receiver = Receiver()
    port = free_port()
    controller = Controller(receiver, hostname="127.0.0.1", port=port)
    controller.start()
    settings = Settings(
        database_url=url,
        secret_key="b" * 40,
        smtp_host="127.0.0.1",
        smtp_port=port,
        notify_poll_seconds=args.poll,
    )
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.session() as session:
        load(session)
        sought = parse_sought(name="Alex Karev", age=31, sex="male")
        answer = ask(
            session,
            sought,
            Seeker(name="Bench", email="bench@example.org"),
            raw_sought={"name": "Alex Karev", "age": 31, "sex": "male"},
        )
        now = datetime.now(UTC)
        proof = ft.Verification(
            address="email:bench@example.org",
            code_hash="-",
            expires_at=now,
            verified_at=now,
            created_at=now,
        )
        session.add(proof)
        session.flush()
        subscriptions.subscribe(session, answer.inquiry, proof)
        person_id = answer.inquiry.person_id
    assert person_id is not None
    thread, stop = start_in_background(database.sessions, settings)
    latencies = []
    retries = 0
    start = datetime(2026, 11, 23, tzinfo=UTC)
    for n in range(args.changes):
        condition = domain.Condition.SERIOUS if n % 2 == 0 else domain.Condition.FAIR
        draft = MovementDraft(
            person_id=person_id,
            status=domain.Status.ADMITTED,
            occurred_at=start + timedelta(minutes=n),
            facility_code="SPH",
            condition=condition,
            source="bench",
            source_ref=f"bench-{n}",
        )
        for _attempt in range(50):
            try:
                with database.session() as session:
                    record_movement(session, draft, actor="bench/notify")
                break
            except OperationalError:
                # SQLite: a deferred transaction cannot upgrade to a write after another
                # connection (the notifier) committed; see the report. Counted, then retried.
                retries += 1
                time.sleep(0.01)
        committed = time.perf_counter()
        with receiver.cond:
            receiver.cond.wait_for(lambda n=n: len(receiver.arrivals) > n, timeout=30)
            arrived = max(receiver.arrivals.values())
        latencies.append((arrived - committed) * 1000)
        # Let the notifier record "sent" before the next change, so each change is measured
        # alone (back-to-back changes on SQLite collide with that write: see the retries).
        while not args.back_to_back:
            with database.session() as session:
                if set(outbox.counts(session)) <= {"sent"}:
                    break
            time.sleep(0.01)
    stop.set()
    thread.join(5)
    controller.stop()
    database.dispose()
    cuts = statistics.quantiles(latencies, n=20)
    print(
        f"{len(latencies)} changes, poll {args.poll}s, {database.dialect}: "
        f"p50 {statistics.median(latencies):.0f} ms, p95 {cuts[18]:.0f} ms, "
        f"max {max(latencies):.0f} ms; {retries} change transaction(s) retried"
    )


if __name__ == "__main__":
    main()
