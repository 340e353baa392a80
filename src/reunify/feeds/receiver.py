"""The receiver the MLLP listener and the file replay share: batches on one writer thread.

SQLite has one writer, and a commit (an fsync) costs more than the work of a message, so a
single thread takes whatever messages are waiting, stores and applies each in its own
savepoint, and commits them together; every sender gets its ACK only after that commit. The
asyncio loop never touches the database.

``apply="deferred"`` answers once a message is stored, and the same thread applies pending
messages (oldest event first) whenever no message is waiting: ACKs stay fast under a burst,
and applying catches up after it. Messages left pending by a crash are applied at start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from reunify.feeds.facilities import FacilityMap
from reunify.feeds.inbox import ERROR, Context, Receipt, apply_pending, receive_many
from reunify.interop.hl7v2 import AckCode, AckPolicy, build_ack, unavailable
from reunify.store import Database, incidents
from reunify.store import tables as t

log = logging.getLogger(__name__)

_Item = tuple[bytes, "asyncio.Future[bytes]", asyncio.AbstractEventLoop]


def _unavailable(raw: bytes) -> Receipt:
    decision = unavailable()
    return Receipt(build_ack(raw, decision), AckCode.AR, ERROR, text=decision.text)


class Receiver:
    """``receive_batch`` for synchronous callers; ``handle`` is the MLLP handler."""

    def __init__(
        self,
        database: Database,
        *,
        channel: str = "mllp",
        policy: AckPolicy | None = None,
        incident: str | None = None,
        max_batch: int = 200,
        apply: Literal["inline", "deferred"] = "inline",
        apply_batch: int = 10,
        idle: float = 0.05,
        context_ttl: float = 1.0,
    ) -> None:
        self.database = database
        self.channel = channel
        self.policy = policy or AckPolicy()
        self.incident = incident
        self.max_batch = max_batch
        self.inline = apply == "inline"
        self.apply_batch = apply_batch
        self.idle = idle
        self.context_ttl = context_ttl
        self._backlog = not self.inline
        self._cached: tuple[float, Context] | None = None
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def _context(self, session: Session) -> Context:
        """The facility map and incident, re-read at most every ``context_ttl`` seconds."""
        now = time.monotonic()
        if self._cached is not None and now - self._cached[0] < self.context_ttl:
            return self._cached[1]
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
            self.inline,
        )  # fmt: skip

    def receive_batch(self, raws: Sequence[bytes]) -> list[Receipt]:
        """Store and apply each message, commit once; AR for all if the database fails."""
        try:
            with self.database.session() as session:
                ctx = self._context(session)
                return receive_many(session, ctx, list(raws))
        except SQLAlchemyError:
            if len(raws) > 1:  # find the one that failed; the others still get their answer
                return [receipt for raw in raws for receipt in self.receive_batch([raw])]
            log.exception("could not store an HL7 message; answering AR")
            return [_unavailable(raws[0])]

    def receive(self, raw: bytes) -> Receipt:
        return self.receive_batch([raw])[0]

    def apply_some(self) -> int:
        """Apply up to ``apply_batch`` pending messages in one transaction."""
        with self.database.session() as session:
            return apply_pending(session, self._context(session), self.apply_batch)

    def drain(self) -> int:
        """Apply every pending message (for synchronous callers and tests)."""
        total = 0
        while n := self.apply_some():
            total += n
        return total

    # The writer thread, for the asyncio listener.

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="hl7-writer", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def __enter__(self) -> Receiver:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def handle(self, raw: bytes) -> bytes:
        """Queue the message for the writer thread and wait for its committed ACK."""
        self.start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bytes] = loop.create_future()
        self._queue.put((raw, future, loop))
        return await future

    def _next(self) -> _Item | bool | None:
        """The next message; False after ``idle`` seconds without one, if there is a backlog.

        Waiting a little before applying keeps a busy sender's ACKs fast: the backlog is
        applied in the gaps of the stream, or after it.
        """
        if not self._backlog:
            return self._queue.get()
        try:
            return self._queue.get(timeout=self.idle)
        except queue.Empty:
            return False

    def _catch_up(self) -> None:
        try:
            self._backlog = self.apply_some() > 0
        except Exception:  # the database may be down; try again after the next message
            log.exception("applying pending HL7 messages failed")
            self._backlog = False

    def _batches(self) -> Iterator[list[_Item]]:
        while True:
            item = self._next()
            if item is False:
                self._catch_up()
                continue
            if item is None or item is True:
                return
            batch = [item]
            while len(batch) < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    yield batch
                    return
                batch.append(more)
            yield batch

    def _run(self) -> None:
        for batch in self._batches():
            try:
                receipts = self.receive_batch([raw for raw, _, _ in batch])
            except Exception:  # never let the thread die: the senders would wait forever
                log.exception("HL7 writer failed")
                receipts = [_unavailable(raw) for raw, _, _ in batch]
            for (_, future, loop), receipt in zip(batch, receipts, strict=True):
                loop.call_soon_threadsafe(_resolve, future, receipt.ack)
            self._backlog = not self.inline


def _resolve(future: asyncio.Future[bytes], ack: bytes) -> None:
    if not future.done():
        future.set_result(ack)
