"""The reunification centre in a real headless Chromium against a real ``reunify serve``.

An officer (the demo's administrator) opens the queue of uncertain matches, reads Amelia
Shepherd's inquiry for "Derek Shepherd, about 52" side by side with Derek's record and the
field-by-field explanation, and confirms it. Screenshots go to test-artifacts/screenshots/
and every page must fit a 375 px wide screen.

The live server, the browser and the sign-in come from ``test_browser_staff_pages`` (the
same ``reunify demo`` database, which includes the centre's review cases).
"""

from __future__ import annotations

import pytest
from test_browser_staff_pages import (  # noqa: F401  (fixtures are used by name)
    _check_page,
    _sign_in,
    browser,
    page,
    server,
)

pytestmark = [pytest.mark.browser]


def test_an_officer_confirms_an_uncertain_match(server: str, page: object) -> None:  # noqa: F811
    p = page
    _sign_in(p, server, "commander", "/centre")
    p.wait_for_url("**/centre")  # type: ignore[attr-defined]
    assert "Uncertain matches" in p.locator("main").inner_text()  # type: ignore[attr-defined]
    _check_page(p, "centre-01-home")

    p.get_by_role("link", name="Uncertain matches").click()  # type: ignore[attr-defined]
    p.wait_for_url("**/centre/matches")  # type: ignore[attr-defined]
    _check_page(p, "centre-02-queue")
    p.get_by_role("link", name="Derek Shepherd and Derek Christopher Shepherd").click()  # type: ignore[attr-defined]
    p.wait_for_url("**/centre/matches/inquiry/*")  # type: ignore[attr-defined]
    main = p.locator("main").inner_text()  # type: ignore[attr-defined]
    assert "What the seeker said" in main
    assert "Seattle Presbyterian Hospital" in main
    why = p.locator("table.why").inner_text()  # type: ignore[attr-defined]
    assert "date of birth or age" in why
    assert "family name" in why
    _check_page(p, "centre-03-pair")

    p.get_by_label("Note for the record (how you decided)").fill(  # type: ignore[attr-defined]
        "His sister misremembered his age; confirmed by phone with his wife."
    )
    p.get_by_role("button", name="Confirm: same person").click()  # type: ignore[attr-defined]
    p.wait_for_url("**/centre/matches?decided=inquiry-*-confirmed")  # type: ignore[attr-defined]
    status = p.get_by_role("status").first.inner_text()  # type: ignore[attr-defined]
    assert "confirmed" in status
    done = p.get_by_role("link", name="Derek Shepherd and Derek Christopher Shepherd")  # type: ignore[attr-defined]
    assert done.count() == 0
    _check_page(p, "centre-04-confirmed")

    p.goto(server + "/dashboard")  # type: ignore[attr-defined]
    assert "Inquiries without a match (0)" in p.locator("main").inner_text()  # type: ignore[attr-defined]


def test_the_other_centre_queues_render_on_a_phone(server: str, page: object) -> None:  # noqa: F811
    _sign_in(page, server, "commander", "/centre/unidentified?sex=female&age=50&hair=grey")
    page.wait_for_url("**/centre/unidentified*")  # type: ignore[attr-defined]
    first = page.locator("ol.queue > li").first  # type: ignore[attr-defined]
    assert "Juniper Doe" in first.inner_text()
    _check_page(page, "centre-05-unidentified")
    page.goto(server + "/centre/minors")  # type: ignore[attr-defined]
    assert "Noah Castellan" in page.locator("main").inner_text()  # type: ignore[attr-defined]
    _check_page(page, "centre-06-minors")
    page.goto(server + "/centre/deaths")  # type: ignore[attr-defined]
    assert "Reed Adamson" in page.locator("main").inner_text()  # type: ignore[attr-defined]
    _check_page(page, "centre-07-deaths")


def test_the_front_desk_is_kept_out(server: str, page: object) -> None:  # noqa: F811
    _sign_in(page, server, "sph-desk", "/centre")
    assert "This page is not for your role." in page.locator("main").inner_text()  # type: ignore[attr-defined]
