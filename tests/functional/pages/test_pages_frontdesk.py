"""The front desk: what it may say about whom, badges and the visitor log (scenario data)."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from pages_support import add_user, csrf, sign_in
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify.domain import Role
from reunify.store import tables as t
from reunify.store.pages_tables import VisitorBadge
from reunify.tracking.service import locate


@pytest.fixture
def desk(app_client: TestClient, session: Session, demo: int) -> TestClient:
    """The Seattle Pres front desk, signed in."""
    add_user(session, "sph-desk", Role.FACILITY_STAFF, ("SPH",))
    sign_in(app_client, "sph-desk")
    return app_client


def _search(client: TestClient, query: str) -> dict:  # type: ignore[type-arg]
    response = client.get("/desk", params={"q": query, "format": "json"})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _events(session: Session, tag: str) -> list[t.Event]:
    return list(session.scalars(select(t.Event).where(t.Event.tag == tag)))


def _badge(client: TestClient, person_id: int, visitor: str, **extra: str) -> object:
    data = {
        "csrf_token": csrf(client, "/desk"),
        "facility": "SPH",
        "person_id": str(person_id),
        "visitor_name": visitor,
        "q": "alex karev",
        **extra,
    }
    return client.post("/desk/badges", data=data, follow_redirects=False)


def test_alex_karev_is_in_room_778_with_what_tells_him_apart(
    desk: TestClient, session: Session
) -> None:
    page = _search(desk, "alex karev")
    [alex] = page["results"]
    assert alex["answer"] == "located"
    assert alex["rule"] == "admitted:front_desk"
    assert (alex["unit"], alex["room"]) == ("7W", "room 778")
    assert alex["name"] == "Alexander Karev"
    assert alex["aliases"] == ["Alex Karev"]
    assert (alex["sex"], alex["age"]) == ("male", "31")
    assert alex["arrived_at"] == "2026-11-21T04:05:00Z"  # 20:05 in Seattle, from SGMW
    assert alex["badge_person_id"] is not None
    html = desk.get("/desk", params={"q": "alex karev"}).text
    assert "7W, room 778" in html
    disclosed = _events(session, "staff:person:disclose")
    assert [e.data["rule"] for e in disclosed] == ["admitted:front_desk"] * 2  # JSON, then HTML
    assert disclosed[0].actor == "staff/sph-desk"
    assert _events(session, "staff:desk:search")[0].data == {"query": "alex karev", "results": 1}


def test_one_word_is_not_a_search(desk: TestClient, session: Session) -> None:
    page = _search(desk, "alex")
    assert page["results"] == []
    assert "given and family name" in page["hint"]
    assert _events(session, "staff:person:disclose") == []


def test_a_death_is_never_shown_at_the_desk(desk: TestClient) -> None:
    page = _search(desk, "Reed Adamson")
    [reed] = page["results"]
    assert reed["answer"] == "contact_family_assistance_centre"
    assert reed["family_assistance_centre"]["phone"] == "+1 206 555 0100"
    assert (reed["sex"], reed["age"], reed["unit"], reed["room"]) == (None, None, None, None)
    html = desk.get("/desk", params={"q": "Reed Adamson"}).text.lower()
    assert "deceased" not in html
    assert "family assistance centre" in html


def test_another_hospitals_patient_gets_the_public_answer_without_details(
    desk: TestClient,
) -> None:
    [owen] = _search(desk, "Owen Hunt")["results"]
    assert owen["answer"] == "discharged"
    assert (owen["sex"], owen["age"], owen["arrived_at"]) == (None, None, None)
    assert owen["badge_person_id"] is None


def test_a_patient_who_opted_out_reads_exactly_like_nobody(
    desk: TestClient, session: Session
) -> None:
    alex_id = locate(session, "Alexander Karev", actor="test")[0].person_id
    person = session.get(t.Person, alex_id)
    assert person is not None
    person.directory_opt_out = True
    session.commit()
    shielded = _search(desk, "alex karev")
    nobody = _search(desk, "alex nobody")
    assert shielded["results"] == nobody["results"] == []
    assert {**shielded, "query": ""} == {**nobody, "query": ""}
    html = desk.get("/desk", params={"q": "alex karev"}).text
    assert "No information" in html
    assert "778" not in html


def test_izzie_gets_a_badge_for_room_778_and_it_is_logged(
    desk: TestClient, session: Session
) -> None:
    alex_id = _search(desk, "alex karev")["results"][0]["badge_person_id"]
    response = _badge(desk, alex_id, "  Izzie   Stevens ")
    assert response.status_code == 303  # type: ignore[attr-defined]
    location = response.headers["location"]  # type: ignore[attr-defined]
    badge = desk.get(location, params={"format": "json"}).json()["badge"]
    assert badge["visitor_name"] == "Izzie Stevens"
    assert (badge["unit"], badge["room"]) == ("7W", "room 778")
    assert badge["facility"] == "Seattle Presbyterian Hospital"
    pdf = desk.get(f"{location}/badge.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    for expected in ("Izzie Stevens", "7W, room 778", "Seattle Presbyterian", badge["code"]):
        assert expected in text
    assert "Karev" not in text  # the badge is worn in corridors: no patient name on it
    log = desk.get("/desk/visitors", params={"format": "json"}).json()
    assert [(b["visitor_name"], b["patient"]) for b in log["data"]] == [
        ("Izzie Stevens", "Alexander Karev")
    ]
    assert [e.data["badge"] for e in _events(session, "staff:badge:issue")] == [badge["code"]]
    assert [e.data["badge"] for e in _events(session, "staff:badge:print")] == [badge["code"]]


def test_no_badge_without_the_csrf_token(desk: TestClient, session: Session) -> None:
    alex_id = _search(desk, "alex karev")["results"][0]["badge_person_id"]
    response = _badge(desk, alex_id, "Izzie Stevens", csrf_token="forged")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert session.scalars(select(VisitorBadge)).all() == []


def test_no_badge_for_someone_who_is_not_here(desk: TestClient, session: Session) -> None:
    owen_id = locate(session, "Owen Hunt", actor="test")[0].person_id
    response = _badge(desk, owen_id, "Izzie Stevens")
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert session.scalars(select(VisitorBadge)).all() == []


def test_a_badge_needs_the_visitors_name(desk: TestClient, session: Session) -> None:
    alex_id = _search(desk, "alex karev")["results"][0]["badge_person_id"]
    response = _badge(desk, alex_id, "   ")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "visitor" in response.text  # type: ignore[attr-defined]
    assert session.scalars(select(VisitorBadge)).all() == []


def test_another_facilitys_staff_cannot_see_the_badge(desk: TestClient, session: Session) -> None:
    alex_id = _search(desk, "alex karev")["results"][0]["badge_person_id"]
    location = _badge(desk, alex_id, "Izzie Stevens").headers["location"]  # type: ignore[attr-defined]
    add_user(session, "sgmw-desk", Role.FACILITY_STAFF, ("SGMW",))
    desk.cookies.clear()
    sign_in(desk, "sgmw-desk")
    assert desk.get(location).status_code == 404
    assert desk.get(f"{location}/badge.pdf").status_code == 404
    assert desk.get("/desk/visitors", params={"format": "json"}).json()["data"] == []


def test_a_patient_on_the_way_here_is_expected_not_badged(
    desk: TestClient, session: Session
) -> None:
    from datetime import UTC, datetime

    from reunify.domain import Condition, Status
    from reunify.tracking.service import MovementDraft, record_movement

    derek = locate(session, "Derek Shepherd", actor="test")[0].person_id
    record_movement(
        session,
        MovementDraft(
            person_id=derek,
            status=Status.IN_TRANSIT,
            occurred_at=datetime(2026, 11, 22, 9, 0, tzinfo=UTC),
            condition=Condition.SERIOUS,
            destination_code="SPH",
        ),
        actor="staff/test",
    )
    session.commit()
    [result] = _search(desk, "Derek Shepherd")["results"]
    assert result["answer"] == "in_transit"
    assert result["destination"] == "Seattle Presbyterian Hospital"
    assert result["badge_person_id"] is None
    assert result["sex"] == "male"  # headed here: the desk may tell namesakes apart


def test_the_news_spelling_finds_derek_shepherd(desk: TestClient, session: Session) -> None:
    """Found through the matching engine; what the desk may say follows the engine's band."""
    from reunify.linkage.service import tolerant_ids

    derek = locate(session, "Derek Shepherd", actor="test")[0].person_id
    confident = derek in tolerant_ids(session, "Derek Shepard", confident_only=True)
    [result] = _search(desk, "Derek Shepard")["results"]
    assert result["name"] == "Derek Christopher Shepherd"
    if confident:
        assert (result["unit"], result["room"]) == ("ICU", "room 14, bed A")
    else:  # a name alone, misspelt: staff confirm before anyone is sent to a room
        assert result["answer"] == "contact_family_assistance_centre"
        assert result["rule"] == "uncertain_match:front_desk"


def test_an_uncertain_candidate_is_referred_not_located(desk: TestClient, session: Session) -> None:
    """The finder is one swappable call; an uncertain band reaches the policy intact."""
    from reunify.domain.disclosure import Band
    from reunify.web.pages import desk_search

    alex = locate(session, "Alexander Karev", actor="test")[0].person_id

    def unsure(_: Session, query: str, __: str) -> list[desk_search.Candidate]:
        return [desk_search.Candidate(alex, Band.UNCERTAIN)]

    desk.app.dependency_overrides[desk_search.get_finder] = lambda: unsure  # type: ignore[attr-defined]
    try:
        [result] = _search(desk, "Alec Karov")["results"]
    finally:
        desk.app.dependency_overrides.clear()  # type: ignore[attr-defined]
    assert result["answer"] == "contact_family_assistance_centre"
    assert result["rule"] == "uncertain_match:front_desk"
    assert (result["room"], result["badge_person_id"], result["age"]) == (None, None, None)
