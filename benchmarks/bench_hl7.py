"""HL7 v2 over MLLP into durable storage: messages per second and ACK latency.

A real ``reunify mllp`` process (the server) on a fresh database; this process runs the
senders, each on its own connection, each waiting for its ACK before sending the next message
(original mode, as interface engines do). Every message is a synthetic A04 or A02 of its own.

    python benchmarks/bench_hl7.py --db sqlite --senders 1,8
    python benchmarks/bench_hl7.py --db postgresql://postgres@127.0.0.1:5432/postgres
    reunify bench hl7 --db ...                      (the same function)
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from reunify.demo import scenario as s
from reunify.interop.hl7v2 import MllpClient
from reunify.store import Database, facilities, migrate
from reunify.store import hl7_tables as h
from reunify.store import tables as t


@dataclass(frozen=True)
class Result:
    backend: str
    apply: str
    senders: int
    messages: int
    seconds: float
    p50_ms: float
    p99_ms: float
    not_aa: int
    applied_after_s: float  # until no message was pending (deferred mode catches up)

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds


def message(sender: int, n: int) -> bytes:
    mrn = f"B{sender}-{n // 2}"
    trigger = "A04" if n % 2 == 0 else "A02"
    location = "ED^^^SGMW" if trigger == "A04" else f"ED^{n % 40}^^SGMW"
    lines = [
        f"MSH|^~\\&|BENCH|SGMW|REUNIFY|REUNIFY|20261120144000||ADT^{trigger}|S{sender}-{n}|P|2.5",
        f"EVN|{trigger}|20261120144000||||2026112014{n % 60:02d}00",
        f"PID|1||{mrn}^^^SGMW^MR||Bench^Patient{sender}x{n // 2}^^^^^L||19800101|M",
        f"PV1|1|E|{location}",
    ]
    return ("\r".join(lines) + "\r").encode()


@contextmanager
def fresh_database(db: str) -> Iterator[str]:
    """A new, empty database: a temporary SQLite file, or one created on the server."""
    if db == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    admin_url = make_url(db).set(drivername="postgresql+psycopg")
    name = f"reunify_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _seed(url: str) -> None:
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.session() as session:
        for facility in s.FACILITIES:
            facilities.upsert(session, facility)
        now = datetime.now(UTC)
        session.add(
            t.Incident(slug="bench", name="Bench", started_at=now, settings={}, created_at=now)
        )
    database.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(url: str, apply: str) -> Iterator[int]:
    port = _free_port()
    command = [sys.executable, "-m", "reunify", "mllp", "--db", url, "--port", str(port)]
    proc = subprocess.Popen(
        [*command, "--apply", apply], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if b"MLLP listening" not in line:
            raise RuntimeError(f"the server did not start: {line!r}")
        yield port
    finally:
        proc.terminate()
        proc.wait(30)
        if proc.stdout is not None:
            proc.stdout.close()


async def _send(
    port: int, senders: int, per_sender: int, tick: Callable[[], None]
) -> tuple[list[float], int]:
    latencies: list[float] = []
    not_aa = 0

    async def one(sender: int) -> None:
        nonlocal not_aa
        async with MllpClient("127.0.0.1", port, timeout=60) as client:
            for n in range(per_sender):
                start = time.perf_counter()
                ack = await client.send(message(sender, n))
                latencies.append(time.perf_counter() - start)
                not_aa += b"MSA|AA|" not in ack
                tick()

    await asyncio.gather(*(one(i) for i in range(senders)))
    return latencies, not_aa


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _wait_applied(url: str, timeout: float = 600) -> float:
    database = Database(url)
    start = time.perf_counter()
    try:
        while time.perf_counter() - start < timeout:
            with database.session() as session:
                stmt = select(func.count()).where(h.Hl7Message.state == "pending")
                if not session.scalar(stmt):
                    break
            time.sleep(0.2)
        return time.perf_counter() - start
    finally:
        database.dispose()


def run(
    db: str = "sqlite",
    *,
    messages: int = 2000,
    senders: tuple[int, ...] = (1, 8),
    apply: str = "inline",
    tick: Callable[[], None] = lambda: None,
    on_start: Callable[[str, int], None] = lambda label, total: None,
) -> list[Result]:
    """One run per sender count, each on a fresh database. ``db``: "sqlite" or a PostgreSQL URL
    of a server where databases may be created (the benchmark drops its own afterwards)."""
    results = []
    backend = "sqlite" if db == "sqlite" else "postgresql"
    for count in senders:
        per_sender = max(1, messages // count)
        with fresh_database(db) as url:
            _seed(url)
            with server(url, apply) as port:
                on_start(f"{backend} {apply} x{count}", per_sender * count)
                start = time.perf_counter()
                latencies, not_aa = asyncio.run(_send(port, count, per_sender, tick))
                seconds = time.perf_counter() - start
                applied = _wait_applied(url)
            results.append(
                Result(
                    backend, apply, count, len(latencies), seconds,
                    _percentile(latencies, 0.5), _percentile(latencies, 0.99), not_aa, applied,
                )
            )  # fmt: skip
    return results


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("REUNIFY_BENCH_DB", "sqlite"))
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--senders", default="1,8")
    parser.add_argument("--apply", choices=["inline", "deferred"], default="inline")
    args = parser.parse_args(argv)
    senders = tuple(int(x) for x in args.senders.split(","))
    for r in run(args.db, messages=args.messages, senders=senders, apply=args.apply):
        print(
            f"{r.backend:10} {r.apply:8} senders={r.senders} messages={r.messages} "
            f"{r.per_second:8.0f} msg/s  p50 {r.p50_ms:6.1f} ms  p99 {r.p99_ms:6.1f} ms  "
            f"not AA {r.not_aa}  all applied +{r.applied_after_s:.1f} s"
        )


if __name__ == "__main__":
    main()
