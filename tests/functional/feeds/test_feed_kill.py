"""kill -9 of a real `reunify mllp` process: no acknowledged message lost, none applied twice."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from hl7_support import adt
from reunify.demo import scenario as s
from reunify.interop.hl7v2.mllp import FrameBuffer, frame
from reunify.store import Database, facilities, migrate
from reunify.store import hl7_tables as h
from reunify.store import tables as t

PATIENTS = 150  # an A04 and an A02 each: 300 messages
KILLS = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(url: str, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "reunify", "mllp", "--db", url, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()  # "MLLP listening on ..." once it accepts connections
    assert b"MLLP listening" in line, line
    return proc


def _kill(proc: subprocess.Popen[bytes]) -> None:
    proc.kill()
    proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def _messages() -> list[bytes]:
    out = []
    for k in range(PATIENTS):
        ids = f"K{k}^^^SGMW^MR"
        out.append(adt("A04", f"A04-{k}", ids=ids, name=f"Patient^Number{k}^^^^^L"))
        out.append(
            adt("A02", f"A02-{k}", ids=ids, name=f"Patient^Number{k}^^^^^L", patient_class="E",
                location=f"ED^{k}^^SGMW", when="20261120150000")
        )  # fmt: skip
    return out


def _seed(url: str) -> None:
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.session() as session:
        for facility in s.FACILITIES:
            facilities.upsert(session, facility)
        session.add(
            t.Incident(slug="kill", name="Kill test", started_at=s.STARTED_AT, timezone="UTC",
                       settings={}, created_at=s.STARTED_AT)
        )  # fmt: skip
    database.dispose()


@pytest.mark.serial
def test_kill_9_loses_no_acknowledged_message_and_applies_none_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    _seed(url)
    port = _free_port()
    messages = _messages()
    kill_at = {len(messages) * (i + 1) // (KILLS + 1) for i in range(KILLS)}
    acked: set[str] = set()
    proc = _start(url, port)
    sock: socket.socket | None = None
    sent = 0
    try:
        i = 0
        while i < len(messages):
            if sock is None:
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(frame(messages[i]))
            sent += 1
            if sent in kill_at:  # mid-flight: the frame is sent, its ACK not yet read
                _kill(proc)
                proc = _start(url, port)
            buffer, acks = FrameBuffer(), []
            try:
                while not acks:
                    data = sock.recv(65536)
                    if not data:
                        raise ConnectionError("closed")
                    acks = buffer.feed(data)
            except OSError:
                sock.close()
                sock = None
                continue  # no ACK: send the same message again (at-least-once)
            msa = next(x for x in acks[0].decode().split("\r") if x.startswith("MSA"))
            code, control = msa.split("|")[1:3]
            assert code == "AA", msa
            acked.add(control)
            i += 1
    finally:
        if sock is not None:
            sock.close()
        _kill(proc)
    assert len(acked) == len(messages)
    database = Database(url)
    with database.session() as session:
        stored = set(session.scalars(select(h.Hl7Message.control_id)))
        assert acked <= stored
        states = Counter(session.scalars(select(h.Hl7Message.state)))
        assert states == {"applied": len(messages)}
        per_person = Counter(session.scalars(select(t.Movement.person_id)))
        assert len(per_person) == PATIENTS
        assert set(per_person.values()) == {2}  # nothing applied twice
    database.dispose()
