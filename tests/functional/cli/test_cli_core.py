"""The CLI as a user runs it: one clear line on errors, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reunify.cli import cli


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'demo.db'}"
    result = CliRunner().invoke(cli, ["demo", "--db", url])
    assert result.exit_code == 0, result.output
    assert "15 people" in result.output
    return url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_demo_is_idempotent(demo_db: str) -> None:
    code, out, _ = run("demo", "--db", demo_db)
    assert code == 0
    assert "0 people and 0 movements" in out


def test_locate_json_shape(demo_db: str) -> None:
    code, out, _ = run("locate", "Alex Karev", "--db", demo_db, "--json")
    assert code == 0
    body = json.loads(out)
    assert body["query"] == "Alex Karev"
    (alex,) = body["results"]
    assert {"person_id", "names", "status", "facility", "location", "condition", "history"} <= set(
        alex
    )
    assert alex["facility"] == "Seattle Presbyterian Hospital"
    assert alex["location"] == "7W, room 778"
    assert len(alex["history"]) == 5


def test_locate_text_and_no_match(demo_db: str) -> None:
    code, out, _ = run("locate", "owen hunt", "--db", demo_db)
    assert code == 0
    assert "discharged" in out
    code, out, _ = run("locate", "Nobody Atall", "--db", demo_db)
    assert code == 1
    assert "nobody named" in out


def test_db_check_reports_no_drift(demo_db: str) -> None:
    code, out, _ = run("db", "check", "--db", demo_db)
    assert code == 0
    assert "no drift" in out


def test_an_unmigrated_database_is_one_clear_line(tmp_path: Path) -> None:
    code, _, err = run("locate", "x", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert code == 1
    assert err.strip().startswith("error: db:")
    assert "reunify db upgrade" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("url", ["mysql://x@y/z", "not a url at all"])
def test_a_bad_database_url_is_one_clear_line(url: str) -> None:
    code, _, err = run("db", "upgrade", "--db", url)
    assert code == 1
    assert err.startswith("error: db:")


def test_user_add_and_token(demo_db: str) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "user",
            "add",
            "desk.sph",
            "--role",
            "facility_staff",
            "--facility",
            "SPH",
            "--password-stdin",
            "--db",
            demo_db,
        ],
        input="a long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    code, out, _ = run("user", "token", "desk.sph", "--db", demo_db)
    assert code == 0
    assert out.strip().startswith("rfy_")
    code, _, err = run("user", "add", "desk.sph", "--role", "admin", "--db", demo_db)
    assert code == 1
    assert "already exists" in err
    code, _, err = run("user", "add", "x", "--role", "facility_staff", "--db", demo_db)
    assert code == 1
    assert "--facility" in err
    code, _, err = run(
        "user", "add", "y", "--role", "facility_staff", "--facility", "NOPE", "--db", demo_db
    )
    assert code == 1
    assert "NOPE" in err


def test_python_dash_m_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reunify", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.startswith("reunify, version")


def test_a_reader_that_goes_away_ends_the_output_quietly(demo_db: str) -> None:
    """``reunify locate ... | head -1``: no "error: BrokenPipeError" line, no traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is written
    try:
        done = subprocess.run(
            [sys.executable, "-m", "reunify", "locate", "Derek Shepard", "--db", demo_db],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 1
