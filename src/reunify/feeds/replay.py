"""Replay files of HL7 messages through the same receiver path as the listener."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reunify.feeds.inbox import Receipt
from reunify.feeds.receiver import Receiver
from reunify.interop.hl7v2 import AckCode, split_messages


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    number: int  # 1-based position of the message in its file
    code: AckCode
    text: str


@dataclass
class Summary:
    counts: dict[AckCode, int] = field(default_factory=lambda: dict.fromkeys(AckCode, 0))
    states: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)

    def add(self, path: Path, number: int, receipt: Receipt) -> None:
        self.counts[receipt.code] += 1
        self.states[receipt.state] = self.states.get(receipt.state, 0) + 1
        self.duplicates += receipt.duplicate
        if receipt.code is not AckCode.AA:
            self.problems.append(Problem(path, number, receipt.code, receipt.text))


def read(paths: Iterable[Path], summary: Summary) -> list[tuple[Path, int, bytes]]:
    """Every message of every readable file, in order; unreadable files go in the summary."""
    found: list[tuple[Path, int, bytes]] = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            summary.unreadable.append((path, exc.strerror or type(exc).__name__))
            continue
        found += [(path, n, raw) for n, raw in enumerate(split_messages(data), start=1)]
    return found


def _chunks(
    items: list[tuple[Path, int, bytes]], size: int
) -> Iterator[list[tuple[Path, int, bytes]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def replay(
    receiver: Receiver,
    messages: list[tuple[Path, int, bytes]],
    summary: Summary,
    *,
    batch: int = 100,
    advance: Callable[[int], None] | None = None,
) -> Summary:
    """Receive the messages in file order, ``batch`` per transaction."""
    for chunk in _chunks(messages, batch):
        receipts = receiver.receive_batch([raw for _, _, raw in chunk])
        for (path, number, _), receipt in zip(chunk, receipts, strict=True):
            summary.add(path, number, receipt)
        if advance is not None:
            advance(len(chunk))
    return summary
