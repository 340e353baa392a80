"""kill -9 of a real `reunify mllp` process: no acknowledged message lost, none applied twice.

The small version of ``reunify bench hl7 --kill-test`` (the same code, in
``benchmarks/bench_hl7.py``): four real socket clients, each with eight frames in flight,
stream 512 messages into a server that is killed with SIGKILL three times, at moments spread
over the stream, and restarted. Frames whose ACK never came are sent again (some of them
were committed: those must get their stored ACK and change nothing). Afterwards every
ACKed message is in the inbox once and applied once: one person per patient, two movements
each, one audit event per movement.
"""

from __future__ import annotations

import os

import pytest

from reunify.cli.bench import load_benchmark

POSTGRES_ENV = "REUNIFY_TEST_POSTGRES_URL"  # as in tests/conftest.py
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.mark.serial
@pytest.mark.parametrize("apply", ["inline", "deferred"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_kill_9_loses_no_acknowledged_message_and_applies_none_twice(
    backend: str, apply: str
) -> None:
    db = "sqlite"
    if backend == "postgresql":
        url = os.environ.get(POSTGRES_ENV)
        if not url:
            pytest.skip(f"PostgreSQL tests skipped: set {POSTGRES_ENV} to run them")
        db = url
    bench = load_benchmark("bench_hl7")
    result = bench.kill_test(db, messages=512, kills=3, senders=4, window=8, apply=apply)
    assert result.problems == []
    assert result.messages == 512
    assert result.resent > 0  # the kills did land while frames were in flight
