"""The staff pages in a real headless Chromium against a real ``reunify serve``.

The scenario walk-through: the front desk at Seattle Pres signs in, types "alex karev", sees
7W room 778 and prints Izzie Stevens's badge; the PDF itself is read and checked. Every page is
screenshotted to test-artifacts/screenshots/ and must fit a 375 px wide screen.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "front-desk-password"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="browser tests need Debian's chromium at /usr/bin/chromium "
        "(apt-get install -y chromium)",
    ),
]
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need playwright (pip install playwright)"
)
pypdf = pytest.importorskip("pypdf", reason="the badge check needs pypdf (pip install pypdf)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _reunify(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "reunify.db"
    port = _free_port()
    env = {
        **os.environ,
        "REUNIFY_DATABASE_URL": f"sqlite:///{db}",
        "REUNIFY_SECRET_KEY": "browser-test-" + "k" * 40,
        "REUNIFY_ENVIRONMENT": "development",  # plain http: the cookie may not be Secure
        "REUNIFY_NOTIFY_IN_SERVE": "false",
    }
    _reunify(env, "demo")
    _reunify(
        env,
        "user",
        "add",
        "sph-desk",
        "--role",
        "facility_staff",
        "--facility",
        "SPH",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    _reunify(
        env,
        "user",
        "add",
        "commander",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    log_path = db.with_name("serve.log")
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reunify",
            "serve",
            "--demo",
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
    base = f"http://127.0.0.1:{port}"
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
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 375, "height": 812}, accept_downloads=True)  # type: ignore[attr-defined]
    tab = context.new_page()
    yield tab
    context.close()


def _check_page(page: object, name: str) -> None:
    """Screenshot the page and insist it fits a 375 px phone without sideways scrolling."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
    width = page.evaluate("document.scrollingElement.scrollWidth")  # type: ignore[attr-defined]
    assert width <= 375, f"{name} scrolls sideways: {width}px wide"


def _sign_in(page: object, base: str, username: str, then: str = "") -> None:
    page.goto(base + (then or "/signin"))  # type: ignore[attr-defined]
    page.get_by_label("Username").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]


def test_front_desk_finds_alex_and_prints_izzies_badge(server: str, page: object) -> None:
    p = page
    p.goto(server + "/desk")  # type: ignore[attr-defined]
    assert "/signin" in p.url  # type: ignore[attr-defined]
    _check_page(p, "01-signin")
    _sign_in(p, server, "sph-desk")
    p.wait_for_url("**/desk")  # type: ignore[attr-defined]
    _check_page(p, "02-desk-empty")

    p.get_by_label("Patient's name, as the visitor says it").fill("alex karev")  # type: ignore[attr-defined]
    p.get_by_role("button", name="Search").click()  # type: ignore[attr-defined]
    result = p.locator("li.card.here")  # type: ignore[attr-defined]
    assert "Alexander Karev" in result.inner_text()
    assert "7W, room 778" in result.inner_text()
    assert "Alex Karev" in result.inner_text()  # the alias that tells people apart
    _check_page(p, "03-desk-results")

    result.get_by_label("Visitor's name").fill("Izzie Stevens")
    result.get_by_role("button", name="Print visitor badge").click()
    p.wait_for_url("**/desk/badges/*")  # type: ignore[attr-defined]
    _check_page(p, "04-badge")
    with p.expect_download() as download_info:  # type: ignore[attr-defined]
        p.get_by_role("link", name="Download badge (PDF) to print").click()  # type: ignore[attr-defined]
    pdf_bytes = Path(download_info.value.path()).read_bytes()
    text = pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages[0].extract_text()
    assert "778" in text
    assert "Izzie Stevens" in text
    assert "Seattle Presbyterian Hospital" in text
    (SHOTS / "badge.pdf").write_bytes(pdf_bytes)

    p.get_by_role("link", name="Visitor log").click()  # type: ignore[attr-defined]
    assert "Izzie Stevens" in p.locator("main").inner_text()  # type: ignore[attr-defined]
    _check_page(p, "05-visitor-log")


def test_protected_and_misspelt_answers_read_as_no_information(server: str, page: object) -> None:
    _sign_in(page, server, "sph-desk")
    page.get_by_label("Patient's name, as the visitor says it").fill("Nobody Here")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Search").click()  # type: ignore[attr-defined]
    assert "No information" in page.locator("main").inner_text()  # type: ignore[attr-defined]
    _check_page(page, "06-desk-no-information")


def test_bed_board_change_shows_on_the_dashboard(server: str, page: object) -> None:
    _sign_in(page, server, "commander", "/beds?facility=SPH")
    page.wait_for_url("**/beds?facility=SPH")  # type: ignore[attr-defined]
    _check_page(page, "07-beds")
    page.get_by_role("group", name="Burn").get_by_label("Free now").fill("1")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Save bed counts").click()  # type: ignore[attr-defined]
    assert "Saved" in page.locator("main").inner_text()  # type: ignore[attr-defined]
    page.goto(server + "/dashboard")  # type: ignore[attr-defined]
    main = page.locator("main").inner_text()  # type: ignore[attr-defined]
    assert "1/6 Burn" in main.replace("\n", " ")
    assert page.locator("svg polyline").count() >= 2  # type: ignore[attr-defined]
    _check_page(page, "08-dashboard")


def test_about_page_in_spanish(server: str, page: object) -> None:
    page.goto(server + "/about?lang=es")  # type: ignore[attr-defined]
    assert page.locator("html").get_attribute("lang") == "es"  # type: ignore[attr-defined]
    assert "Quién ve qué" in page.locator("main").inner_text()  # type: ignore[attr-defined]
    _check_page(page, "09-about-es")
