"""Reading HL7 files for replay: splitting, envelopes, comments, unreadable files."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from reunify.cli.importing import parse_aliases
from reunify.feeds.inbox import Receipt
from reunify.feeds.replay import Summary, read
from reunify.interop.hl7v2 import AckCode

MSH = "MSH|^~\\&|A|F|R|R|20261120144000||ADT^A04|{n}|P|2.5"


def test_read_splits_messages_across_line_endings_envelopes_and_comments(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.hl7"
    crlf.write_bytes(
        ("FHS|^~\\&\r\nBHS|^~\\&\r\n/* a comment\r\n over lines */\r\n"
         + MSH.format(n=1) + "\r\nPID|1\r\n\r\n" + MSH.format(n=2) + "\r\nPID|2\r\nBTS|2\r\nFTS|1")
        .encode()
    )  # fmt: skip
    lf = tmp_path / "lf.hl7"
    lf.write_bytes(("\ufeff" + MSH.format(n=3) + "\nPID|3\n").encode())
    summary = Summary()
    messages = read([crlf, lf, tmp_path / "missing.hl7"], summary)
    assert [(p.name, n) for p, n, _ in messages] == [
        ("crlf.hl7", 1),
        ("crlf.hl7", 2),
        ("lf.hl7", 1),
    ]
    assert messages[1][2] == (MSH.format(n=2) + "\rPID|2\r").encode()
    assert [(p.name, reason) for p, reason in summary.unreadable] == [
        ("missing.hl7", "No such file or directory")
    ]


def test_summary_counts_acks_states_and_keeps_the_problems() -> None:
    summary = Summary()
    path = Path("x.hl7")
    summary.add(path, 1, Receipt(b"", AckCode.AA, "applied"))
    summary.add(path, 2, Receipt(b"", AckCode.AA, "applied", duplicate=True))
    summary.add(path, 3, Receipt(b"", AckCode.AE, "error", text="MSH-4: unknown"))
    assert summary.counts == {AckCode.AA: 2, AckCode.AE: 1, AckCode.AR: 0}
    assert summary.states == {"applied": 2, "error": 1}
    assert summary.duplicates == 1
    assert [(p.number, p.text) for p in summary.problems] == [(3, "MSH-4: unknown")]


def test_aliases_are_name_equals_code() -> None:
    assert parse_aliases(("Grace Mercy West=SGMW", "A=B=C")) == [
        ("Grace Mercy West", "SGMW"), ("A=B", "C"),
    ]  # fmt: skip
    with pytest.raises(click.BadParameter):
        parse_aliases(("SGMW",))
