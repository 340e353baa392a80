"""Response times of the staff pages on a SQLite file with the demo plus synthetic patients.

    /work/venv/bin/python benchmarks/bench_pages.py [--people 2000] [--runs 20] [--db URL]

Adds ``--people`` synthetic patients (three movements each, spread over SGMW and SPH), signs
in through the real form, then times the front desk search for "alex karev", the dashboard and
the badge PDF in-process (no network). Prints p50/p95/max in milliseconds for each.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from reunify import domain
from reunify.accounts.passwords import hash_password
from reunify.config import Settings
from reunify.demo.load import load
from reunify.store import Database, migrate
from reunify.store import tables as t
from reunify.tracking.service import MovementDraft, record_movement, register_person
from reunify.web.app import create_app

PASSWORD = "benchmark-password"  # noqa: S105 - a throw-away benchmark account


def populate(database: Database, count: int) -> None:
    start = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)
    with database.session() as session:
        incident = load(session).incident_id
        for i in range(count):
            person = domain.Person(
                names=[domain.PersonName(given=f"Given{i}", family=f"Family{i % 397}")],
                sex=domain.Sex.FEMALE if i % 2 else domain.Sex.MALE,
                age=domain.AgeRange(20 + i % 60, 20 + i % 60),
            )
            row = register_person(session, incident, person, actor="bench/loader")
            here = "SPH" if i % 3 else "SGMW"
            steps = [
                (domain.Status.AT_SCENE, "SGMW", None),
                (domain.Status.EMERGENCY_DEPARTMENT, "SGMW", domain.Condition.SERIOUS),
                (domain.Status.ADMITTED, here, domain.Condition.FAIR),
            ]
            for n, (status, facility, condition) in enumerate(steps):
                record_movement(
                    session,
                    MovementDraft(
                        person_id=row.id,
                        status=status,
                        occurred_at=start + timedelta(minutes=i % 600 + 30 * n),
                        facility_code=facility,
                        condition=condition,
                        source="bench",
                        source_ref=f"{i}/{n}",
                    ),
                    actor="bench/loader",
                )
        session.add(
            t.User(
                username="bench",
                role=domain.Role.ADMIN.value,
                password_hash=hash_password(PASSWORD),
                created_at=datetime.now(UTC),
            )
        )


def timed(client: TestClient, url: str, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    print(
        f"{name:<28} p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms"
        f"   max {ordered[-1]:7.1f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        database = Database(url)
        migrate.upgrade(database.engine)
        began = time.perf_counter()
        populate(database, args.people)
        print(f"loaded demo + {args.people} patients in {time.perf_counter() - began:.1f} s")
        settings = Settings(database_url=url, environment="development", secret_key="b" * 40)
        with TestClient(create_app(settings, database=database)) as client:
            form = client.get("/signin").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', form)
            assert token is not None
            client.post(
                "/signin",
                data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)},
            )
            report(
                "desk search 'alex karev'",
                timed(client, "/desk?facility=SPH&q=alex+karev", args.runs),
            )
            report("dashboard (HTML)", timed(client, "/dashboard", args.runs))
            report("dashboard (JSON twin)", timed(client, "/dashboard?format=json", args.runs))
            desk = client.get("/desk?facility=SPH&q=alex+karev&format=json").json()
            person = desk["results"][0]["badge_person_id"]
            form = client.get("/desk?facility=SPH").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', form)
            assert token is not None
            badge = client.post(
                "/desk/badges",
                data={
                    "csrf_token": token.group(1),
                    "facility": "SPH",
                    "person_id": str(person),
                    "visitor_name": "Izzie Stevens",
                },
                follow_redirects=False,
            ).headers["location"]
            report("badge PDF", timed(client, f"{badge}/badge.pdf", args.runs))
        database.engine.dispose()


if __name__ == "__main__":
    main()
