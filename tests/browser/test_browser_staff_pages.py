"""The staff pages in a real headless Chromium against a real ``reunify serve``.

The scenario walk-through: the front desk at Seattle Pres signs in, types "alex karev", sees
7W room 778 and prints Izzie Stevens's badge; the PDF itself is read and checked. Every page is
screenshotted to test-artifacts/screenshots/ and must fit a 375 px wide screen.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SHOTS,
    fits_a_phone,
    reunify,
    server_env,
    serving,
)

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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "reunify.db"
    env = server_env(db, REUNIFY_NOTIFY_IN_SERVE="false")
    reunify(env, "demo")
    for name, role in (
        ("sph-desk", ["facility_staff", "--facility", "SPH"]),
        ("commander", ["admin"]),
    ):
        reunify(
            env, "user", "add", name, "--role", *role, "--password-stdin", stdin=PASSWORD + "\n"
        )
    with serving(env, db.with_name("serve.log"), "--demo") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
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
    fits_a_phone(page, name)


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
