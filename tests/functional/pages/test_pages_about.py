"""The public about and privacy page, in English and Spanish, with no sign-in."""

from __future__ import annotations

from fastapi.testclient import TestClient

from reunify.web.i18n import COOKIE


def test_about_is_public_and_names_the_family_assistance_centre(
    app_client: TestClient, demo: int
) -> None:
    response = app_client.get("/about")
    assert response.status_code == 200
    assert "set-cookie" not in response.headers  # a public reader is not given a session
    assert '<html lang="en">' in response.text
    assert "Who sees what" in response.text
    assert "+1 206 555 0100" in response.text
    assert app_client.get("/about", params={"format": "json"}).json()["centre"]["phone"] == (
        "+1 206 555 0100"
    )


def test_about_in_spanish_from_the_browser_or_a_link(app_client: TestClient, demo: int) -> None:
    browser = app_client.get("/about", headers={"Accept-Language": "es-US,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in browser.text
    assert "Quién ve qué" in browser.text
    chosen = app_client.get("/about", params={"lang": "es"})
    assert chosen.cookies.get(COOKIE) == "es"
    remembered = app_client.get("/about", headers={"Accept-Language": "en"})
    assert "Acerca de Reunify" in remembered.text
    back = app_client.get("/about", params={"lang": "en"})
    assert "About Reunify" in back.text
