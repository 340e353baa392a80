"""MLLP with a real asyncio server on 127.0.0.1 and real sockets (asyncio.run, no plugins)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

import pytest

from reunify.interop.hl7v2 import (
    AckDecision,
    Message,
    MllpClient,
    MllpLimits,
    MllpServer,
    parse_message,
    respond,
    send,
    send_sync,
)
from reunify.interop.hl7v2.mllp import FrameBuffer, frame

TZ = ZoneInfo("America/Los_Angeles")


def message(control: str, filler: str = "") -> bytes:
    return (
        "MSH|^~\\&|SPH_ADT|SPH|REUNIFY|R|20240605221500||ADT^A01|" + control + "|P|2.5.1\r"
        "EVN||20240605221500\r"
        f"PID|1||SPH-{control}^^^SPH^MR||KAREV^ALEXANDER{filler}\r"
        "PV1|1|I|ICU^12^A^SPH\r"
    ).encode()


class Recorder:
    """A handler that 'commits' to a list before returning the ACK, as the real one must."""

    def __init__(self) -> None:
        self.committed: list[bytes] = []

    async def __call__(self, raw: bytes) -> bytes:
        await asyncio.sleep(0)  # a real handler awaits its storage

        def commit(data: bytes, _m: Message | None, _d: AckDecision) -> None:
            self.committed.append(data)

        return respond(raw, tz=TZ, commit=commit)


def msa(ack: bytes) -> tuple[str, str]:
    seg = parse_message(ack).segment("MSA")
    assert seg is not None
    return seg.field(1).text(), seg.field(2).text()


def run(
    body: Callable[[MllpServer], Awaitable[None]],
    handler: Callable[[bytes], Awaitable[bytes]] | None = None,
    limits: MllpLimits | None = None,
) -> None:
    async def main() -> None:
        server = MllpServer(handler or Recorder(), "127.0.0.1", 0, limits)
        await server.start()
        try:
            await asyncio.wait_for(body(server), 20)
        finally:
            await server.stop(grace=2)

    asyncio.run(main())


async def read_frame(reader: asyncio.StreamReader, timeout: float = 5) -> bytes:
    data = await asyncio.wait_for(reader.readuntil(b"\x1c\r"), timeout)
    assert data.startswith(b"\x0b")
    return data[1:-2]


async def close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    await writer.wait_closed()


def test_one_message_one_ack() -> None:
    recorder = Recorder()

    async def body(server: MllpServer) -> None:
        ack = await send("127.0.0.1", server.port, message("C1"))
        assert msa(ack) == ("AA", "C1")
        assert recorder.committed == [message("C1")]

    run(body, recorder)


def test_sync_client() -> None:
    async def body(server: MllpServer) -> None:
        ack = await asyncio.to_thread(send_sync, "127.0.0.1", server.port, message("S1"))
        assert msa(ack) == ("AA", "S1")

    run(body)


def test_one_frame_over_many_reads() -> None:
    recorder = Recorder()

    async def body(server: MllpServer) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        data = frame(message("SPLIT"))
        for i in range(0, len(data), 7):
            writer.write(data[i : i + 7])
            await writer.drain()
            await asyncio.sleep(0.002)
        assert msa(await read_frame(reader)) == ("AA", "SPLIT")
        assert recorder.committed == [message("SPLIT")]
        await close(writer)

    run(body, recorder)


def test_several_frames_in_one_write_are_answered_in_order() -> None:
    recorder = Recorder()

    async def body(server: MllpServer) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        # a stray CR/LF between frames is noise, not a message
        writer.write(frame(message("A")) + b"\r\n" + frame(message("B")) + frame(message("C")))
        await writer.drain()
        acks = [msa(await read_frame(reader)) for _ in range(3)]
        assert acks == [("AA", "A"), ("AA", "B"), ("AA", "C")]
        assert recorder.committed == [message("A"), message("B"), message("C")]
        await close(writer)

    run(body, recorder)


def test_nothing_is_sent_before_the_handler_returns() -> None:
    release = asyncio.Event()
    recorder = Recorder()

    async def slow(raw: bytes) -> bytes:
        await release.wait()
        return await recorder(raw)

    async def body(server: MllpServer) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(frame(message("WAIT")))
        await writer.drain()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(reader.read(1), 0.3)
        assert recorder.committed == []
        release.set()
        assert msa(await read_frame(reader)) == ("AA", "WAIT")
        assert recorder.committed == [message("WAIT")]
        await close(writer)

    run(body, slow)


def test_an_oversize_frame_gets_ar_and_the_connection_is_closed() -> None:
    recorder = Recorder()

    async def body(server: MllpServer) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        big = frame(message("BIG", filler="X" * 5000))
        writer.write(big[:3000])  # the end has not even arrived
        await writer.drain()
        ack = await read_frame(reader)
        assert msa(ack) == ("AR", "BIG")  # the control ID is read from the partial MSH
        assert b"207^" in ack
        assert await asyncio.wait_for(reader.read(), 5) == b""  # closed
        assert recorder.committed == []
        await close(writer)

    run(body, recorder, MllpLimits(max_frame_bytes=1000))


def test_a_complete_oversize_frame_is_not_handled() -> None:
    recorder = Recorder()

    async def body(server: MllpServer) -> None:
        ack = await send("127.0.0.1", server.port, message("BIG2", filler="X" * 2000))
        assert msa(ack)[0] == "AR"
        assert recorder.committed == []

    run(body, recorder, MllpLimits(max_frame_bytes=1000))


def test_a_stalled_frame_times_out_without_an_ack() -> None:
    recorder = Recorder()

    async def body(server: MllpServer) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(frame(message("STALL"))[:40])
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), 5) == b""  # closed, nothing acknowledged
        assert recorder.committed == []
        await close(writer)

    run(body, recorder, MllpLimits(frame_timeout=0.2, idle_timeout=30))


def test_an_idle_connection_is_closed() -> None:
    async def body(server: MllpServer) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        assert await asyncio.wait_for(reader.read(), 5) == b""
        await close(writer)

    run(body, limits=MllpLimits(idle_timeout=0.2))


def test_twenty_concurrent_senders() -> None:
    recorder = Recorder()

    async def sender(port: int, n: int) -> list[tuple[str, str]]:
        async with MllpClient("127.0.0.1", port) as client:
            return [msa(await client.send(message(f"S{n}-{i}"))) for i in range(5)]

    async def body(server: MllpServer) -> None:
        results = await asyncio.gather(*(sender(server.port, n) for n in range(20)))
        for n, acks in enumerate(results):
            assert acks == [("AA", f"S{n}-{i}") for i in range(5)]
        assert len(recorder.committed) == 100
        assert len(set(recorder.committed)) == 100

    run(body, recorder)


def test_a_failing_handler_gets_ar_and_the_connection_survives() -> None:
    calls = 0

    async def flaky(raw: bytes) -> bytes:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database is down")
        return await Recorder()(raw)

    async def body(server: MllpServer) -> None:
        async with MllpClient("127.0.0.1", server.port) as client:
            first = await client.send(message("F1"))
            assert msa(first) == ("AR", "F1")
            assert b"207^" in first
            assert msa(await client.send(message("F1"))) == ("AA", "F1")

    run(body, flaky)


def test_graceful_shutdown_finishes_the_frame_in_hand() -> None:
    release = asyncio.Event()
    started = asyncio.Event()
    recorder = Recorder()

    async def slow(raw: bytes) -> bytes:
        started.set()
        await release.wait()
        return await recorder(raw)

    async def main() -> None:
        server = MllpServer(slow, "127.0.0.1", 0)
        await server.start()
        port = server.port
        idle_reader, idle_writer = await asyncio.open_connection("127.0.0.1", port)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(frame(message("LAST")))
        await writer.drain()
        await started.wait()
        stopping = asyncio.create_task(server.stop(grace=5))
        await asyncio.sleep(0.1)
        assert await asyncio.wait_for(idle_reader.read(), 5) == b""  # idle ones close at once
        release.set()
        assert msa(await read_frame(reader)) == ("AA", "LAST")
        await stopping
        assert recorder.committed == [message("LAST")]
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection("127.0.0.1", port)
        await close(writer)
        await close(idle_writer)

    asyncio.run(asyncio.wait_for(main(), 20))


def test_frame_buffer_drops_a_frame_restarted_before_its_end() -> None:
    buf = FrameBuffer()
    assert buf.feed(b"noise\x0bPARTIAL") == []
    assert buf.pending == len(b"\x0bPARTIAL")
    assert buf.feed(b"\x0bWHOLE\x1c\r\x0bNEXT") == [b"WHOLE"]
    assert buf.feed(b"\x1c") == []
    assert buf.feed(b"\r") == [b"NEXT"]
    assert buf.pending == 0


def test_pipelined_frames_are_handled_together_and_answered_in_order() -> None:
    """A sender that writes several frames before reading gets the ACKs in frame order,
    while the handlers run at once (each would wait for a commit) and end in any order."""
    recorder = Recorder()
    arrived: list[str] = []
    all_in = asyncio.Event()

    async def together(raw: bytes) -> bytes:
        arrived.append(msa(await recorder(raw))[1])
        if len(arrived) == 3:
            all_in.set()
        await all_in.wait()  # a one-at-a-time server never gets here with all three
        await asyncio.sleep(0.01 * (3 - len(arrived)))
        arrived.pop()  # the last to arrive finishes first
        return await recorder(raw)

    async def body(server: MllpServer) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"".join(frame(message(c)) for c in ("P1", "P2", "P3")))
        await writer.drain()
        acks = [msa(await read_frame(reader)) for _ in range(3)]
        assert acks == [("AA", "P1"), ("AA", "P2"), ("AA", "P3")]
        await close(writer)

    run(body, together)


def test_one_frame_at_a_time_when_so_limited() -> None:
    busy = 0
    most = 0

    async def counting(raw: bytes) -> bytes:
        nonlocal busy, most
        busy += 1
        most = max(most, busy)
        await asyncio.sleep(0.01)
        busy -= 1
        return await Recorder()(raw)

    async def body(server: MllpServer) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"".join(frame(message(f"O{i}")) for i in range(4)))
        await writer.drain()
        acks = [msa(await read_frame(reader))[1] for _ in range(4)]
        assert acks == ["O0", "O1", "O2", "O3"]
        await close(writer)

    run(body, counting, MllpLimits(max_inflight=1))
    assert most == 1


def test_frames_in_flight_are_still_handled_when_the_sender_goes_away() -> None:
    recorder = Recorder()
    release = asyncio.Event()

    async def slow(raw: bytes) -> bytes:
        await release.wait()
        return await recorder(raw)

    async def body(server: MllpServer) -> None:
        _, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(frame(message("GONE1")) + frame(message("GONE2")))
        await writer.drain()
        await asyncio.sleep(0.1)
        await close(writer)  # no ACK will be read
        release.set()
        for _ in range(50):
            if len(recorder.committed) == 2:
                break
            await asyncio.sleep(0.02)
        assert recorder.committed == [message("GONE1"), message("GONE2")]

    run(body, slow)
