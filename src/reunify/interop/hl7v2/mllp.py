"""MLLP over asyncio: a listener that calls an injected handler per frame, and small clients.

Frames are ``0x0B message 0x1C 0x0D``. The server buffers across reads, takes several frames
from one read and one frame from many, and answers each frame only after the handler has
returned (the handler commits the raw message durably before it returns an AA). python-hl7's
``hl7.mllp`` is not used: its reader clears the buffer on an oversize frame without letting
us answer AR, and has no idle or frame timeouts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from reunify.interop.hl7v2.ack import build_ack, reject, unavailable
from reunify.interop.hl7v2.errors import ErrorCode

log = logging.getLogger(__name__)

START, END, CR = b"\x0b", b"\x1c", b"\x0d"
Handler = Callable[[bytes], Awaitable[bytes]]


def frame(message: bytes | str) -> bytes:
    data = message.encode("utf-8") if isinstance(message, str) else message
    return START + data + END + CR


class FrameBuffer:
    """Accumulates bytes and yields complete frames; bytes outside a frame are dropped."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self._buf += data
        frames: list[bytes] = []
        while True:
            start = self._buf.find(START)
            if start < 0:
                self._buf.clear()  # noise between frames (often a stray CR/LF)
                return frames
            if start:
                del self._buf[:start]
            end = self._buf.find(END + CR, 1)
            restart = self._buf.find(START, 1)
            if 0 < restart < end or (end < 0 and restart > 0):
                log.warning("MLLP frame restarted before its end; %d bytes dropped", restart)
                del self._buf[:restart]
                continue
            if end < 0:
                return frames
            frames.append(bytes(self._buf[1:end]))
            del self._buf[: end + 2]

    @property
    def pending(self) -> int:
        """Bytes of a frame begun but not finished."""
        return len(self._buf)

    @property
    def partial(self) -> bytes:
        return bytes(self._buf[1:])


@dataclass(frozen=True, slots=True)
class MllpLimits:
    max_frame_bytes: int = 4 * 1024 * 1024
    idle_timeout: float = 300.0  # no frame begun: close the connection after this
    frame_timeout: float = 30.0  # a frame begun must keep arriving at least this often
    # Frames of one connection handled at once: a sender that writes several frames before
    # reading the ACKs gets them in order, without waiting a commit for each. 1: one by one.
    max_inflight: int = 256


class MllpServer:
    """``async with MllpServer(handler, port=0) as server: ... server.port``.

    Each frame is handed to ``handler`` in a task of its own, started in the order the
    frames arrived; the ACKs are written in that order, each once its handler returned.
    """

    def __init__(
        self,
        handler: Handler,
        host: str = "127.0.0.1",
        port: int = 2575,
        limits: MllpLimits | None = None,
    ) -> None:
        self.handler = handler
        self.host = host
        self.limits = limits or MllpLimits()
        self._port = port
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._closing = False

    @property
    def port(self) -> int:
        if self._server is None or not self._server.sockets:
            return self._port
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self._port)
        log.info("MLLP listening on %s:%d", self.host, self.port)

    async def serve_forever(self) -> None:
        if self._server is None:
            await self.start()
        assert self._server is not None
        with contextlib.suppress(asyncio.CancelledError):
            await self._server.serve_forever()

    async def stop(self, grace: float = 10.0) -> None:
        """Stop listening and reading; answer the frames being handled (up to ``grace``)."""
        self._closing = True
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()  # a connection stops reading, then writes the ACKs it owes
        if self._connections:
            _, late = await asyncio.wait(list(self._connections), timeout=grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
        if self._server is not None:
            await self._server.wait_closed()

    async def __aenter__(self) -> MllpServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        answers: asyncio.Queue[asyncio.Future[bytes] | None] = asyncio.Queue()
        slots = asyncio.Semaphore(max(1, self.limits.max_inflight))
        sender = asyncio.create_task(self._answer(answers, slots, writer))
        try:
            if not self._closing:
                await self._read(reader, answers, slots)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            log.info("MLLP connection ended: %s", exc)
        except asyncio.CancelledError:
            pass
        finally:
            try:
                answers.put_nowait(None)
                await sender  # the ACKs of frames in hand, in order
            except asyncio.CancelledError:  # stopped again, after the grace period
                sender.cancel()
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _read(
        self,
        reader: asyncio.StreamReader,
        answers: asyncio.Queue[asyncio.Future[bytes] | None],
        slots: asyncio.Semaphore,
    ) -> None:
        buffer = FrameBuffer()
        limits = self.limits
        while not self._closing:
            timeout = limits.frame_timeout if buffer.pending else limits.idle_timeout
            try:
                data = await asyncio.wait_for(reader.read(65536), timeout)
            except TimeoutError:
                log.info("MLLP %s timeout; closing", "frame" if buffer.pending else "idle")
                return
            if not data:
                return
            for message in buffer.feed(data):
                await slots.acquire()  # released once its ACK is written
                if len(message) > limits.max_frame_bytes:
                    answers.put_nowait(self._too_large(message))
                    return
                # The task starts now, in arrival order; its ACK is written in that order.
                answers.put_nowait(asyncio.ensure_future(self._handle(message)))
            if buffer.pending > limits.max_frame_bytes:
                await slots.acquire()
                answers.put_nowait(self._too_large(buffer.partial))
                return

    async def _answer(
        self,
        answers: asyncio.Queue[asyncio.Future[bytes] | None],
        slots: asyncio.Semaphore,
        writer: asyncio.StreamWriter,
    ) -> None:
        """Write each ACK once its handler returned, in the order the frames came."""
        broken = False
        while (pending := await answers.get()) is not None:
            if not pending.done():
                await asyncio.wait([pending])  # raises only if this task is cancelled
            try:
                if pending.cancelled() or broken:
                    continue  # the sender will resend; a stored message is stored all the same
                writer.write(frame(pending.result()))
                if answers.empty():  # one flush for the ACKs that are ready together
                    await writer.drain()
            except ConnectionError as exc:
                log.info("MLLP connection lost before an ACK was written: %s", exc)
                broken = True
            finally:
                slots.release()

    def _too_large(self, partial: bytes) -> asyncio.Future[bytes]:
        """AR (built from whatever MSH we have), then close: the stream cannot be resynced."""
        text = f"frame larger than {self.limits.max_frame_bytes} bytes"
        log.warning("MLLP %s; closing the connection", text)
        decision = reject("", 0, ErrorCode.INTERNAL_ERROR, text)
        done: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        done.set_result(build_ack(partial, decision))
        return done

    async def _handle(self, message: bytes) -> bytes:
        try:
            return await self.handler(message)
        except Exception:
            log.exception("MLLP handler failed; answering AR")
            return build_ack(message, unavailable("internal error; resend later"))


class MllpClient:
    """One connection, many messages, each waiting for its ACK (original mode)."""

    def __init__(self, host: str, port: int, timeout: float = 10.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._buffer = FrameBuffer()
        self._ready: list[bytes] = []

    async def __aenter__(self) -> MllpClient:
        self._reader, self._writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port), self.timeout
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(Exception):
                await self._writer.wait_closed()

    async def send(self, message: bytes | str) -> bytes:
        assert self._writer is not None
        self._writer.write(frame(message))
        await self._writer.drain()
        return await self.receive()

    async def receive(self) -> bytes:
        assert self._reader is not None
        while not self._ready:
            data = await asyncio.wait_for(self._reader.read(65536), self.timeout)
            if not data:
                raise ConnectionError("connection closed before an ACK arrived")
            self._ready.extend(self._buffer.feed(data))
        return self._ready.pop(0)


async def send(host: str, port: int, message: bytes | str, timeout: float = 10.0) -> bytes:
    """Send one message on a new connection and return the ACK (without framing)."""
    async with MllpClient(host, port, timeout) as client:
        return await client.send(message)


def send_sync(host: str, port: int, message: bytes | str, timeout: float = 10.0) -> bytes:
    """Blocking variant of ``send`` (for scripts and tests without an event loop)."""
    buffer = FrameBuffer()
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(frame(message))
        while True:
            data = sock.recv(65536)
            if not data:
                raise ConnectionError("connection closed before an ACK arrived")
            frames = buffer.feed(data)
            if frames:
                return frames[0]
