"""The public pages, no account: home, search and its answers, following, "I'm safe".

Every search here goes through the page's form and the same service the API runs; the answer
is read back from the page the browser is sent to, as a seeker would see it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from pages_support import csrf
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.store import families_tables as ft
from reunify.store import tables as t
from reunify.tracking.service import MovementDraft, record_movement
from reunify.web.pages.public_answers import COOKIE as ANSWERS_COOKIE

CENTRE_PHONE = "+1 206 555 0100"


class _Form(HTMLParser):
    """Inputs, labels and described-by targets of a page, to check how its forms are built."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "label" and "for" in a:
            self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.inputs.append(a)


def _parse(html: str) -> _Form:
    form = _Form()
    form.feed(html)
    return form


def _search(client: TestClient, lang: str = "", **fields: str) -> tuple[str, str]:
    """Post the search form; return the answer page's address and its HTML."""
    token = csrf(client, "/search")
    query = f"?lang={lang}" if lang else ""
    response = client.post(
        "/search" + query, data={**fields, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/answers/[A-Za-z0-9_-]{22}", location)
    page = client.get(location + query)
    assert page.status_code == 200
    return location, page.text


def _main(html: str) -> str:
    """The text of <main>, tags removed and spaces squeezed."""
    body = html.split('<main id="main" tabindex="-1">', 1)[1].split("</main>", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    return re.sub(r" ([.,:;])", r"\1", text)


def _inquiries(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ft.Inquiry)) or 0)


def _karev(session: Session) -> int:
    person_id: int = session.scalars(
        select(t.PersonName.person_id).where(t.PersonName.folded == "alex karev")
    ).one()
    return person_id


def test_home_offers_the_two_choices_and_the_centre(app_client: TestClient, demo: int) -> None:
    response = app_client.get("/")
    assert response.status_code == 200
    assert "set-cookie" not in response.headers  # no form, so no session: a reader is untracked
    assert '<a class="choice" href="/search">' in response.text
    assert '<a class="choice" href="/safe">' in response.text
    main = _main(response.text)
    assert "I'm looking for someone" in main
    assert "I'm safe / I have information" in main
    assert CENTRE_PHONE in main
    assert 'href="/about?lang=en"' in response.text
    twin = app_client.get("/", params={"format": "json"}).json()
    assert twin["centre"]["phone"] == CENTRE_PHONE
    assert twin["incident"] == "Shooting at Seattle Grace Mercy West Hospital"


def test_every_public_form_labels_every_field_and_carries_a_csrf_token(
    app_client: TestClient, demo: int
) -> None:
    location, _ = _search(app_client, name="Alex Karev", age="31")
    for path in ("/search", "/safe", location):
        html = app_client.get(path).text
        assert 'name="csrf_token" value="' in html
        form = _parse(html)
        assert form.inputs, path
        for field in form.inputs:
            assert field.get("id") in form.label_for, f"{path}: {field} has no label"


def test_alex_karev_with_his_age_is_at_seattle_pres_in_plain_words(
    app_client: TestClient, demo: int
) -> None:
    _, html = _search(app_client, name="Alex Karev", age="31")
    main = _main(html)
    assert "The person you asked about is being cared for at Seattle Presbyterian Hospital" in main
    assert "Their general condition: fair." in main
    assert "778" not in html
    assert "7W" not in html
    assert "Be told of changes" in main
    assert CENTRE_PHONE in main


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"name": "Owen Hunt", "age": "38"}, "has left the hospital (discharged)"),
        (
            {"name": "Reed Adamson", "sex": "female", "age": "30"},
            "Please contact the family assistance centre",
        ),
        ({"name": "Derek Shepard", "sex": "male", "age": "45"}, "being cared for at Seattle"),
        ({"name": "Alexander Karev", "age": "30", "age_approximate": "true"}, "cared for at"),
    ],
)
def test_each_answer_kind_has_its_plain_sentence(
    app_client: TestClient, demo: int, fields: dict[str, str], words: str
) -> None:
    _, html = _search(app_client, **fields)
    main = _main(html)
    assert words in main
    assert "deceased" not in main.lower()
    assert "killed" not in main.lower()


def test_a_death_sends_the_seeker_to_the_centre_with_its_contacts(
    app_client: TestClient, demo: int
) -> None:
    _, html = _search(app_client, name="Charles Percy", sex="male", age="31")
    answer = html.split('<div class="answer">', 1)[1].split("</div>", 1)[0]
    assert "Please contact the family assistance centre" in answer
    assert CENTRE_PHONE in answer
    assert "305 Harrison St" in answer


def test_meredith_reported_safe_shows_her_time_and_message(
    app_client: TestClient, demo: int
) -> None:
    _, html = _search(app_client, name="Meredith Grey", sex="female", age="31")
    main = _main(html)
    # 00:05 UTC on 21 November is 4:05 PM on the 20th in Seattle, where the incident is.
    assert "reported themself safe on November 20, 2026 4:05 PM PST" in main
    assert "I'm safe. I'm at Seattle Pres with Derek." in html.replace("&#39;", "'")


def test_protected_not_found_and_not_enough_detail_are_the_same_bytes(
    app_client: TestClient, demo: int, session: Session
) -> None:
    session.get(t.Person, _karev(session)).directory_opt_out = True  # type: ignore[union-attr]
    session.commit()
    searches = [
        {"name": "Alex Karev", "age": "31", "sex": "male"},  # protected (opted out)
        {"name": "Zelda Quartermaine", "age": "40"},  # not found
        {"name": "A. Karev", "age": "31"},  # not enough detail: an initial is not a name
    ]
    pages = [_search(app_client, **fields) for fields in searches]
    assert len({location for location, _ in pages}) == 3  # three inquiries, fresh ids
    bodies = {app_client.get(location).content for location, _ in pages}
    assert len(bodies) == 1
    assert "We have no information we can give you" in _main(pages[0][1])
    twins = {app_client.get(loc, params={"format": "json"}).content for loc, _ in pages}
    assert len(twins) == 1
    spanish = {app_client.get(loc, params={"lang": "es"}).content for loc, _ in pages}
    assert len(spanish) == 1


def test_an_answer_is_only_shown_to_the_browser_that_asked(
    app_client: TestClient, demo: int
) -> None:
    location, _ = _search(app_client, name="Alex Karev", age="31")
    app_client.cookies.delete(ANSWERS_COOKIE)
    other = app_client.get(location)
    assert other.status_code == 404
    assert "This answer is not available here" in other.text
    assert "Seattle Presbyterian" not in other.text


def test_a_search_without_the_csrf_token_is_refused_and_stores_nothing(
    app_client: TestClient, demo: int, session: Session
) -> None:
    app_client.get("/search")
    before = _inquiries(session)
    for token in ("", "forged"):
        response = app_client.post(
            "/search", data={"name": "Alex Karev", "age": "31", "csrf_token": token}
        )
        assert response.status_code == 400
        assert "This form expired" in response.text
        assert "Seattle Presbyterian" not in response.text
    assert _inquiries(session) == before


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"name": "", "age": "31"}, "name", "Enter the full name."),
        ({"name": "Alex", "age": "31"}, "name", "Enter both the given name and the family name"),
        ({"name": "Alex Karev"}, "facts", "Add at least one more fact"),
        ({"name": "Alex Karev", "age": "thirty"}, "age", "Enter the age as a number"),
        ({"name": "Alex Karev", "date_of_birth": "31/12/1995"}, "date_of_birth", "as a year"),
        ({"name": "Alex Karev", "phone": "555"}, "phone", "at least 7 digits"),
        ({"name": "Alex Karev " + "x" * 200, "age": "31"}, "name", "This is too long"),
    ],
)
def test_a_form_error_is_named_beside_its_field_and_stores_nothing(
    app_client: TestClient,
    demo: int,
    session: Session,
    fields: dict[str, str],
    field: str,
    words: str,
) -> None:
    before = _inquiries(session)
    token = csrf(app_client, "/search")
    response = app_client.post("/search", data={**fields, "csrf_token": token})
    assert response.status_code == 422
    html = response.text
    error = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    assert error is not None
    assert words in error.group(1)
    described = re.search(rf'id="{field}"[^>]*aria-describedby="([^"]+)"', html)
    assert described is not None
    assert f"{field}-error" in described.group(1).split()
    assert f'<a href="#{field}">' in html  # the summary at the top links to the field
    assert 'value="Alex' in html or not fields["name"]  # what was typed is kept
    assert _inquiries(session) == before


def test_form_errors_in_json_use_the_one_error_shape(app_client: TestClient, demo: int) -> None:
    token = csrf(app_client, "/search")
    response = app_client.post(
        "/search", params={"format": "json"}, data={"name": "Alex", "csrf_token": token}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_request"
    assert {"field": "name", "problem": "name_full"} in body["fields"]


def test_the_search_is_rate_limited_like_the_api(
    app_client: TestClient, demo: int, session: Session
) -> None:
    app_client.app.state.settings.inquiry_rate_per_address = 1  # type: ignore[attr-defined]
    _search(app_client, name="Alex Karev", age="31")
    before = _inquiries(session)
    token = csrf(app_client, "/search")
    response = app_client.post(
        "/search", data={"name": "Alex Karev", "age": "31", "csrf_token": token}
    )
    assert response.status_code == 429
    assert re.search(r"try again in \d+ seconds", response.text)
    assert _inquiries(session) == before


def test_the_search_page_in_spanish(app_client: TestClient, demo: int) -> None:
    page = app_client.get("/search", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert '<html lang="es">' in page.text
    main = _main(page.text)
    assert "Busco a alguien" in main
    assert "Su nombre completo" in main
    assert "Al menos un dato más" in main
    token = csrf(app_client, "/search")
    error = app_client.post(
        "/search", params={"lang": "es"}, data={"name": "Alex", "csrf_token": token}
    )
    assert "Escriba el nombre y el apellido" in error.text
    _, answer = _search(app_client, lang="es", name="Alex Karev", age="31")
    main = _main(answer)
    assert "está siendo atendida en Seattle Presbyterian Hospital" in main
    assert "Su estado general: regular." in main


def _code(session: Session, email: str) -> str:
    row = session.scalars(
        select(ft.OutboxMessage)
        .where(ft.OutboxMessage.dedup_key.like("verify.%"), ft.OutboxMessage.recipient == email)
        .order_by(ft.OutboxMessage.id.desc())
    ).first()
    assert row is not None
    match = re.search(r"\b(\d{6})\b", row.body)
    assert match is not None
    return match.group(1)


def _follow(client: TestClient, location: str, email: str, lang: str = "") -> None:
    query = f"?lang={lang}" if lang else ""
    token = csrf(client, location + query)
    response = client.post(
        location + query, data={"email": email, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"{location}/verify"


def test_izzie_follows_alex_in_spanish_and_is_told_of_a_change_in_spanish(
    app_client: TestClient, demo: int, session: Session
) -> None:
    location, _ = _search(app_client, lang="es", name="Alex Karev", age="31")
    _follow(app_client, location, "Izzie@Example.org", lang="es")
    code_page = app_client.get(f"{location}/verify")
    assert "Hemos enviado un código a <strong>izzie@example.org</strong>" in code_page.text
    code_mail = session.scalars(
        select(ft.OutboxMessage).where(ft.OutboxMessage.dedup_key.like("verify.%"))
    ).one()
    assert code_mail.subject == "Su código de Reunify"

    token = csrf(app_client, f"{location}/verify")
    wrong = app_client.post(f"{location}/verify", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 422
    assert 'id="code-error"' in wrong.text
    assert session.scalars(select(ft.Subscription)).first() is None

    done = app_client.post(
        f"{location}/verify",
        data={"code": _code(session, "izzie@example.org"), "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"{location}/following"
    following = app_client.get(done.headers["location"])
    assert following.status_code == 200
    assert "Está siguiendo esta búsqueda" in following.text
    assert "en Español" in following.text
    [sub] = session.scalars(select(ft.Subscription)).all()
    assert (sub.address, sub.language, sub.channel) == ("email:izzie@example.org", "es", "email")
    inquiry = session.get(ft.Inquiry, sub.inquiry_id)
    assert inquiry is not None
    assert (inquiry.seeker_email, inquiry.seeker_language) == ("izzie@example.org", "es")

    draft = MovementDraft(
        person_id=_karev(session),
        status=domain.Status.DISCHARGED,
        occurred_at=datetime(2026, 11, 22, 12, tzinfo=UTC),
        facility_code="SPH",
        source="test",
        source_ref="discharge-1",
    )
    record_movement(session, draft, actor="staff/test")
    session.commit()
    [news] = session.scalars(
        select(ft.OutboxMessage).where(ft.OutboxMessage.subscription_id == sub.id)
    ).all()
    assert news.recipient == "izzie@example.org"
    assert news.subject == "Noticias sobre Alex Karev"
    assert "ha sido dado/a de alta" in news.body


def test_following_refuses_a_bad_email_a_missing_token_and_another_browser(
    app_client: TestClient, demo: int, session: Session
) -> None:
    location, _ = _search(app_client, name="Alex Karev", age="31")
    token = csrf(app_client, location)
    bad = app_client.post(location, data={"email": "izzie-at-example", "csrf_token": token})
    assert bad.status_code == 422
    assert re.search(r'id="email-error">.*Enter an email address', bad.text, re.S)
    forged = app_client.post(location, data={"email": "izzie@example.org", "csrf_token": "x"})
    assert forged.status_code == 400
    assert session.scalars(select(ft.OutboxMessage)).first() is None

    app_client.cookies.delete(ANSWERS_COOKIE)
    stranger = app_client.post(location, data={"email": "mallory@example.org", "csrf_token": token})
    assert stranger.status_code == 404
    assert session.scalars(select(ft.OutboxMessage)).first() is None


def test_a_search_followed_from_one_email_cannot_be_taken_over_by_another(
    app_client: TestClient, demo: int, session: Session
) -> None:
    location, _ = _search(app_client, name="Alex Karev", age="31")
    _follow(app_client, location, "izzie@example.org")
    token = csrf(app_client, f"{location}/verify")
    app_client.post(
        f"{location}/verify",
        data={"code": _code(session, "izzie@example.org"), "csrf_token": token},
    )
    again = app_client.post(location, data={"email": "other@example.org", "csrf_token": token})
    assert again.status_code == 409
    assert 'id="email-error"' in again.text


def test_the_following_page_says_the_same_whatever_the_search_found(
    app_client: TestClient, demo: int, session: Session
) -> None:
    session.get(t.Person, _karev(session)).directory_opt_out = True  # type: ignore[union-attr]
    session.commit()
    pages = []
    for fields in (
        {"name": "Alex Karev", "age": "31"},
        {"name": "Zelda Quartermaine", "age": "40"},
    ):
        location, _ = _search(app_client, **fields)
        _follow(app_client, location, "izzie@example.org")
        token = csrf(app_client, f"{location}/verify")
        app_client.post(
            f"{location}/verify",
            data={"code": _code(session, "izzie@example.org"), "csrf_token": token},
        )
        html = app_client.get(f"{location}/following").text
        stop = re.sub(r"/stop/[\w-]+", "/stop/T", html)  # each follower's own random link
        pages.append(stop.replace(location, "/answers/X"))
    assert pages[0] == pages[1]
    assert "/stop/T" in pages[0]


def test_im_safe_reports_a_person_safe_and_answers_later_searches(
    app_client: TestClient, demo: int
) -> None:
    form = app_client.get("/safe")
    assert "I have information about someone else" in form.text
    assert CENTRE_PHONE in form.text
    response = app_client.post(
        "/safe",
        data={
            "name": "April Kepner",
            "age": "29",
            "city": "Seattle",
            "message": "Fine, at home.",
            "email": "april@example.org",
            "csrf_token": csrf(app_client, "/safe"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/safe/thanks"
    thanks = app_client.get("/safe/thanks")
    assert "Thank you: you are reported safe" in thanks.text
    _, answer = _search(app_client, name="April Kepner", city="Seattle")
    assert "reported themself safe" in _main(answer)
    assert "Fine, at home." in answer
    assert "april@example.org" not in answer


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "April", "age": "29"}, "name"),
        ({"name": "April Kepner"}, "facts"),
        ({"name": "April Kepner", "age": "29", "email": "april"}, "email"),
        ({"name": "April Kepner", "age": "29", "message": "x" * 501}, "message"),
    ],
)
def test_im_safe_names_the_field_to_correct(
    app_client: TestClient, demo: int, session: Session, fields: dict[str, str], field: str
) -> None:
    people = session.scalar(select(func.count()).select_from(t.Person))
    response = app_client.post("/safe", data={**fields, "csrf_token": csrf(app_client, "/safe")})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert session.scalar(select(func.count()).select_from(t.Person)) == people


def test_im_safe_without_the_csrf_token_is_refused(
    app_client: TestClient, demo: int, session: Session
) -> None:
    people = session.scalar(select(func.count()).select_from(t.Person))
    response = app_client.post("/safe", data={"name": "April Kepner", "age": "29"})
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(t.Person)) == people


def test_every_public_page_has_a_json_twin(app_client: TestClient, demo: int) -> None:
    location, _ = _search(app_client, name="Alex Karev", age="31")
    answer = app_client.get(location, params={"format": "json"}).json()
    assert answer["answer"] == {
        "kind": "located",
        "facility": "Seattle Presbyterian Hospital",
        "condition": "fair",
    }
    for path in ("/", "/search", "/safe", "/safe/thanks"):
        twin = app_client.get(path, params={"format": "json"})
        assert twin.status_code == 200
        assert twin.json()["lang"] == "en"
