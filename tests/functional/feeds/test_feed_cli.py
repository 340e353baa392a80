"""``reunify import hl7``, ``reunify mllp`` and ``reunify serve --mllp-port`` from the outside."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from hl7_support import adt, karev_day
from reunify.cli import cli
from reunify.interop.hl7v2 import send_sync
from reunify.store import Database
from reunify.store import hl7_tables as h
from reunify.tracking.service import locate


def test_import_hl7_replays_files_and_summarises_the_acks(
    feed_db: Database, tmp_path: Path
) -> None:
    day = tmp_path / "karev.hl7"
    # LF line endings, a batch envelope and a comment line: all of it is read.
    body = b"".join(m.replace(b"\r", b"\n") for m in karev_day())
    day.write_bytes(b"FHS|^~\\&\nBHS|^~\\&\n// SGMW and SPH, day 1\n" + body + b"BTS|4\nFTS|1\n")
    bad = tmp_path / "bad.hl7"
    bad.write_bytes(adt("A04", "X1", facility="NOWHERE", location="ED"))
    result = CliRunner().invoke(cli, ["import", "hl7", "--db", feed_db.url, str(day), str(bad)])
    assert result.exit_code == 0, result.output
    assert "AA  │ 4" in result.output
    assert "AE  │ 1" in result.output
    assert "MSH-4: 'NOWHERE' is not a known facility" in result.output
    with feed_db.session() as session:
        (view,) = locate(session, "Alexander Karev", actor="test")
        assert view.location == "7W, room 778"
    again = CliRunner().invoke(cli, ["import", "hl7", "--db", feed_db.url, str(day)])
    assert "duplicates (already stored): 4" in again.output


def test_import_hl7_fails_only_for_an_unreadable_file(feed_db: Database, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["import", "hl7", "--db", feed_db.url, str(tmp_path / "missing.hl7")]
    )
    assert result.exit_code == 1
    assert "cannot read" in result.output


def test_import_hl7_saves_facility_aliases(feed_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "a.hl7"
    path.write_bytes(adt("A04", "1", facility="Grace Mercy West", location="ED"))
    args = ["import", "hl7", "--db", feed_db.url, "--alias", "Grace Mercy West=SGMW", str(path)]
    result = CliRunner().invoke(cli, args)
    assert "AA  │ 1" in result.output, result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


def test_serve_with_mllp_port_takes_http_and_hl7_in_one_process(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    http, mllp = _free_port(), _free_port()
    command = [sys.executable, "-m", "reunify", "serve", "--db", url, "--demo"]
    proc = subprocess.Popen(
        [*command, "--port", str(http), "--mllp-port", str(mllp)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for(mllp)
        _wait_for(http)
        assert proc.poll() is None  # it is our server that answers, not another on that port
        ack = send_sync("127.0.0.1", mllp, adt("A04", "S1", ids="NEW1^^^SGMW^MR"), timeout=30)
        assert b"MSA|AA|S1" in ack
        with urllib.request.urlopen(f"http://127.0.0.1:{http}/healthz", timeout=30) as response:
            assert response.status == 200
    finally:
        proc.terminate()
        proc.wait(30)
    database = Database(url)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(h.Hl7Message)) == 1
    database.dispose()
