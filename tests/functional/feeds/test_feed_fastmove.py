"""The chunk's fast movement path (``feeds.fastmove``) leaves exactly the state the tracking
service leaves: one mixed stream, applied both ways, gives the same people, identifiers,
movements, whereabouts, audit events and message states."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hl7_support import adt, karev_day
from reunify.feeds import Receiver
from reunify.store import Database
from reunify.store import hl7_tables as h
from reunify.store import tables as t
from tests_support import emptied

_ICU = "ICU^12^A^SPH"


def _stream() -> list[bytes]:
    """Every kind of event, with patients seen again in later chunks, cancels and merges
    between ordinary moves, a rolled-back message (unknown facility) and one for review."""
    messages = list(karev_day())
    for n in range(12):  # registered, moved twice, updated, discharged
        ids, name = f"Q{n}^^^SGMW^MR", f"Stream^Patient{n}^^^^^L"
        hour = 10 + n % 5
        messages += [
            adt("A04", f"Q{n}-1", ids=ids, name=name, when=f"20261121{hour:02d}0000"),
            adt("A02", f"Q{n}-2", ids=ids, name=name, location=f"ED^{n}^^SGMW",
                when=f"20261121{hour:02d}1000"),
            adt("A02", f"Q{n}-3", ids=ids, name=name, location=f"ED^{n % 3}^B^SGMW",
                when=f"20261121{hour:02d}2000"),
            adt("A08", f"Q{n}-4", ids=ids, name=f"Stream^Pat{n}^^^^^L", location="ED^^^SGMW",
                when=f"20261121{hour:02d}3000", pd1="PD1|||||||||||N" if n % 2 else None),
            adt("A03", f"Q{n}-5", ids=ids, name=name, when=f"20261121{hour + 1:02d}0000",
                disposition="20" if n % 4 == 0 else ""),
        ]  # fmt: skip
    sph = {"facility": "SPH", "ids": "SP1^^^SPH^MR", "patient_class": "I"}
    messages += [
        adt("A01", "C1", location=_ICU, when="20261121200000", **sph),
        adt("A02", "C2", location="7W^778^^SPH", prior=_ICU, when="20261121210000", **sph),
        adt("A02", "C3", location="5E^501^^SPH", prior="7W^778^^SPH", when="20261121220000",
            **sph),
        adt("A12", "C4", location=_ICU, prior="7W^778^^SPH", when="20261121230000",
            occurred="20261121210000", **sph),  # after a later move: for review
        adt("A12", "C5", location="7W^778^^SPH", prior="5E^501^^SPH", when="20261121231000",
            occurred="20261121220000", **sph),
        adt("A04", "M1", ids="TEMP9^^^SGMW^MR", name="Doe^Cedar^^^^^S", dob="",
            when="20261121120500"),
        adt("A02", "M2", ids="TEMP9^^^SGMW^MR", name="Doe^Cedar^^^^^S", dob="",
            location="ED^9^^SGMW", when="20261121121000"),
        adt("A04", "M3", ids="SG5^^^SGMW^MR", name="Avery^Ben^^^^^L", when="20261121121500"),
        adt("A40", "M4", ids="SG5^^^SGMW^MR", name="Avery^Ben^^^^^L", when="20261121122000",
            patient_class="", location="", segments=["MRG|TEMP9^^^SGMW^MR"]),
        adt("A02", "M5", ids="SG5^^^SGMW^MR", name="Avery^Ben^^^^^L", location="ED^4^^SGMW",
            when="20261121122500"),
        adt("A11", "X1", ids="Q3^^^SGMW^MR", when="20261121133000", occurred="20261121130000"),
        adt("A13", "X2", ids="Q5^^^SGMW^MR", when="20261121160000", occurred="20261121110000"),
        adt("A02", "X3", ids="Q6^^^SGMW^MR", location="ED^^^ELSEWHERE",
            when="20261121113000"),  # unknown facility: AE, rolled back
        adt("A01", "S1", facility="SPH", ids="P1^^^SPH^MR", location="ICU^1^A^SPH",
            patient_class="I", when="20261121140000"),
        adt("A01", "S2", facility="SPH", ids="P2^^^SPH^MR", name="Shepherd^Derek^^^^^L",
            location="ICU^2^A^SPH", patient_class="I", when="20261121140100"),
        adt("A17", "S3", facility="SPH", ids="P1^^^SPH^MR", location="ICU^2^A^SPH",
            patient_class="I", when="20261121141000",
            segments=["PID|2||P2^^^SPH^MR||Shepherd^Derek^^^^^L", "PV1|2|I|ICU^1^A^SPH"]),
        adt("A02", "S4", facility="SPH", ids="P2^^^SPH^MR", name="Shepherd^Derek^^^^^L",
            location="ICU^3^A^SPH", patient_class="I", when="20261121142000"),
    ]  # fmt: skip
    return messages


def _snapshot(session: Session) -> dict[str, Any]:
    """The state, by natural keys (ids differ between runs on PostgreSQL)."""
    who: dict[int, str] = {}
    for p in session.scalars(select(t.Person).order_by(t.Person.id)):
        keys = sorted(f"{i.issuer}:{i.value}" for i in p.identifiers)
        who[p.id] = ",".join(keys) or f"#{len(who)}"
    code = {f.id: f.code for f in session.scalars(select(t.Facility))}
    places = {
        loc.id: (code[loc.facility_id], loc.building, loc.floor, loc.unit, loc.room, loc.bed)
        for loc in session.scalars(select(t.Location))
    }
    moves = {m.id: m.source_ref for m in session.scalars(select(t.Movement))}

    def text(value: str) -> str:  # "movement 12" names a row id: name its reference instead
        return re.sub(r"movement (\d+)", lambda m: f"movement {moves.get(int(m[1]))}", value)

    people = sorted(
        (who[p.id], p.sex, p.birth_date, p.unidentified, p.directory_opt_out,
         who.get(p.merged_into_id or 0), sorted((n.use, n.full, n.given, n.family)
                                                 for n in p.names),
         sorted((c.name, c.relationship_, c.phone) for c in p.contacts))
        for p in session.scalars(select(t.Person))
    )  # fmt: skip
    movements = sorted(
        (m.source_ref, who[m.person_id], m.status, m.condition, code.get(m.facility_id or 0),
         places.get(m.location_id or 0), code.get(m.destination_id or 0), m.occurred_at,
         m.recorded_at, text(m.note), moves.get(m.cancels_id or 0), m.recorded_by)
        for m in session.scalars(select(t.Movement))
    )  # fmt: skip
    whereabouts = sorted(
        (who[w.person_id], w.status, w.condition, code.get(w.facility_id or 0),
         places.get(w.location_id or 0), code.get(w.destination_id or 0), w.since,
         moves.get(w.last_movement_id or 0))
        for w in session.scalars(select(t.Whereabouts))
    )  # fmt: skip

    def data(values: dict[str, Any]) -> str:  # ids named by their natural keys
        named = {"movement_id": moves, "retired": who}
        kept = {k: named[k].get(v, v) if k in named else v for k, v in values.items()}
        return text(str(sorted((k, v) for k, v in kept.items()
                               if k not in ("message_id", "candidates"))))  # fmt: skip

    events = sorted(
        (e.tag, e.actor, e.subject_type,
         who.get(e.subject_id or 0) if e.subject_type == "person" else None, data(e.data or {}))
        for e in session.scalars(select(t.Event))
    )  # fmt: skip
    messages = sorted(
        (m.control_id, m.state, text(m.error or ""), who.get(m.person_id or 0))
        for m in session.scalars(select(h.Hl7Message))
    )
    return {
        "people": people, "movements": movements, "whereabouts": whereabouts,
        "events": events, "messages": messages,
    }  # fmt: skip


def _seeded(feed_db: Database) -> None:
    from reunify.demo import scenario as s
    from reunify.store import facilities

    with feed_db.session() as session:
        incident = session.scalars(select(t.Incident)).one()
        values = {c.key: getattr(incident, c.key) for c in t.Incident.__table__.columns}
    emptied(feed_db)
    with feed_db.session() as session:
        for facility in s.FACILITIES:
            facilities.upsert(session, facility)
        session.add(t.Incident(**values))


def _apply(feed_db: Database, *, fast: bool, apply: str) -> dict[str, Any]:
    receiver = Receiver(feed_db, apply=apply, apply_batch=7, fast=fast)  # type: ignore[arg-type]
    stream = _stream()
    for start in range(0, len(stream), 9):
        receiver.receive_batch(stream[start : start + 9])
    receiver.drain()
    with feed_db.session() as session:
        return _snapshot(session)


@pytest.mark.parametrize("apply", ["deferred", "inline"])
def test_the_fast_path_leaves_the_state_the_tracking_service_leaves(
    feed_db: Database, apply: str
) -> None:
    slow = _apply(feed_db, fast=False, apply=apply)
    _seeded(feed_db)
    fast = _apply(feed_db, fast=True, apply=apply)
    for part in slow:
        assert fast[part] == slow[part], part
    states = {m[1] for m in slow["messages"]}
    assert {"applied", "needs_review", "error"} <= states  # the stream covers them
    assert len(slow["movements"]) > 60
    assert any(w[1] == "deceased" for w in slow["whereabouts"])
