"""The reunification centre's pages: who may open them, and each queue's main flow.

The demo scenario plus the centre's review cases (``reunify demo``): Amelia Shepherd asking
about "Derek Shepherd, about 52" (uncertain), the engine's duplicate proposals, Noah
Castellan (15, no guardian), and Reed Adamson and Charles Percy (families not yet told).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pages_support import add_user, csrf, sign_in
from sqlalchemy import select
from sqlalchemy.orm import Session

from reunify import domain
from reunify.demo.review_cases import load_review_cases
from reunify.domain import Role
from reunify.domain.disclosure import Audience, Band, MatchBand, PfifStatus, StaffTask, decide
from reunify.families import tasks
from reunify.families.disclose import disclose, settings_for, subject_state
from reunify.store import facilities, people
from reunify.store import families_tables as ft
from reunify.store import tables as t
from reunify.store.centre_tables import DeathNotice, MatchLabel
from reunify.store.match_tables import MatchDecision
from reunify.tracking.service import MovementDraft, locate, record_movement, register_person
from reunify.web.pages import desk_search

PAGES = ("/centre", "/centre/matches", "/centre/unidentified", "/centre/minors", "/centre/deaths")


@pytest.fixture
def centre(session: Session, demo: int) -> int:
    load_review_cases(session)
    session.commit()
    return demo


@pytest.fixture
def officer(app_client: TestClient, session: Session, centre: int) -> TestClient:
    add_user(session, "officer", Role.REUNIFICATION_OFFICER)
    sign_in(app_client, "officer")
    return app_client


def _json(client: TestClient, path: str, **params: str) -> Any:
    response = client.get(path, params={"format": "json", **params})
    assert response.status_code == 200, response.text
    return response.json()


def _events(session: Session, tag: str) -> list[t.Event]:
    return list(session.scalars(select(t.Event).where(t.Event.tag == tag)))


def _person_id(session: Session, name: str) -> int:
    return locate(session, name, actor="test")[0].person_id


# --- who may see what -----------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in(app_client: TestClient, centre: int) -> None:
    for path in PAGES:
        response = app_client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/signin?next=/centre")
        assert app_client.get(path, params={"format": "json"}).status_code == 401
    posted = app_client.post("/centre/deaths/1/told", data={}, follow_redirects=False)
    assert posted.status_code == 303


def test_facility_staff_may_not_open_the_centre(
    app_client: TestClient, session: Session, centre: int
) -> None:
    add_user(session, "desk", Role.FACILITY_STAFF, ("SPH",))
    sign_in(app_client, "desk")
    for path in PAGES:
        response = app_client.get(path)
        assert response.status_code == 403, path
        assert "This page is not for your role." in response.text
        twin = app_client.get(path, params={"format": "json"}).json()
        assert (twin["status"], twin["error"]) == (403, "forbidden")
    token = csrf(app_client, "/desk")
    reed = _person_id(session, "Reed Adamson")
    refused = app_client.post(
        f"/centre/deaths/{reed}/told",
        data={"csrf_token": token, "told_name": "X", "relationship": "mother",
              "told_at": "2026-11-21T09:00", "told_by": "desk"},
    )  # fmt: skip
    assert refused.status_code == 403
    assert session.scalars(select(DeathNotice)).first() is None
    assert 'href="/centre"' not in app_client.get("/desk").text


@pytest.mark.parametrize("role", [Role.REUNIFICATION_OFFICER, Role.ADMIN])
def test_officers_and_admins_open_every_centre_page(
    app_client: TestClient, session: Session, centre: int, role: Role
) -> None:
    add_user(session, "someone", role)
    sign_in(app_client, "someone")
    for path in PAGES:
        assert app_client.get(path).status_code == 200, path
    assert 'href="/centre"' in app_client.get("/dashboard").text
    home = _json(app_client, "/centre")
    counts = {q["href"]: q["count"] for q in home["queues"]}
    assert counts["/centre/matches"] >= 1
    assert counts["/centre/unidentified"] == 2
    assert counts["/centre/minors"] == 1
    assert counts["/centre/deaths"] == 2


# --- uncertain matches ----------------------------------------------------------------------


def _inquiry_item(client: TestClient) -> dict[str, Any]:
    items = _json(client, "/centre/matches")["items"]
    return next(i for i in items if i["kind"] == "inquiry")


def _subscribe_amelia(client: TestClient, session: Session) -> ft.Inquiry:
    """Amelia verifies her email and follows her inquiry, as the public pages let her."""
    email = "amelia.shepherd@example.org"
    assert client.post("/api/v1/verifications", json={"email": email}).status_code == 202
    row = session.scalars(
        select(ft.OutboxMessage).where(ft.OutboxMessage.recipient == email)
    ).first()
    assert row is not None
    code = re.search(r"\b(\d{6})\b", row.body).group(1)  # type: ignore[union-attr]
    confirmed = client.post(
        "/api/v1/verifications/confirm", json={"email": email, "code": code}
    ).json()
    inquiry = session.scalars(select(ft.Inquiry).where(ft.Inquiry.seeker_email == email)).one()
    response = client.post(
        f"/api/v1/inquiries/{inquiry.public_id}/subscription",
        json={},
        headers={"X-Seeker-Token": confirmed["seeker_token"]},
    )
    assert response.status_code == 201, response.text
    return inquiry


def test_an_uncertain_inquiry_is_shown_side_by_side_with_its_explanation(
    officer: TestClient, session: Session
) -> None:
    item = _inquiry_item(officer)
    assert item["left"] == "Derek Shepherd"
    assert item["right"] == "Derek Christopher Shepherd"
    pair = _json(officer, f"/centre/matches/inquiry/{item['item_id']}")["pair"]
    assert pair["sought"]["seeker_relationship"] == "sister"
    assert pair["sought"]["age"] == "52"
    assert "amelia" not in str(pair).lower()  # the seeker's contact details stay out
    assert pair["right"]["facility"] == "Seattle Presbyterian Hospital"
    fields = {f["field"]: f for f in pair["explanation"]["fields"]}
    assert fields["family_name"]["weight"] > 0
    assert fields["birth"]["level"] == "different"  # 52 against 45: why it is uncertain
    assert fields["birth"]["weight"] < 0
    assert fields["phone"]["missing"] is True
    assert pair["seeker_answer_if_confirmed"]["kind"] == "located"
    html = officer.get(f"/centre/matches/inquiry/{item['item_id']}").text
    assert "date of birth or age" in html
    assert 'name="csrf_token"' in html
    views = _events(session, "staff:centre:match")
    assert views[-1].data["people"][0][0] == pair["right"]["person_id"]


def test_confirming_an_inquiry_candidate_links_it_and_tells_the_follower(
    officer: TestClient, session: Session
) -> None:
    inquiry = _subscribe_amelia(officer, session)
    item = _inquiry_item(officer)
    path = f"/centre/matches/inquiry/{item['item_id']}"
    form = {"decision": "confirm", "note": "Sister; age misremembered"}
    response = officer.post(
        path, data={"csrf_token": csrf(officer, path), **form}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    assert (
        response.headers["location"]
        == f"/centre/matches?decided=inquiry-{item['item_id']}-confirmed"
    )
    assert "confirmed" in officer.get(response.headers["location"]).text

    session.expire_all()  # the app wrote through its own session
    session.refresh(inquiry)
    derek = _person_id(session, "Derek Shepherd")
    assert (inquiry.state, inquiry.person_id) == ("matched", derek)
    label = session.scalars(select(MatchLabel)).one()
    assert (label.source, label.same, label.inquiry_id, label.person_id) == (
        "inquiry", True, inquiry.id, derek,
    )  # fmt: skip
    assert label.levels["birth"] == "different"
    assert label.note == "Sister; age misremembered"
    task = session.get(ft.Task, item["item_id"])
    assert task is not None
    assert task.state == "done"
    told = session.scalars(
        select(ft.OutboxMessage).where(ft.OutboxMessage.subscription_id.is_not(None))
    ).all()
    assert [m.payload["answer"]["kind"] for m in told] == ["located"]
    assert told[0].payload["answer"]["facility"] == "Seattle Presbyterian Hospital"
    assert "room" not in told[0].payload["answer"]  # the public answer, not the officer's
    assert len(_events(session, "staff:inquiry:confirm-match")) == 1
    assert len(_events(session, "staff:match:label")) == 1
    assert all(i["kind"] != "inquiry" for i in _json(officer, "/centre/matches")["items"])


def test_rejecting_a_proposed_duplicate_keeps_both_records(
    officer: TestClient, session: Session
) -> None:
    decision = session.scalars(select(MatchDecision).order_by(MatchDecision.id)).first()
    assert decision is not None
    assert decision.state == "proposed"
    path = f"/centre/matches/duplicate/{decision.id}"
    pair = _json(officer, path)["pair"]
    assert {pair["left"]["person_id"], pair["right"]["person_id"]} == {
        decision.person_id, decision.other_id,
    }  # fmt: skip
    assert pair["explanation"]["proposed_lines"]  # what the engine said when it proposed
    response = officer.post(
        path, data={"csrf_token": csrf(officer, path), "decision": "reject"}, follow_redirects=False
    )
    assert response.status_code == 303
    session.expire_all()
    session.refresh(decision)
    assert decision.state == "rejected"
    for pid in (decision.person_id, decision.other_id):
        row = session.get(t.Person, pid)
        assert row is not None
        assert row.merged_into_id is None
    label = session.scalars(select(MatchLabel)).one()
    assert (label.source, label.same, label.decision_id) == ("duplicate", False, decision.id)
    assert len(_events(session, "staff:person:not-duplicate")) == 1


def test_confirming_a_duplicate_merges_but_keeps_both_identifiers_and_history(
    officer: TestClient, session: Session
) -> None:
    decision = session.scalars(select(MatchDecision).order_by(MatchDecision.id.desc())).first()
    assert decision is not None
    before = {
        pid: {(i.kind, i.value) for i in people.get(session, pid).identifiers}  # type: ignore[union-attr]
        for pid in (decision.person_id, decision.other_id)
    }
    path = f"/centre/matches/duplicate/{decision.id}"
    token = csrf(officer, path)
    response = officer.post(
        path,
        data={"csrf_token": token, "decision": "confirm", "keep": str(decision.person_id)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    session.expire_all()
    retired = session.get(t.Person, decision.other_id)
    assert retired is not None
    assert retired.merged_into_id == decision.person_id
    survivor = people.get(session, decision.person_id)
    assert survivor is not None
    assert {(i.kind, i.value) for i in survivor.identifiers} == before[decision.person_id] | before[
        decision.other_id
    ]
    assert session.scalars(select(MatchLabel)).one().same is True
    assert len(_events(session, "staff:person:merge")) == 1


def test_a_forged_or_repeated_decision_changes_nothing(
    officer: TestClient, session: Session
) -> None:
    decision = session.scalars(select(MatchDecision).order_by(MatchDecision.id)).first()
    assert decision is not None
    path = f"/centre/matches/duplicate/{decision.id}"
    forged = officer.post(path, data={"csrf_token": "forged", "decision": "confirm"})
    assert forged.status_code == 400
    assert "The form expired" in forged.text
    bad = officer.post(path, data={"csrf_token": csrf(officer, path), "decision": "maybe"})
    assert bad.status_code == 422
    stranger = officer.post(
        path, data={"csrf_token": csrf(officer, path), "decision": "confirm", "keep": "999999"}
    )
    assert stranger.status_code == 422
    session.refresh(decision)
    assert decision.state == "proposed"
    assert session.scalars(select(MatchLabel)).first() is None
    officer.post(path, data={"csrf_token": csrf(officer, path), "decision": "reject"})
    again = officer.post(path, data={"csrf_token": csrf(officer, path), "decision": "confirm"})
    assert again.status_code == 409
    assert "already rejected" in again.text
    assert len(session.scalars(select(MatchLabel)).all()) == 1
    assert officer.get("/centre/matches/duplicate/987654").status_code == 404
    assert officer.get("/centre/matches/sideways/1").status_code == 404


# --- unidentified people --------------------------------------------------------------------


def test_a_description_ranks_the_unidentified_nurse_first(officer: TestClient) -> None:
    everyone = _json(officer, "/centre/unidentified")
    assert {h["person"]["name"] for h in everyone["hits"]} == {"Juniper Doe", "Cedar Doe"}
    page = _json(
        officer,
        "/centre/unidentified",
        sex="female", age="about 50", hair="short grey hair", clothing="navy scrubs",
    )  # fmt: skip
    assert page["searched"] is True
    [nurse] = page["hits"]  # the guard is a man: a contradiction, not a candidate
    assert nurse["person"]["name"] == "Juniper Doe"
    assert "unidentified" in nurse["person"]["flags"]
    assert {"gray", "navy"} <= set(nurse["shared_words"])  # "grey" reads as "gray"
    levels = {f["field"]: f["level"] for f in nurse["fields"]}
    assert levels["sex"] == "same"
    assert levels["description"] in ("most", "some")
    tall_man = _json(officer, "/centre/unidentified", sex="male", other="beard, uniform")
    assert [h["person"]["name"] for h in tall_man["hits"]] == ["Cedar Doe"]


def test_a_bad_age_is_explained_not_a_server_error(officer: TestClient, session: Session) -> None:
    response = officer.get("/centre/unidentified", params={"age": "old-ish"})
    assert response.status_code == 422
    assert "age" in response.text
    assert officer.get("/centre/unidentified", params={"sex": "robot"}).status_code == 422
    assert len(_events(session, "staff:centre:unidentified")) == 2


# --- unaccompanied minors -------------------------------------------------------------------


def test_a_minor_without_a_guardian_waits_until_one_is_recorded(
    officer: TestClient, session: Session
) -> None:
    rows = _json(officer, "/centre/minors")["rows"]
    assert [r["person"]["name"] for r in rows] == ["Noah Castellan"]
    noah = rows[0]["person"]
    assert "minor" in noah["flags"]
    assert noah["facility"] == "Seattle Presbyterian Hospital"
    path = f"/centre/minors/{noah['person_id']}/guardian"
    refused = officer.post(
        path,
        data={"csrf_token": csrf(officer, "/centre/minors"), "name": "Rosa Castellan",
              "relationship": "neighbour", "phone": "+1 206 555 0190"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert "must be one of" in refused.text
    saved = officer.post(
        path,
        data={"csrf_token": csrf(officer, "/centre/minors"), "name": "Rosa Castellan",
              "relationship": "parent", "phone": "+1 206 555 0190"},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303
    assert _json(officer, "/centre/minors")["rows"] == []
    session.expire_all()
    row = people.get(session, noah["person_id"])
    assert row is not None
    [contact] = row.contacts
    assert (contact.name, contact.relationship_, contact.designated) == (
        "Rosa Castellan", "parent", True,
    )  # fmt: skip
    assert len(_events(session, "staff:person:guardian")) == 1


# --- death notifications --------------------------------------------------------------------


def _told_form(client: TestClient, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": csrf(client, "/centre/deaths"),
        "told_name": "Joan Adamson",
        "relationship": "mother",
        "told_at": "2026-11-21T09:30",
        "told_by": "Chaplain Ruth Ames",
        "place": "Family assistance centre",
        **fields,
    }


def test_recording_that_a_family_was_told_changes_what_the_policy_allows(
    officer: TestClient, session: Session
) -> None:
    reed = _person_id(session, "Reed Adamson")
    tasks.open_task(session, StaffTask.NOTIFY_NEXT_OF_KIN_IN_PERSON, person_id=reed)
    session.commit()
    rows = _json(officer, "/centre/deaths")["rows"]
    assert [r["person"]["name"] for r in rows] == ["Reed Adamson", "Charles Percy"]
    assert rows[0]["relatives_asking"] == 1
    assert "next_of_kin_not_notified" in rows[0]["person"]["flags"]

    response = officer.post(
        f"/centre/deaths/{reed}/told",
        data=_told_form(officer, release="yes"),
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert [r["person"]["name"] for r in _json(officer, "/centre/deaths")["rows"]] == [
        "Charles Percy"
    ]
    notice = session.scalars(select(DeathNotice)).one()
    assert (notice.told_name, notice.relationship, notice.told_by) == (
        "Joan Adamson", "mother", "Chaplain Ruth Ames",
    )  # fmt: skip
    assert notice.told_at == datetime(2026, 11, 21, 17, 30, tzinfo=UTC)  # 09:30 in Seattle
    assert notice.recorded_by == "staff/officer"
    session.expire_all()
    task = session.scalars(select(ft.Task).where(ft.Task.person_id == reed)).one()
    assert (task.state, task.family_told) == ("done", True)

    row = people.get(session, reed)
    assert row is not None
    subject = subject_state(session, row)
    assert subject.next_of_kin_notified
    assert subject.death_released
    registry = decide(
        subject,
        Audience.external_registry(),
        MatchBand(Band.CONFIDENT),
        settings_for(session, row.incident_id),
    )
    assert registry.pfif_status is PfifStatus.BELIEVED_DEAD
    # The public is still never told of a death on a page.
    public = decide(
        subject,
        Audience.public(),
        MatchBand(Band.CONFIDENT, True, True),
        settings_for(session, row.incident_id),
    )
    assert public.kind.value == "contact_family_assistance_centre"
    [event] = _events(session, "staff:person:death-notified")
    assert event.data["release"] is True
    assert event.data["tasks_closed"] == [task.id]


def test_a_notification_without_release_tells_no_registry(
    officer: TestClient, session: Session
) -> None:
    percy = _person_id(session, "Charles Percy")
    form = _told_form(officer, told_name="Percy family", relationship="parents")
    assert (
        officer.post(f"/centre/deaths/{percy}/told", data=form, follow_redirects=False).status_code
        == 303
    )
    session.expire_all()
    row = people.get(session, percy)
    assert row is not None
    subject = subject_state(session, row)
    assert subject.next_of_kin_notified
    assert not subject.death_released
    registry = decide(
        subject,
        Audience.external_registry(),
        MatchBand(Band.CONFIDENT),
        settings_for(session, row.incident_id),
    )
    assert registry.pfif_status is None


def test_a_wrong_notification_is_refused_and_stores_nothing(
    officer: TestClient, session: Session
) -> None:
    reed = _person_id(session, "Reed Adamson")
    nurse = _person_id(session, "Juniper Doe")
    alex = _person_id(session, "Alex Karev")
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    cases = [
        (reed, {"told_at": future}, 422, "future"),
        (reed, {"told_at": "yesterday"}, 422, "YYYY-MM-DD"),
        (reed, {"told_name": "  "}, 422, "required"),
        (reed, {"csrf_token": "forged"}, 400, "expired"),
        (nurse, {}, 409, "identify"),
        (alex, {}, 409, "not recorded as deceased"),
    ]
    for person_id, fields, status, words in cases:
        response = officer.post(
            f"/centre/deaths/{person_id}/told", data=_told_form(officer, **fields)
        )
        assert response.status_code == status, (fields, response.text[:300])
        assert words in response.text
    assert session.scalars(select(DeathNotice)).first() is None
    assert officer.post("/centre/deaths/987654/told", data=_told_form(officer)).status_code == 404


# --- the dashboard: inquiries without a match -----------------------------------------------


def test_the_dashboard_counts_inquiries_without_a_match(
    officer: TestClient, session: Session
) -> None:
    page = _json(officer, "/dashboard")
    assert page["unmatched_count"] == 1
    [amelia] = page["unmatched"]
    assert (amelia["sought"], amelia["band"], amelia["in_review"]) == (
        "Derek Shepherd",
        "uncertain",
        True,
    )
    assert "amelia" not in str(page).lower()
    html = officer.get("/dashboard").text
    assert "Inquiries without a match (1)" in html
    item = _inquiry_item(officer)
    path = f"/centre/matches/inquiry/{item['item_id']}"
    officer.post(path, data={"csrf_token": csrf(officer, path), "decision": "confirm"})
    assert _json(officer, "/dashboard")["unmatched_count"] == 0


# --- one builder of the policy's input for every audience -----------------------------------


def test_a_patient_who_was_17_when_it_happened_is_a_minor_at_the_desk_and_online(
    session: Session, demo: int
) -> None:
    # 17 on the incident's first day (2026-11-20), 18 two days later.
    teen = register_person(
        session,
        demo,
        domain.Person(
            names=[domain.PersonName(given="Jo", family="Whitlock")],
            sex=domain.Sex.FEMALE,
            birth_date=domain.BirthDate.parse("2008-11-21"),
        ),
        actor="staff/test",
    )
    record_movement(
        session,
        MovementDraft(
            person_id=teen.id,
            status=domain.Status.ADMITTED,
            occurred_at=datetime(2026, 11, 21, 4, 0, tzinfo=UTC),
            facility_code="SPH",
            location=domain.Location(unit="5E", room="530"),
            condition=domain.Condition.GOOD,
        ),
        actor="staff/test",
    )
    session.commit()
    sph = facilities.get_by_code(session, "SPH")
    assert sph is not None
    [at_desk] = desk_search.search(
        session, desk_search.name_finder, "Jo Whitlock", desk=sph, actor="staff/test"
    )
    assert at_desk.answer.value == "contact_family_assistance_centre"
    assert at_desk.room is None
    online = disclose(session, teen, MatchBand(Band.CONFIDENT, full_name=True, other_fact=True))
    assert online.kind.value == "contact_family_assistance_centre"
    assert StaffTask.MINOR in online.staff_tasks
    assert subject_state(session, teen).minor
