"""A real MLLP listener and real clients over 127.0.0.1, into the durable inbox."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from hl7_support import adt, karev_day
from reunify.feeds import Receiver
from reunify.interop.hl7v2 import MllpClient, MllpServer
from reunify.store import Database
from reunify.store import hl7_tables as h
from reunify.store import tables as t
from reunify.tracking.service import locate


def _msa(ack: bytes) -> str:
    segments = ack.decode().split("\r")
    return next(s for s in segments if s.startswith("MSA"))


def test_the_karev_day_over_mllp_with_a_repeated_message(feed_db: Database) -> None:
    async def run() -> list[bytes]:
        with Receiver(feed_db) as receiver:
            async with MllpServer(receiver.handle, "127.0.0.1", 0) as server:
                async with MllpClient("127.0.0.1", server.port) as client:
                    acks = [await client.send(m) for m in karev_day()]
                    acks.append(await client.send(karev_day()[1]))  # resent: lost ACK
                return acks

    acks = asyncio.run(run())
    assert [_msa(a) for a in acks] == [
        "MSA|AA|SG-1", "MSA|AA|SG-2", "MSA|AA|SP-1", "MSA|AA|SP-2", "MSA|AA|SG-2",
    ]  # fmt: skip
    assert acks[4] == acks[1]  # byte for byte: the stored ACK
    with feed_db.session() as session:
        (view,) = locate(session, "Alexander Karev", actor="test")
        assert (view.facility_code, view.location) == ("SPH", "7W, room 778")
        assert len(view.history) == 4
        assert session.scalar(select(func.count()).select_from(h.Hl7Message)) == 4


def test_eight_concurrent_senders_each_get_their_own_committed_acks(feed_db: Database) -> None:
    async def sender(port: int, n: int) -> list[str]:
        async with MllpClient("127.0.0.1", port) as client:
            return [
                _msa(await client.send(adt("A04", f"C{n}-{i}", ids=f"M{n}-{i}^^^SGMW^MR")))
                for i in range(15)
            ]

    async def run() -> list[list[str]]:
        with Receiver(feed_db) as receiver:
            async with MllpServer(receiver.handle, "127.0.0.1", 0) as server:
                return await asyncio.gather(*(sender(server.port, n) for n in range(8)))

    results = asyncio.run(run())
    for n, msas in enumerate(results):
        assert msas == [f"MSA|AA|C{n}-{i}" for i in range(15)]
    with feed_db.session() as session:
        assert session.scalar(select(func.count()).select_from(h.Hl7Message)) == 120
        assert session.scalar(select(func.count()).select_from(t.Movement)) == 120


def test_a_garbage_frame_gets_an_answer_and_the_connection_keeps_working(
    feed_db: Database,
) -> None:
    async def run() -> tuple[bytes, bytes]:
        with Receiver(feed_db) as receiver:
            async with MllpServer(receiver.handle, "127.0.0.1", 0) as server:
                async with MllpClient("127.0.0.1", server.port) as client:
                    bad = await client.send(b"this is not HL7")
                    good = await client.send(adt("A04", "G1"))
                return bad, good

    bad, good = asyncio.run(run())
    assert b"MSA|AE" in bad
    assert _msa(good) == "MSA|AA|G1"
