"""``/api/v1/centre``: the reunification centre's JSON API, for officers with a bearer token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reunify.demo.review_cases import load_review_cases
from reunify.domain import Role
from reunify.domain.disclosure import StaffTask
from reunify.families import tasks
from reunify.linkage.labels import labelled_patterns
from reunify.matching import COMPARISONS, default_params, estimate_m_from_labels
from reunify.store import families_tables as ft
from reunify.store import tables as t
from reunify.store.centre_tables import DeathNotice, MatchLabel
from reunify.tracking.service import locate

READS = (
    "/api/v1/centre/matches",
    "/api/v1/centre/unidentified",
    "/api/v1/centre/minors",
    "/api/v1/centre/deaths",
)


@pytest.fixture
def officer_headers(session: Session, demo: int, make_staff: Callable[..., str]) -> dict[str, str]:
    load_review_cases(session)
    session.commit()
    return {"Authorization": f"Bearer {make_staff(Role.REUNIFICATION_OFFICER)}"}


def _get(client: TestClient, path: str, headers: dict[str, str], **params: str) -> Any:
    response = client.get(path, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _person(session: Session, name: str) -> int:
    return locate(session, name, actor="test")[0].person_id


def test_only_officers_and_admins_may_use_the_centre_api(
    app_client: TestClient, session: Session, demo: int, make_staff: Callable[..., str]
) -> None:
    desk = {"Authorization": f"Bearer {make_staff(Role.FACILITY_STAFF, ('SPH',))}"}
    admin = {"Authorization": f"Bearer {make_staff(Role.ADMIN)}"}
    reed = _person(session, "Reed Adamson")
    for path in READS:
        assert app_client.get(path).status_code == 401, path
        refused = app_client.get(path, headers=desk)
        assert refused.status_code == 403, path
        assert set(refused.json()) == {"status", "error", "detail", "fields"}
        assert app_client.get(path, headers=admin).status_code == 200, path
    body = {"told_name": "Joan Adamson", "relationship": "mother",
            "told_at": "2026-11-21T17:30:00Z", "told_by": "Chaplain Ruth Ames"}  # fmt: skip
    response = app_client.post(
        f"/api/v1/centre/deaths/{reed}/notifications", json=body, headers=desk
    )
    assert response.status_code == 403
    assert session.scalar(select(func.count()).select_from(DeathNotice)) == 0


def test_rejecting_an_inquiry_candidate_labels_it_and_leaves_the_inquiry_open(
    app_client: TestClient, session: Session, officer_headers: dict[str, str]
) -> None:
    items = _get(app_client, "/api/v1/centre/matches", officer_headers)["data"]
    item = next(i for i in items if i["kind"] == "inquiry")
    path = f"/api/v1/centre/matches/inquiry/{item['item_id']}"
    pair = _get(app_client, path, officer_headers)
    assert pair["sought"]["name"] == "Derek Shepherd"
    assert [f["field"] for f in pair["explanation"]["fields"]] == [c.name for c in COMPARISONS]
    response = app_client.post(
        path + "/decision", json={"decision": "reject", "note": "Her brother is 52; not Derek"},
        headers=officer_headers,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    outcome = response.json()
    assert (outcome["confirmed"], outcome["seeker_answer"]) == (False, None)
    session.expire_all()  # the app wrote through its own session
    inquiry = session.scalars(select(ft.Inquiry)).one()
    assert (inquiry.state, inquiry.person_id) == ("open", None)
    label = session.get(MatchLabel, outcome["label_id"])
    assert label is not None
    assert label.same is False
    # Derek moving later re-asks the inquiry; the pair an officer rejected is not asked again.
    tasks.open_task(
        session,
        StaffTask.REVIEW_UNCERTAIN_MATCH,
        person_id=label.person_id,
        inquiry_id=inquiry.id,
    )
    session.commit()
    items = _get(app_client, "/api/v1/centre/matches", officer_headers)["data"]
    assert all(i["kind"] != "inquiry" for i in items)
    again = app_client.post(
        path + "/decision", json={"decision": "confirm"}, headers=officer_headers
    )
    assert again.status_code == 409
    assert again.json()["fields"][0]["field"] == "item_id"


def test_bad_decisions_are_refused_in_the_one_error_shape(
    app_client: TestClient, session: Session, officer_headers: dict[str, str]
) -> None:
    items = _get(app_client, "/api/v1/centre/matches", officer_headers)["data"]
    inquiry = next(i for i in items if i["kind"] == "inquiry")
    duplicate = next(i for i in items if i["kind"] == "duplicate")
    base = "/api/v1/centre/matches"
    ask, dup = f"{base}/inquiry/{inquiry['item_id']}", f"{base}/duplicate/{duplicate['item_id']}"
    cases = [
        (ask, {"decision": "confirm", "keep": 1}, 422),
        (dup, {"decision": "merge"}, 422),
        (dup, {"decision": "confirm", "keep": 999999}, 422),
        (f"{base}/sideways/1", {"decision": "confirm"}, 422),
        (f"{base}/duplicate/987654", {"decision": "confirm"}, 404),
        (f"{base}/inquiry/987654", {"decision": "reject"}, 404),
    ]
    for path, body, status in cases:
        response = app_client.post(path + "/decision", json=body, headers=officer_headers)
        assert response.status_code == status, (path, body, response.text)
        assert set(response.json()) == {"status", "error", "detail", "fields"}
    assert session.scalar(select(func.count()).select_from(MatchLabel)) == 0
    assert (
        app_client.get(
            "/api/v1/centre/matches/duplicate/987654", headers=officer_headers
        ).status_code
        == 404
    )


def test_confirmed_and_rejected_pairs_feed_the_estimation(
    app_client: TestClient, session: Session, officer_headers: dict[str, str]
) -> None:
    items = _get(app_client, "/api/v1/centre/matches", officer_headers)["data"]
    for item in items:
        decision = "confirm" if item["kind"] == "inquiry" else "reject"
        response = app_client.post(
            f"/api/v1/centre/matches/{item['kind']}/{item['item_id']}/decision",
            json={"decision": decision}, headers=officer_headers,
        )  # fmt: skip
        assert response.status_code == 200, response.text
    assert _get(app_client, "/api/v1/centre/matches", officer_headers)["count"] == 0
    labelled = labelled_patterns(session)
    assert len(labelled) == len(items)
    assert sorted(same for _, same in labelled) == [False] * (len(items) - 1) + [True]
    assert all(len(pattern) == len(COMPARISONS) for pattern, _ in labelled)
    params = default_params()
    estimated = estimate_m_from_labels(labelled, params)
    # The one confirmed pair disagreed on age: m of the birth comparison's else level grows.
    assert estimated.levels["birth"]["different"].m > params.levels["birth"]["different"].m


def test_unidentified_search_minors_and_deaths_over_the_api(
    app_client: TestClient, session: Session, officer_headers: dict[str, str]
) -> None:
    hits = _get(
        app_client,
        "/api/v1/centre/unidentified",
        officer_headers,
        sex="male",
        age="40",
        clothing="security uniform",
    )
    assert [h["person"]["name"] for h in hits["data"]] == ["Cedar Doe"]
    bad = app_client.get(
        "/api/v1/centre/unidentified", headers=officer_headers, params={"age": "ancient"}
    )
    assert bad.status_code == 422
    assert bad.json()["fields"][0]["field"] == "age"

    [minor] = _get(app_client, "/api/v1/centre/minors", officer_headers)["data"]
    noah = minor["person"]["person_id"]
    refused = app_client.post(
        f"/api/v1/centre/minors/{noah}/guardian",
        json={"name": "Rosa Castellan", "relationship": "parent"},
        headers=officer_headers,
    )
    assert refused.status_code == 422  # no way to reach her
    created = app_client.post(
        f"/api/v1/centre/minors/{noah}/guardian",
        json={"name": "Rosa Castellan", "relationship": "parent", "email": "rosa@example.org"},
        headers=officer_headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["designated"] is True
    assert _get(app_client, "/api/v1/centre/minors", officer_headers)["count"] == 0
    alex = _person(session, "Alex Karev")
    adult = app_client.post(
        f"/api/v1/centre/minors/{alex}/guardian",
        json={"name": "X Y", "relationship": "parent", "phone": "5550100"},
        headers=officer_headers,
    )
    assert adult.status_code == 409

    deaths = _get(app_client, "/api/v1/centre/deaths", officer_headers)
    assert [d["person"]["name"] for d in deaths["data"]] == ["Reed Adamson", "Charles Percy"]
    reed = deaths["data"][0]["person"]["person_id"]
    body = {"told_name": "Joan Adamson", "relationship": "mother", "told_at": "2026-11-21T09:30:00",
            "told_by": "Chaplain Ruth Ames"}  # fmt: skip
    naive = app_client.post(
        f"/api/v1/centre/deaths/{reed}/notifications", json=body, headers=officer_headers
    )
    assert naive.status_code == 422  # a time without a zone is ambiguous
    body["told_at"] = "2026-11-21T09:30:00-08:00"
    told = app_client.post(
        f"/api/v1/centre/deaths/{reed}/notifications", json=body, headers=officer_headers
    )
    assert told.status_code == 201, told.text
    assert told.json()["told_at"].startswith("2026-11-21T17:30:00")
    assert [
        d["person"]["name"]
        for d in _get(app_client, "/api/v1/centre/deaths", officer_headers)["data"]
    ] == ["Charles Percy"]
    views = session.scalars(select(t.Event).where(t.Event.tag.like("staff:centre:%"))).all()
    assert {e.tag for e in views} >= {
        "staff:centre:unidentified",
        "staff:centre:minors",
        "staff:centre:deaths",
    }
