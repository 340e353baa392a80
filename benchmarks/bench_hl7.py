"""HL7 v2 over MLLP into durable storage: messages per second, ACK latency, applied per second.

A real ``reunify mllp`` process (the server) on a fresh database; this process runs the
senders, each on its own connection. By default each sender waits for every ACK before it
sends the next message (original mode, as most interface engines do): one such sender is
bound by the round trip (a commit), not by the server's capacity, so it is reported as it is.
``--window N`` is the *pipelined* mode some engines offer: up to N frames in flight per
connection, the ACKs coming back in order. Every message is a synthetic A04 or A02 of its own.

"applied/s" is the messages divided by the time from the first send until none was pending
(deferred mode applies beside the stream and catches up after it). The load average of the
machine at the start and the end of each run is reported: other work shares the cores.

    python benchmarks/bench_hl7.py --db sqlite --senders 1,8 --apply deferred
    python benchmarks/bench_hl7.py --db postgresql://postgres@127.0.0.1:5432/postgres
    python benchmarks/bench_hl7.py --kill-test          (20 kill -9 during 10,000 messages)
    reunify bench hl7 --db ...                         (the same functions)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from reunify.demo import scenario as s
from reunify.interop.hl7v2.mllp import FrameBuffer, frame
from reunify.store import Database, facilities, migrate
from reunify.store import hl7_tables as h
from reunify.store import tables as t
from reunify.store.db import normalise_url


@dataclass(frozen=True)
class Result:
    backend: str
    apply: str
    senders: int
    window: int  # 1: each sender waits for every ACK; more: pipelined
    messages: int
    seconds: float
    p50_ms: float
    p99_ms: float
    not_aa: int
    applied_s: float  # from the first send until no message was pending
    backlog: int  # messages still pending when the last ACK came
    load: tuple[float, float]  # 1-minute load average at the start and at the end

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds

    @property
    def applied_per_second(self) -> float:
        """All messages over the time until all were applied (applying ran beside the stream,
        taking its share, then flat out)."""
        return self.messages / self.applied_s if self.applied_s else 0.0

    @property
    def catch_up_per_second(self) -> float:
        """The backlog left at the end of the stream over the time it took to apply it."""
        after = self.applied_s - self.seconds
        return self.backlog / after if self.backlog and after > 0 else 0.0


def message(sender: int, n: int) -> bytes:
    """Message ``n`` of a sender: patient n // 2 is registered (A04), then moved (A02)."""
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


def seed(url: str) -> None:
    """Migrate, add the scenario's facilities and one open incident."""
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A ``reunify mllp`` process on a fixed port, which can be killed and started again."""

    def __init__(self, url: str, apply: str, port: int | None = None) -> None:
        self.url, self.apply = url, apply
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "reunify", "mllp", "--db", self.url,
                   "--port", str(self.port), "--apply", self.apply]  # fmt: skip
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "MLLP listening on ..." once it accepts connections
        if b"MLLP listening" not in line:
            proc.kill()
            raise RuntimeError(f"the server did not start: {line!r}")
        self.proc = proc

    def kill(self) -> None:
        """``kill -9``: no chance to finish anything."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self._reap()

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self._reap()

    def _reap(self) -> None:
        assert self.proc is not None
        self.proc.wait(60)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.kill()
            self._reap()


class _Sender(asyncio.Protocol):
    """One sender's connection, driven by callbacks: each ACK that arrives sends the next
    frame from ``data_received``, with no task, semaphore or timer per frame. The client
    shares the cores with the server, so what it spends per message is taken from the
    server's throughput; a real socket and real MLLP framing all the same."""

    def __init__(
        self, frames: list[bytes], window: int, latencies: list[float], tick: Callable[[], None]
    ) -> None:
        self.frames, self.window, self.latencies, self.tick = frames, window, latencies, tick
        self.buffer = FrameBuffer()
        self.sent: deque[float] = deque()
        self.next = self.received = self.not_aa = 0
        self.done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._send(min(self.window, len(self.frames)))

    def _send(self, count: int) -> None:
        assert self.transport is not None
        clock, frames = time.perf_counter, self.frames
        for _ in range(count):
            if self.next >= len(frames):
                return
            self.sent.append(clock())
            self.transport.write(frames[self.next])
            self.next += 1

    def data_received(self, data: bytes) -> None:
        acks = self.buffer.feed(data)
        now = time.perf_counter()
        for ack in acks:
            self.latencies.append(now - self.sent.popleft())
            self.not_aa += b"MSA|AA|" not in ack
            self.tick()
        self.received += len(acks)
        if self.received >= len(self.frames):
            if not self.done.done():
                self.done.set_result(self.not_aa)
        elif acks:
            self._send(len(acks))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_exception(ConnectionError(f"the server closed the connection: {exc}"))


async def _sender(
    port: int, frames: list[bytes], window: int, latencies: list[float], tick: Callable[[], None]
) -> int:
    """Send the frames on one connection, ``window`` in flight; returns how many were not AA."""
    loop = asyncio.get_running_loop()
    transport, sender = await loop.create_connection(
        lambda: _Sender(frames, window, latencies, tick), "127.0.0.1", port
    )
    try:
        while True:  # fail after a minute without an ACK, as a stalled server would
            received = sender.received
            with contextlib.suppress(TimeoutError):
                return await asyncio.wait_for(asyncio.shield(sender.done), 60)
            if sender.received == received:
                raise TimeoutError(f"no ACK for 60 s after {received} of {len(frames)}")
    finally:
        transport.close()


async def _send(
    port: int, senders: int, per_sender: int, window: int, tick: Callable[[], None]
) -> tuple[list[float], int]:
    latencies: list[float] = []
    frames = [[frame(message(i, n)) for n in range(per_sender)] for i in range(senders)]
    counts = await asyncio.gather(
        *(_sender(port, frames[i], window, latencies, tick) for i in range(senders))
    )
    return latencies, sum(counts)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _reader(url: str) -> Engine:
    """A plain engine: on SQLite a reader in WAL mode takes no lock, whereas the project's
    sessions begin ``IMMEDIATE`` and would queue behind the server's writers."""
    return create_engine(normalise_url(url))


def pending(url: str) -> int:
    engine = _reader(url)
    try:
        with engine.connect() as conn:
            stmt = select(func.count()).where(h.Hl7Message.state == "pending")
            return int(conn.scalar(stmt) or 0)
    finally:
        engine.dispose()


def wait_applied(url: str, timeout: float = 1800) -> None:
    """Until no message is pending (deferred mode applies after the ACK)."""
    start = time.perf_counter()
    while pending(url):
        if time.perf_counter() - start > timeout:
            raise TimeoutError("messages still pending")
        time.sleep(0.2)


def run(
    db: str = "sqlite",
    *,
    messages: int = 4000,
    senders: tuple[int, ...] = (1, 8),
    apply: str = "deferred",
    window: int = 1,
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
            seed(url)
            with Server(url, apply) as server:
                on_start(f"{backend} {apply} x{count} w{window}", per_sender * count)
                load = os.getloadavg()[0]
                start = time.perf_counter()
                latencies, not_aa = asyncio.run(_send(server.port, count, per_sender, window, tick))
                seconds = time.perf_counter() - start
                backlog = pending(url)
                wait_applied(url)
                applied = time.perf_counter() - start
            results.append(
                Result(
                    backend, apply, count, window, len(latencies), seconds,
                    percentile(latencies, 0.5), percentile(latencies, 0.99), not_aa, applied,
                    backlog, (load, os.getloadavg()[0]),
                )
            )  # fmt: skip
    return results


# The kill test: kill -9 of the server during a stream; nothing acknowledged may be lost.


@dataclass
class KillResult:
    backend: str
    apply: str
    messages: int
    kills: int
    seconds: float  # the stream, kills and restarts included
    applied_s: float  # from the first send until no message was pending
    resent: int  # frames sent again because their ACK never came
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        verdict = "OK" if self.ok else "FAILED: " + "; ".join(self.problems)
        return (
            f"kill test {self.backend} {self.apply}: {self.messages} messages, {self.kills} "
            f"kill -9, {self.resent} frames resent, stream {self.seconds:.1f} s, all applied "
            f"after {self.applied_s:.1f} s: {verdict}"
        )


async def _kill_stream(
    server: Server, frames: list[list[tuple[str, bytes]]], kills: int, window: int,
    tick: Callable[[], None],
) -> tuple[set[str], set[str], int]:  # fmt: skip
    """Stream every sender's frames while the killer kills and restarts the server."""
    total = sum(len(f) for f in frames)
    acked: set[str] = set()
    refused: set[str] = set()
    resent = 0

    async def killer() -> None:
        for k in range(kills):
            while len(acked) + len(refused) < total * (k + 1) // (kills + 1):
                await asyncio.sleep(0.001)
            await asyncio.sleep(random.uniform(0, 0.005))  # anywhere in a commit
            await asyncio.to_thread(server.kill)
            await asyncio.to_thread(server.start)

    async def sender(mine: list[tuple[str, bytes]]) -> None:
        nonlocal resent
        todo, inflight = deque(mine), deque[tuple[str, bytes]]()
        while todo or inflight:
            writer = None
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
                buffer = FrameBuffer()
                while todo or inflight:
                    while todo and len(inflight) < window:
                        inflight.append(todo.popleft())
                        writer.write(inflight[-1][1])
                    await writer.drain()
                    data = await asyncio.wait_for(reader.read(65536), 30)
                    if not data:
                        raise ConnectionError("closed")
                    for ack in buffer.feed(data):
                        control, raw = inflight.popleft()
                        if f"MSA|AA|{control}\r".encode() in ack:
                            acked.add(control)
                            tick()
                        elif b"MSA|AR|" in ack:  # not stored: send it again
                            todo.appendleft((control, raw))
                        else:  # stored, but refused: a final answer (and a failed test)
                            refused.add(control)
            except (OSError, asyncio.IncompleteReadError, TimeoutError):
                resent += len(inflight)
                todo.extendleft(reversed(inflight))  # no ACK: send them again, in order
                inflight.clear()
                await asyncio.sleep(0.02)
            finally:
                if writer is not None:
                    writer.close()

    killing = asyncio.create_task(killer())
    await asyncio.gather(*(sender(f) for f in frames))
    await killing
    return acked, refused, resent


def _check_killed(url: str, acked: set[str], messages: int) -> list[str]:
    """Every ACKed message stored once and applied once; every patient moved exactly twice."""
    database = Database(url)
    problems = []
    try:
        with database.session() as session:
            controls = list(session.scalars(select(h.Hl7Message.control_id)))
            states = Counter(session.scalars(select(h.Hl7Message.state)))
            refs = list(session.scalars(select(t.Movement.source_ref)))
            people = session.scalar(select(func.count()).select_from(t.Person))
            tags = Counter(session.scalars(select(t.Event.tag)))
    finally:
        database.dispose()
    if missing := acked - set(controls):
        problems.append(f"{len(missing)} acknowledged messages missing, e.g. {min(missing)}")
    if len(controls) != len(set(controls)) or len(controls) != messages:
        problems.append(f"{len(controls)} rows ({len(set(controls))} keys) for {messages}")
    if states != {"applied": messages}:
        problems.append(f"states {dict(states)}")
    if len(refs) != messages or len(set(refs)) != messages:
        problems.append(f"{len(refs)} movements ({len(set(refs))} distinct) for {messages}")
    if people != messages // 2 or tags["hl7:person:create"] != messages // 2:
        problems.append(f"{people} people, {tags['hl7:person:create']} created")
    if tags["hl7:person:movement"] != messages:
        problems.append(f"{tags['hl7:person:movement']} movement events for {messages}")
    return problems


def kill_test(
    db: str = "sqlite",
    *,
    messages: int = 10_000,
    kills: int = 20,
    senders: int = 4,
    window: int = 8,
    apply: str = "deferred",
    tick: Callable[[], None] = lambda: None,
) -> KillResult:
    """A stream of ``messages`` from ``senders`` pipelining connections into a real server
    that is killed with SIGKILL ``kills`` times (spread over the stream) and restarted."""
    per_sender = max(2, messages // senders // 2 * 2)  # whole patients: an A04 and an A02
    frames = [
        [(f"S{i}-{n}", frame(message(i, n))) for n in range(per_sender)] for i in range(senders)
    ]
    total = per_sender * senders
    with fresh_database(db) as url:
        seed(url)
        with Server(url, apply) as server:
            start = time.perf_counter()
            acked, refused, resent = asyncio.run(_kill_stream(server, frames, kills, window, tick))
            seconds = time.perf_counter() - start
            wait_applied(url)
            applied = time.perf_counter() - start
            server.stop()
        problems = _check_killed(url, acked, total)
    if len(acked) != total:
        problems.append(f"{len(acked)} of {total} acknowledged")
    if refused:
        problems.append(f"{len(refused)} answered AE, e.g. {min(refused)}")
    backend = "sqlite" if db == "sqlite" else "postgresql"
    return KillResult(backend, apply, total, kills, seconds, applied, resent, problems)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("REUNIFY_BENCH_DB", "sqlite"))
    parser.add_argument("--messages", type=int, default=4000)
    parser.add_argument("--senders", default="1,8")
    parser.add_argument("--apply", choices=["inline", "deferred"], default="deferred")
    parser.add_argument("--window", type=int, default=1, help="frames in flight per sender")
    parser.add_argument("--kill-test", action="store_true")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--kill-messages", type=int, default=10_000)
    args = parser.parse_args(argv)
    if args.kill_test:
        k = kill_test(args.db, messages=args.kill_messages, kills=args.kills, apply=args.apply)
        print(k.summary())
        raise SystemExit(0 if k.ok else 1)
    senders = tuple(int(x) for x in args.senders.split(","))
    for r in run(args.db, messages=args.messages, senders=senders, apply=args.apply,
                 window=args.window):  # fmt: skip
        print(
            f"{r.backend:10} {r.apply:8} senders={r.senders} window={r.window} "
            f"messages={r.messages} {r.per_second:7.0f} msg/s  p50 {r.p50_ms:6.1f} ms  "
            f"p99 {r.p99_ms:6.1f} ms  not AA {r.not_aa}  applied {r.applied_per_second:6.0f}/s "
            f"(catch-up {r.catch_up_per_second:.0f}/s) "
            f"load {r.load[0]:.2f}->{r.load[1]:.2f}"
        )


if __name__ == "__main__":
    main()
