"""The receiver the MLLP listener and the file replay share: group commit on one writer thread.

A commit (an fsync) costs more than the work of a message, so one writer thread takes every
message waiting, from all connections, stores them in one transaction, and only after that
commit hands each sender its ACK. Under load the batches grow by themselves: the messages
that arrive during one commit make up the next. The asyncio loop never touches the database.

``apply="inline"`` stores and applies each message (in its own savepoint) before answering:
the ACK says whether it was applied (AE if not). ``apply="deferred"`` answers once a message
is stored, deciding on the header alone (``intake``): parsing and building the ACK happen on
the event loop, beside the writer's commit, and the writer only inserts. An applier thread
then applies pending messages in event-time order, in chunks (``inbox.apply_pending``);
messages left pending by a crash are applied at start. On SQLite, which has one writer, the
two threads take turns (``_Turns``); a chunk of applying ends after ``apply_budget`` seconds,
and while messages arrive applying takes at most ``apply_share`` of the time, so that the
ACKs stay within the latency target. Applying catches up when the stream pauses. A chunk
with a budget fetches only about as many rows as it applied in the budget before (on
PostgreSQL, ``FOR UPDATE`` of 200 rows to apply 10 is wasted work), and records movements
through ``fastmove``, with what the chunk has already read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, tzinfo
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from reunify.feeds import intake
from reunify.feeds.facilities import FacilityMap
from reunify.feeds.inbox import ERROR, PENDING, Context, Receipt, apply_pending, receive_many
from reunify.feeds.intake import Prepared
from reunify.interop.hl7v2 import AckCode, AckPolicy, build_ack, unavailable
from reunify.store import Database, incidents
from reunify.store import tables as t

log = logging.getLogger(__name__)

_Item = tuple[bytes | Prepared, "asyncio.Future[bytes]", asyncio.AbstractEventLoop]
_T = TypeVar("_T", bytes, Prepared)


class _Turns:
    """SQLite's one writer, shared by the writer and the applier; the writer goes first.

    The threads take turns here rather than in SQLite's busy handler, which sleeps in steps
    of milliseconds; an applier that waits while the writer wants its turn cannot delay an
    ACK by more than one chunk of applying.
    """

    def __init__(self, exclusive: bool) -> None:
        self.exclusive = exclusive
        self._lock = threading.Lock()
        self._changed = threading.Condition()
        self._waiting = 0

    @contextlib.contextmanager
    def writer(self) -> Iterator[None]:
        if not self.exclusive:
            yield
            return
        with self._changed:
            self._waiting += 1
        self._lock.acquire()
        with self._changed:
            self._waiting -= 1
            self._changed.notify_all()
        try:
            yield
        finally:
            self._lock.release()

    @contextlib.contextmanager
    def applier(self) -> Iterator[None]:
        if not self.exclusive:
            yield
            return
        with self._changed:
            self._changed.wait_for(lambda: self._waiting == 0)
        with self._lock:
            yield


def _unavailable(raw: bytes) -> Receipt:
    decision = unavailable()
    return Receipt(build_ack(raw, decision), AckCode.AR, ERROR, text=decision.text)


class _Link:
    """A writer thread's own connection, kept between batches (a pool check-out, with
    PostgreSQL's pre-ping, costs a round trip), and opened again after any failure.

    On PostgreSQL it is in autocommit: the batch is one ``INSERT ... RETURNING``, which
    commits by itself, durably (``synchronous_commit``), in one round trip instead of four.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.autocommit = engine.dialect.name == "postgresql"
        self._connection: Connection | None = None

    def store(self, batch: list[Prepared]) -> list[Receipt]:
        if self._connection is None or self._connection.closed:
            connection = self.engine.connect()
            if self.autocommit:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            self._connection = connection
        try:
            if self.autocommit:
                return intake.store(self._connection, batch)
            with self._connection.begin():
                return intake.store(self._connection, batch)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None


class Receiver:
    """``receive_batch`` for synchronous callers; ``handle`` is the MLLP handler."""

    def __init__(
        self,
        database: Database,
        *,
        channel: str = "mllp",
        policy: AckPolicy | None = None,
        incident: str | None = None,
        max_batch: int = 500,
        apply: Literal["inline", "deferred"] = "inline",
        apply_batch: int = 200,
        apply_budget: float = 0.025,
        apply_share: float = 0.3,
        busy_window: float = 0.1,
        idle: float = 1.0,
        context_ttl: float = 1.0,
        writers: int = 2,
        fast: bool = True,
    ) -> None:
        self.database = database
        self.channel = channel
        self.policy = policy or AckPolicy()
        self.incident = incident
        self.max_batch = max_batch
        self.inline = apply == "inline"
        self.apply_batch = apply_batch
        self.apply_budget = apply_budget
        self.apply_share = apply_share
        self.busy_window = busy_window
        self.idle = idle
        self._last_write = 0.0  # monotonic time of the writer's last batch
        self.context_ttl = context_ttl
        self.fast = fast  # ``fastmove`` (False: every movement through the tracking service)
        # Seconds one message takes to apply, as measured: a chunk with a budget fetches
        # (and, on PostgreSQL, locks) only the rows it can apply in it, not ``apply_batch``.
        self._apply_cost = 0.002
        self._cached: tuple[float, Context] | None = None
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        # PostgreSQL commits several transactions at once: a second writer sends its batch
        # while the first waits for its commit. SQLite has one writer; and applying inline
        # must follow the arrival order (an A02 must not race its patient's A04).
        parallel = database.dialect != "sqlite" and not self.inline
        self.writers = max(1, writers) if parallel else 1
        self._threads: list[threading.Thread] = []
        self._applier: threading.Thread | None = None
        self._stopping = threading.Event()
        self._pending = threading.Event()  # set when the writer stored something to apply
        self._turns = _Turns(exclusive=database.dialect == "sqlite")

    # The context: facilities (for time zones) and the incident new people are filed under.

    def _context(self, session: Session | None = None) -> Context:
        """Re-read at most every ``context_ttl`` seconds (in its own session if none given)."""
        now = time.monotonic()
        cached = self._cached
        if cached is not None and now - cached[0] < self.context_ttl:
            return cached[1]
        if session is None:
            with self.database.session() as own:
                ctx = self._read_context(own)
        else:
            ctx = self._read_context(session)
        self._cached = (now, ctx)
        return ctx

    def _read_context(self, session: Session) -> Context:
        row: t.Incident | None = (
            incidents.get_by_slug(session, self.incident) if self.incident
            else incidents.current(session)
        )  # fmt: skip
        tz: tzinfo = UTC
        if row is not None:
            with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
                tz = ZoneInfo(row.timezone)
        return Context(
            FacilityMap.load(session), row.id if row else None, tz, self.policy, self.channel,
            self.inline, self.fast,
        )  # fmt: skip

    # Synchronous callers (file replay, demo, tests).

    def receive_batch(self, raws: Sequence[bytes]) -> list[Receipt]:
        """Store (and apply, if inline) each message, commit once; AR if the database fails."""
        if self.inline:
            return self._guarded(list(raws), self._store_inline)
        try:
            ctx = self._context()
        except SQLAlchemyError:
            log.exception("could not read the HL7 context; answering AR")
            return [_unavailable(raw) for raw in raws]
        return self._guarded([intake.prepare(raw, ctx) for raw in raws], self._store_prepared)

    def receive(self, raw: bytes) -> Receipt:
        return self.receive_batch([raw])[0]

    def _store_inline(self, raws: list[bytes]) -> list[Receipt]:
        with self._turns.writer(), self.database.session() as session:
            return receive_many(session, self._context(session), raws)

    def _store_prepared(self, batch: list[Prepared], link: _Link | None = None) -> list[Receipt]:
        with self._turns.writer():
            if link is not None:
                receipts = link.store(batch)
            else:
                with self.database.engine.begin() as connection:
                    receipts = intake.store(connection, batch)
        if any(r.state == PENDING and not r.duplicate for r in receipts):
            self._pending.set()
        return receipts

    def _guarded(
        self, items: list[_T], store: Callable[[list[_T]], list[Receipt]]
    ) -> list[Receipt]:
        """``store(items)``; on a failure, each alone, so only the one that fails gets AR."""
        try:
            return store(items)
        except Exception as exc:
            if len(items) > 1:
                return [r for item in items for r in self._guarded([item], store)]
            raw = items[0] if isinstance(items[0], bytes) else items[0].raw
            if isinstance(exc, SQLAlchemyError):
                log.exception("could not store an HL7 message; answering AR")
            else:
                log.exception("HL7 writer failed; answering AR")
            return [_unavailable(raw)]

    def apply_some(self, limit: int | None = None, budget: float | None = None) -> int:
        """Apply pending messages, oldest event first, in one transaction. Returns how many."""
        with self._turns.applier(), self.database.session() as session:
            return apply_pending(
                session, self._context(session), limit or self.apply_batch, budget=budget
            )

    def drain(self) -> int:
        """Apply every pending message (for synchronous callers and tests)."""
        total = 0
        while n := self.apply_some():
            total += n
        return total

    # The threads, for the asyncio listener.

    def start(self) -> None:
        if self._threads:
            return
        self._stopping.clear()
        with contextlib.suppress(SQLAlchemyError):  # else the writer answers AR, and retries
            self._context()
        self._threads = [
            threading.Thread(target=self._write_loop, name=f"hl7-writer-{n}", daemon=True)
            for n in range(self.writers)
        ]
        self._applier = threading.Thread(target=self._apply_loop, name="hl7-applier", daemon=True)
        for thread in (*self._threads, self._applier):
            thread.start()

    def stop(self) -> None:
        """Answer every queued message, then stop applying after the chunk in progress."""
        if not self._threads:
            return
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()
        self._stopping.set()
        self._pending.set()
        if self._applier is not None:
            self._applier.join()
        self._threads, self._applier = [], None

    def __enter__(self) -> Receiver:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def handle(self, raw: bytes) -> bytes:
        """Queue the message for the writer thread and wait for its committed ACK.

        The message takes its place in the queue before the first ``await``, so frames that
        arrive on one connection are stored in the order they were sent.
        """
        self.start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bytes] = loop.create_future()
        item: bytes | Prepared = raw
        cached = self._cached
        if not self.inline and cached is not None:
            # Parsing the header and building the ACK here runs beside the writer's commit.
            item = intake.prepare(raw, cached[1])
        self._queue.put((item, future, loop))
        return await future

    def _take(self) -> list[_Item] | None:
        """Every queued message (up to ``max_batch``), waiting for the first; None: stop."""
        item = self._queue.get()
        if item is None:
            return None
        batch = [item]
        while len(batch) < self.max_batch:
            try:
                more = self._queue.get_nowait()
            except queue.Empty:
                break
            if more is None:
                self._queue.put(None)  # answer this batch first, then stop
                break
            batch.append(more)
        return batch

    def _write_loop(self) -> None:
        link = _Link(self.database.engine)
        try:
            while (batch := self._take()) is not None:
                self._write(batch, link)
        finally:
            link.close()

    def _write(self, batch: list[_Item], link: _Link) -> None:
        self._last_write = time.monotonic()
        try:
            receipts = self._store_items([item for item, _, _ in batch], link)
        except Exception:  # never let the thread die: the senders would wait forever
            log.exception("HL7 writer failed")
            receipts = [_unavailable(_raw(item)) for item, _, _ in batch]
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[bytes], bytes]]] = {}
        for (_, future, loop), receipt in zip(batch, receipts, strict=True):
            by_loop.setdefault(loop, []).append((future, receipt.ack))
        for loop, answers in by_loop.items():
            with contextlib.suppress(RuntimeError):  # that loop is closed: nobody waits
                loop.call_soon_threadsafe(_resolve, answers)

    def _store_items(self, items: list[bytes | Prepared], link: _Link) -> list[Receipt]:
        if self.inline:
            return self._guarded([_raw(i) for i in items], self._store_inline)
        try:
            ctx = self._context()
        except SQLAlchemyError:
            log.exception("could not read the HL7 context; answering AR")
            return [_unavailable(_raw(i)) for i in items]
        prepared = [i if isinstance(i, Prepared) else intake.prepare(i, ctx) for i in items]
        return self._guarded(prepared, lambda batch: self._store_prepared(batch, link))

    def _apply_loop(self) -> None:
        """Apply pending messages until stopped; wait for the writer (or ``idle``) when none.

        While messages keep arriving, applying takes at most ``apply_share`` of the time
        (it competes with the writer for the interpreter, and on SQLite for the database):
        the ACKs stay fast, and the backlog still shrinks. When the stream pauses for
        ``busy_window`` seconds, applying runs flat out.
        """
        while not self._stopping.is_set():
            self._pending.clear()
            started = time.monotonic()
            budget = self.apply_budget
            if not self._turns.exclusive and started - self._last_write >= self.busy_window:
                # No stream, and no writer waits for this transaction (PostgreSQL): longer
                # chunks spread their fixed cost (the pending rows' sort, the commit) wider.
                budget *= 8
            fits = int(budget / self._apply_cost) + 2
            try:
                done = self.apply_some(min(self.apply_batch, fits), budget=budget)
            except Exception:  # the database may be down; try again a little later
                log.exception("applying pending HL7 messages failed")
                done = 0
            if not done:
                self._pending.wait(self.idle)
                continue
            now = time.monotonic()
            spent = now - started
            self._apply_cost = 0.7 * self._apply_cost + 0.3 * spent / done
            if now - self._last_write < self.busy_window and 0 < self.apply_share < 1:
                self._stopping.wait(spent * (1 - self.apply_share) / self.apply_share)
            elif self._turns.exclusive:
                # Other processes (the web app) wait for SQLite's lock in its busy handler,
                # which polls: leave them a gap now and then.
                self._stopping.wait(max(0.002, spent / 10))


def _raw(item: bytes | Prepared) -> bytes:
    return item if isinstance(item, bytes) else item.raw


def _resolve(answers: list[tuple[asyncio.Future[bytes], bytes]]) -> None:
    for future, ack in answers:
        if not future.done():
            future.set_result(ack)
