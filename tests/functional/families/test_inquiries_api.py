"""The public inquiry through the API on the demo scenario (SCENARIO.md items 1, 2, 4, 5)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from reunify.config import Settings
from reunify.families.verification import seeker_actor
from reunify.store import Database
from reunify.store import families_tables as ft
from reunify.store import tables as t
from reunify.web.app import create_app

SEEKER = {"name": "Isobel Stevens", "relationship": "former spouse", "email": "izzie@example.org"}


def ask(client: TestClient, sought: dict[str, object], **seeker: str) -> dict[str, object]:
    response = client.post("/api/v1/inquiries", json={"sought": sought, "seeker": SEEKER | seeker})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize(
    ("sought", "kind"),
    [
        ({"name": "Alex Karev", "age": 31, "sex": "male"}, "located"),
        ({"name": "Alexander Karev", "age": "about 30"}, "located"),
        ({"name": "Derek Shepard", "sex": "male", "age": 45}, "located"),
        ({"given_name": "Owen", "family_name": "Hunt", "city": "Seattle"}, "discharged"),
        ({"name": "Reed Adamson", "sex": "female", "age": 30}, "contact_family_assistance_centre"),
        ({"name": "Meredith Grey", "sex": "female", "age": 31}, "reported_safe"),
        ({"name": "Lexie Grey", "age": 27}, "reported_safe"),
        ({"name": "Alex"}, "no_information"),
        ({"name": "Alex", "age": 31, "sex": "male"}, "no_information"),
        ({"name": "Alex Karev"}, "no_information"),
        ({"name": "Al* Karev", "age": 31}, "no_information"),
        ({"name": "Seattle Presbyterian Hospital"}, "no_information"),
        ({"name": "Zelda Quartermaine", "age": 40}, "no_information"),
    ],
)
def test_the_scenario_inquiries(
    app_client: TestClient, demo: int, sought: dict[str, object], kind: str
) -> None:
    assert ask(app_client, sought)["answer"]["kind"] == kind  # type: ignore[index]


def test_alex_is_located_at_seattle_pres_with_his_condition_and_nothing_more(
    app_client: TestClient, demo: int
) -> None:
    body = ask(app_client, {"name": "Alex Karev", "age": 31, "sex": "male"})
    assert body["answer"] == {
        "kind": "located",
        "facility": "Seattle Presbyterian Hospital",
        "condition": "fair",
    }


def test_owen_hunt_is_discharged_without_an_address(app_client: TestClient, demo: int) -> None:
    body = ask(app_client, {"name": "Owen Hunt", "sex": "male", "age": 38})
    assert body["answer"] == {"kind": "discharged"}


def test_meredith_reported_safe_with_her_own_message(app_client: TestClient, demo: int) -> None:
    answer = ask(app_client, {"name": "Meredith Grey", "age": 31})["answer"]
    assert answer["message"] == "I'm safe. I'm at Seattle Pres with Derek."  # type: ignore[index]
    assert answer["since"].startswith("2026-11-21T00:05")  # type: ignore[index]


def _shape(text: str) -> str:
    return re.sub(r'"inquiry_id":"[A-Za-z0-9_-]{22}"', '"inquiry_id":"X"', text)


def test_protected_not_found_and_not_enough_detail_read_the_same(
    app_client: TestClient, demo: int, session: Session
) -> None:
    karev = session.scalars(
        select(t.PersonName.person_id).where(t.PersonName.folded == "alex karev")
    ).one()
    session.get(t.Person, karev).directory_opt_out = True  # type: ignore[union-attr]
    session.commit()
    requests = [
        {"name": "Alex Karev", "age": 31, "sex": "male"},  # protected (opted out)
        {"name": "Zelda Quartermaine", "age": 40},  # not found
        {"name": "Karev"},  # not enough detail
    ]
    responses = [
        app_client.post("/api/v1/inquiries", json={"sought": s, "seeker": SEEKER}) for s in requests
    ]
    assert {r.status_code for r in responses} == {201}
    assert len({_shape(r.text) for r in responses}) == 1
    assert len({r.json()["inquiry_id"] for r in responses}) == 3  # fresh ids, nothing reused
    assert len({r.headers["content-length"] for r in responses}) == 1


def test_a_death_is_never_announced_and_prompts_one_in_person_notification(
    app_client: TestClient, demo: int, session: Session
) -> None:
    for _ in range(2):
        answer = ask(app_client, {"name": "Charles Percy", "sex": "male", "age": 31})["answer"]
        assert answer["kind"] == "contact_family_assistance_centre"  # type: ignore[index]
        assert "deceased" not in str(answer).lower()
        assert answer["family_assistance_centre"]["phone"] == "+1 206 555 0100"  # type: ignore[index]
    tasks = session.scalars(
        select(ft.Task).where(ft.Task.kind == "notify_next_of_kin_in_person")
    ).all()
    assert len(tasks) == 1


def test_a_contradicting_fact_makes_the_match_uncertain_and_goes_to_staff(
    app_client: TestClient, demo: int, session: Session
) -> None:
    answer = ask(app_client, {"name": "Derek Shepard", "sex": "female", "age": 45})["answer"]
    assert answer["kind"] == "contact_family_assistance_centre"  # type: ignore[index]
    kinds = session.scalars(select(ft.Task.kind)).all()
    assert "review_uncertain_match" in kinds


def test_every_answer_is_audited_with_what_matched_and_which_rule(
    app_client: TestClient, demo: int, session: Session
) -> None:
    ask(app_client, {"name": "Derek Shepard", "sex": "male", "age": 45})
    event = session.scalars(
        select(t.Event).where(t.Event.tag == "public:inquiry:answer").order_by(t.Event.id.desc())
    ).first()
    assert event is not None
    assert event.actor == seeker_actor("email:izzie@example.org")
    assert "izzie" not in str(event.data)  # the audit outlives the seeker's data
    assert event.data["rule"] == "admitted:public"
    assert event.data["band"] == "confident"
    assert event.data["model_version"]
    assert event.data["candidates"][0]["agreeing"] == ["age", "sex"]
    assert event.data["answer"]["kind"] == "located"
    assert event.data["relationship"] == "former spouse"


def test_an_invalid_age_is_a_field_error_in_the_one_error_shape(
    app_client: TestClient, demo: int
) -> None:
    response = app_client.post(
        "/api/v1/inquiries", json={"sought": {"name": "Alex Karev", "age": "old"}}
    )
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "body.sought.age"


@pytest.fixture
def strict_client(
    settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    tight = settings.model_copy(update={"inquiry_rate_per_address": 2})
    app = create_app(
        tight, database=Database(tight.database_url, engine=engine), session_factory=session_factory
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_too_many_inquiries_from_one_address_are_refused_with_retry_after(
    strict_client: TestClient, demo: int
) -> None:
    sought = {"name": "Zelda Quartermaine", "age": 40}
    codes = [
        strict_client.post(
            "/api/v1/inquiries", json={"sought": sought, "seeker": {"email": f"s{n}@example.org"}}
        )
        for n in range(3)
    ]
    assert [r.status_code for r in codes] == [201, 201, 429]
    assert int(codes[2].headers["retry-after"]) >= 1
    assert codes[2].json()["error"] == "rate_limited"


def test_one_seeker_contact_is_limited_across_addresses(app_client: TestClient, demo: int) -> None:
    sought = {"name": "Zelda Quartermaine", "age": 40}
    statuses = [
        app_client.post("/api/v1/inquiries", json={"sought": sought, "seeker": SEEKER}).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [201] * 10
    assert statuses[10] == 429


def test_a_description_of_the_unnamed_nurse_reaches_staff_not_the_page(
    app_client: TestClient, demo: int, session: Session
) -> None:
    sought = {
        "name": "Gloria Ramirez",
        "sex": "female",
        "age": "about 50",
        "description": "nurse, short grey hair, glasses",
    }
    assert ask(app_client, sought)["answer"] == {"kind": "no_information"}
    tasks = session.scalars(select(ft.Task).where(ft.Task.kind == "unidentified_candidate")).all()
    described = {session.get(t.Person, task.person_id).description for task in tasks}  # type: ignore[union-attr]
    assert any("nurse" in d for d in described)
    assert not any("security guard" in d for d in described)
