"""Helpers of the browser tests: a real ``reunify serve`` on a free port, and page checks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def server_env(db: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "REUNIFY_DATABASE_URL": f"sqlite:///{db}",
        "REUNIFY_SECRET_KEY": "browser-test-" + "k" * 40,
        "REUNIFY_ENVIRONMENT": "development",  # plain http: cookies may not be Secure
        **extra,
    }


def reunify(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reunify", *args],
        env=env,
        input=stdin,
        text=True,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"reunify {' '.join(args)} failed:\n{done.stderr[-2000:]}")


@contextmanager
def serving(env: dict[str, str], log_path: Path, *args: str) -> Iterator[str]:
    """``reunify serve ARGS`` on a free port until the block ends; yields its base URL."""
    port = free_port()
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reunify",
                "serve",
                *args,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"reunify serve did not start:\n{log_path.read_text()}")
                    time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def fits_a_phone(page: object, name: str, width: int = 375) -> None:
    """Screenshot the page and insist it fits a phone without sideways scrolling."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
    scroll = page.evaluate("document.scrollingElement.scrollWidth")  # type: ignore[attr-defined]
    assert scroll <= width, f"{name} scrolls sideways: {scroll}px wide"
