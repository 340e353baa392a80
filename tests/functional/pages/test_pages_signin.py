"""Sign-in, sessions, CSRF and who may open which page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from pages_support import PASSWORD, add_user, csrf, sign_in
from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.domain import Role
from reunify.store import tables as t
from reunify.web.sessions import COOKIE_NAME


def _events(session: Session, tag: str) -> list[t.Event]:
    return list(session.scalars(select(t.Event).where(t.Event.tag == tag)))


def test_pages_need_sign_in(app_client: TestClient, demo: int) -> None:
    response = app_client.get("/desk?q=alex+karev", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/desk%3Fq%3Dalex%2Bkarev"
    twin = app_client.get("/desk?format=json")
    assert twin.status_code == 401
    assert twin.json()["error"] == "unauthorized"


def test_sign_in_sets_a_hardened_cookie_and_lands_on_the_roles_page(
    app_client: TestClient, session: Session, demo: int
) -> None:
    add_user(session, "desk", Role.FACILITY_STAFF, ("SPH",))
    token = csrf(app_client, "/signin")
    response = app_client.post(
        "/signin",
        data={"username": "desk", "password": PASSWORD, "csrf_token": token, "next": ""},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/desk"
    cookie = response.headers["set-cookie"].lower()
    assert f"{COOKIE_NAME}=" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie  # the test settings are development
    assert app_client.get("/desk").status_code == 200
    assert len(_events(session, "staff:user:login")) == 1


def test_cookie_is_secure_when_configured(
    app_client: TestClient, session: Session, demo: int
) -> None:
    app_client.app.state.settings.cookie_secure = True  # type: ignore[attr-defined]
    response = app_client.get("/signin")
    assert "secure" in response.headers["set-cookie"].lower()


def test_wrong_password_and_unknown_user_read_the_same(
    app_client: TestClient, session: Session, demo: int
) -> None:
    add_user(session, "desk", Role.FACILITY_STAFF, ("SPH",))
    answers = []
    for username, password in (("desk", "wrong password"), ("nobody", PASSWORD)):
        token = csrf(app_client, "/signin")
        response = app_client.post(
            "/signin", data={"username": username, "password": password, "csrf_token": token}
        )
        assert response.status_code == 401
        answers.append(response.text.replace(username, "USER"))
    assert "Username or password not recognised." in answers[0]
    assert answers[0].count("not recognised") == answers[1].count("not recognised")
    assert len(_events(session, "staff:user:login_failed")) == 2
    assert app_client.get("/desk", follow_redirects=False).status_code == 303


def test_sign_in_without_the_csrf_token_is_refused(
    app_client: TestClient, session: Session, demo: int
) -> None:
    add_user(session, "desk", Role.FACILITY_STAFF, ("SPH",))
    response = app_client.post(
        "/signin", data={"username": "desk", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert app_client.get("/desk", follow_redirects=False).status_code == 303


def test_next_goes_back_to_the_page_but_never_off_site(
    app_client: TestClient, session: Session, demo: int
) -> None:
    add_user(session, "desk", Role.FACILITY_STAFF, ("SPH",))
    for target, expected in (
        ("/desk?q=alex+karev", "/desk?q=alex+karev"),
        ("//evil.example", "/desk"),
    ):
        app_client.cookies.clear()
        token = csrf(app_client, "/signin")
        response = app_client.post(
            "/signin",
            data={"username": "desk", "password": PASSWORD, "csrf_token": token, "next": target},
            follow_redirects=False,
        )
        assert response.headers["location"] == expected


def test_sign_out_needs_the_token_and_ends_the_session(
    app_client: TestClient, session: Session, demo: int
) -> None:
    add_user(session, "desk", Role.FACILITY_STAFF, ("SPH",))
    sign_in(app_client, "desk")
    app_client.post("/signout", data={"csrf_token": "forged"})
    assert app_client.get("/desk", follow_redirects=False).status_code == 200
    token = csrf(app_client, "/desk")
    copied = app_client.cookies[COOKIE_NAME]
    app_client.post("/signout", data={"csrf_token": token}, follow_redirects=False)
    assert app_client.get("/desk", follow_redirects=False).status_code == 303
    assert len(_events(session, "staff:user:logout")) == 1
    # A copy of the cookie taken before signing out is worthless after it.
    app_client.cookies.clear()
    app_client.cookies.set(COOKIE_NAME, copied)
    assert app_client.get("/desk", follow_redirects=False).status_code == 303


def test_a_deactivated_account_is_signed_out_at_once(
    app_client: TestClient, session: Session, demo: int
) -> None:
    user = add_user(session, "desk", Role.FACILITY_STAFF, ("SPH",))
    sign_in(app_client, "desk")
    user.active = False
    session.commit()
    assert app_client.get("/desk", follow_redirects=False).status_code == 303


def test_a_tampered_cookie_is_ignored(app_client: TestClient, session: Session, demo: int) -> None:
    add_user(session, "desk", Role.FACILITY_STAFF, ("SPH",))
    sign_in(app_client, "desk")
    value = app_client.cookies[COOKIE_NAME]
    app_client.cookies.clear()
    # A different payload under the old signature: as if someone edited their user id.
    payload, _, rest = value.partition(".")
    app_client.cookies.set(COOKIE_NAME, payload[:-3] + "xyz." + rest)
    assert app_client.get("/desk", follow_redirects=False).status_code == 303


def test_each_role_sees_only_its_pages(app_client: TestClient, session: Session, demo: int) -> None:
    add_user(session, "desk", Role.FACILITY_STAFF, ("SPH",))
    add_user(session, "officer", Role.REUNIFICATION_OFFICER)
    add_user(session, "boss", Role.ADMIN)
    expected = {
        "desk": {"/desk": 200, "/beds": 200, "/desk/visitors": 200, "/dashboard": 403},
        "officer": {"/desk": 403, "/beds": 403, "/desk/visitors": 403, "/dashboard": 200},
        "boss": {"/desk": 200, "/beds": 200, "/desk/visitors": 200, "/dashboard": 200},
    }
    for username, pages in expected.items():
        app_client.cookies.clear()
        sign_in(app_client, username)
        got = {path: app_client.get(path).status_code for path in pages}
        assert got == pages, username
        for refused in (path for path, status in pages.items() if status == 403):
            assert "This page is not for your role." in app_client.get(refused).text
            twin = app_client.get(refused, params={"format": "json"}).json()
            assert (twin["status"], twin["error"]) == (403, "forbidden")
        nav = app_client.get("/staff").text
        assert ('href="/dashboard"' in nav) is (pages["/dashboard"] == 200)
        assert ('href="/desk"' in nav) is (pages["/desk"] == 200)


def test_facility_staff_cannot_open_another_facilitys_desk(
    app_client: TestClient, session: Session, demo: int
) -> None:
    add_user(session, "desk", Role.FACILITY_STAFF, ("SPH",))
    sign_in(app_client, "desk")
    assert app_client.get("/desk?facility=SGMW").status_code == 403
    assert app_client.get("/beds?facility=SGMW").status_code == 403
    assert app_client.get("/desk/visitors?facility=SGMW").status_code == 403


def test_json_twins_accept_a_bearer_token(
    app_client: TestClient,
    make_staff,
    demo: int,  # type: ignore[no-untyped-def]
) -> None:
    token = make_staff(Role.FACILITY_STAFF, ("SPH",))
    response = app_client.get("/beds?format=json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["facility_code"] == "SPH"
