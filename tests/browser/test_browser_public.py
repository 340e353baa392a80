"""The public pages in a real headless Chromium against a real ``reunify serve``.

The scenario walk-through: at 22:00 Izzie Stevens searches for Alex Karev with his age, learns
he is being cared for at Seattle Presbyterian, and follows him: the code comes by email through
a real SMTP server (aiosmtpd) and she types it in. Every public page is checked by axe-core (no
serious or critical violation), must fit a 375 px wide phone, and is screenshotted to
test-artifacts/screenshots/public-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, fits_a_phone, server_env, serving

from families_support import Mailbox, free_port

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
axe_playwright = pytest.importorskip(
    "axe_playwright_python.sync_playwright",
    reason="the accessibility check needs axe-playwright-python (pip install it)",
)
aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")

IZZIE = "izzie@example.org"
BLOCKING = ("serious", "critical")
FIELDS = ("name", "age", "age_approximate", "date_of_birth", "sex", "city", "phone")


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox("127.0.0.1", free_port())
    controller = aiosmtpd_controller.Controller(box, hostname=box.host, port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox) -> Iterator[str]:
    db = tmp_path_factory.mktemp("public-browser") / "reunify.db"
    env = server_env(
        db,
        REUNIFY_NOTIFY_IN_SERVE="true",  # the code email leaves through the real notifier
        REUNIFY_SMTP_HOST=mailbox.host,
        REUNIFY_SMTP_PORT=str(mailbox.port),
        REUNIFY_SMTP_SENDER="reunify@example.org",
    )
    with serving(env, db.with_name("serve.log"), "--demo") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 375, "height": 812})
    tab = context.new_page()
    yield tab
    context.close()


def _check(page: Any, name: str) -> None:
    """Screenshot, 375 px without sideways scrolling, and no serious axe-core violation."""
    fits_a_phone(page, f"public-{name}")
    results = axe_playwright.Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in blocking
    )
    assert not blocking, f"{name}: accessibility violations\n{report}"


def _code_for(mailbox: Mailbox, address: str, already: int) -> str:
    messages = mailbox.wait_for(already + 1, timeout=20)
    mine = [m for m in messages[already:] if m["To"] == address]
    assert mine, f"no code email for {address}"
    body = mine[-1].get_payload(decode=True).decode()
    match = re.search(r"\b(\d{6})\b", body)
    assert match is not None, body
    return match.group(1)


def test_izzie_searches_for_alex_and_follows_him(server: str, page: Any, mailbox: Mailbox) -> None:
    p = page
    p.goto(server + "/")
    _check(p, "01-home")
    p.get_by_role("link", name="I'm looking for someone").click()
    p.wait_for_url("**/search")
    _check(p, "02-search")

    p.get_by_label("Their full name").fill("Alex Karev")
    p.get_by_label("Age", exact=True).fill("31")
    p.get_by_role("button", name="Search").click()
    p.wait_for_url(re.compile(r".*/answers/[A-Za-z0-9_-]{22}$"))
    answer = p.locator(".answer").inner_text()
    assert "being cared for at Seattle Presbyterian Hospital" in answer
    assert "fair" in answer
    assert "778" not in p.content()
    assert "+1 206 555 0100" in p.locator("main").inner_text()
    _check(p, "03-answer-located")

    already = len(mailbox.messages)
    p.get_by_label("Your email address").fill(IZZIE)
    p.get_by_role("button", name="Send me a code").click()
    p.wait_for_url("**/verify")
    assert IZZIE in p.locator("main").inner_text()
    _check(p, "04-code")

    p.get_by_label("Code from the email").fill(_code_for(mailbox, IZZIE, already))
    p.get_by_role("button", name="Confirm and follow").click()
    p.wait_for_url("**/following")
    main = p.locator("main").inner_text()
    assert "You are following this search" in main
    assert "in English" in main
    _check(p, "05-following")

    # She changes her mind: the same stop page as the link at the foot of every email.
    p.get_by_role("link", name="Stop the emails now").click()
    p.wait_for_url("**/stop/*")
    _check(p, "05b-stop-ask")
    p.get_by_role("button", name="Stop the emails").click()
    assert "You will get no more emails" in p.locator("h1").inner_text()
    _check(p, "05c-stopped")


def test_errors_show_beside_their_fields_and_pass_the_checks(server: str, page: Any) -> None:
    page.goto(server + "/search")
    page.get_by_label("Their full name").fill("Alex")
    page.get_by_role("button", name="Search").click()
    summary = page.get_by_role("alert")
    assert "Enter both the given name and the family name" in summary.inner_text()
    name = page.get_by_label("Their full name")
    assert name.get_attribute("aria-invalid") == "true"
    assert name.input_value() == "Alex"  # what she typed is kept
    assert "name-error" in (name.get_attribute("aria-describedby") or "")
    summary.get_by_role("link").first.click()  # the summary's link takes her to the field
    assert page.evaluate("document.activeElement.id") == "name"
    _check(page, "06-search-errors")

    page.goto(server + "/safe")
    page.get_by_role("button", name="Report me safe").click()
    assert page.locator("#name-error").is_visible()
    assert page.locator("#facts-error").is_visible()
    _check(page, "07-safe-errors")


def test_no_information_and_a_safe_report(server: str, page: Any) -> None:
    page.goto(server + "/search")
    page.get_by_label("Their full name").fill("Zelda Quartermaine")
    page.get_by_label("Age", exact=True).fill("40")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/answers/*")
    assert "We have no information we can give you" in page.locator(".answer").inner_text()
    _check(page, "08-answer-no-information")

    page.goto(server + "/")
    page.get_by_role("link", name="I'm safe / I have information").click()
    page.wait_for_url("**/safe")
    _check(page, "09-safe")
    page.get_by_label("Your full name").fill("April Kepner")
    page.get_by_label("Your age").fill("29")
    page.get_by_label("City you live in").fill("Seattle")
    page.get_by_label("A message for the people looking for you (optional)").fill("Fine, at home.")
    page.get_by_role("button", name="Report me safe").click()
    page.wait_for_url("**/safe/thanks")
    _check(page, "10-safe-thanks")

    page.goto(server + "/search")
    page.get_by_label("Their full name").fill("April Kepner")
    page.get_by_label("City they live in").fill("Seattle")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/answers/*")
    answer = page.locator(".answer").inner_text()
    assert "reported themself safe" in answer
    assert "Fine, at home." in answer
    _check(page, "11-answer-safe")


def test_the_public_pages_in_spanish(server: str, page: Any) -> None:
    page.goto(server + "/?lang=es")
    assert page.locator("html").get_attribute("lang") == "es"
    assert "Busco a alguien" in page.locator("main").inner_text()
    _check(page, "12-home-es")
    page.get_by_role("link", name="Busco a alguien").click()
    page.wait_for_url("**/search")
    page.get_by_label("Su nombre completo").fill("Derek Shepard")  # as the news spelled it
    page.get_by_label("Edad", exact=True).fill("45")
    page.get_by_role("button", name="Buscar").click()
    page.wait_for_url("**/answers/*")
    assert "está siendo atendida en" in page.locator(".answer").inner_text()
    _check(page, "13-answer-es")
    for path, name in (("/safe", "14-safe-es"), ("/about", "15-about-es")):
        page.goto(server + path)
        assert page.locator("html").get_attribute("lang") == "es"
        _check(page, name)


def test_the_keyboard_reaches_the_search_fields_in_reading_order(server: str, page: Any) -> None:
    page.goto(server + "/search")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"  # first: skip the header
    page.keyboard.press("Enter")
    reached = []
    for _ in range(15):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
    fields = [r for r in reached if r in FIELDS]
    assert fields == list(FIELDS)
    assert reached.index("BUTTON") > reached.index("phone")


def test_an_answer_link_on_another_browser_shows_nothing(
    server: str, browser: Any, page: Any
) -> None:
    page.goto(server + "/search")
    page.get_by_label("Their full name").fill("Alex Karev")
    page.get_by_label("Age", exact=True).fill("31")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/answers/*")
    other = browser.new_context(viewport={"width": 375, "height": 812})
    try:
        stranger = other.new_page()
        stranger.goto(page.url)
        main = stranger.locator("main").inner_text()
        assert "This answer is not available here" in main
        assert "Seattle Presbyterian" not in main
        _check(stranger, "16-answer-not-here")
    finally:
        other.close()
    page.goto(server + "/about?lang=en")
    _check(page, "17-about")
