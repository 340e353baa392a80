"""Deferred mode: messages stored in batches on their header alone, applied in chunks after."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from hl7_support import adt, karev_day
from reunify.families.inquiries import Seeker, ask, parse_sought
from reunify.feeds import Receiver
from reunify.interop.hl7v2 import AckCode
from reunify.store import Database
from reunify.store import families_tables as ft
from reunify.store import hl7_tables as h
from reunify.store import tables as t
from reunify.store.match_tables import MatchKey


def _rows(session: Session) -> list[h.Hl7Message]:
    return list(session.scalars(select(h.Hl7Message).order_by(h.Hl7Message.id)))


def test_repeats_in_one_batch_and_of_stored_messages_get_the_first_ack(
    feed_db: Database,
) -> None:
    receiver = Receiver(feed_db, apply="deferred")
    first = receiver.receive(karev_day()[0])
    batch = [karev_day()[1], karev_day()[0], karev_day()[1], karev_day()[2]]
    receipts = receiver.receive_batch(batch)
    assert [r.duplicate for r in receipts] == [False, True, True, False]
    assert receipts[1].ack == first.ack  # byte for byte, as stored
    assert receipts[2].ack == receipts[0].ack  # the repeat inside the batch
    assert receipts[2].message_id == receipts[0].message_id
    with feed_db.session() as session:
        rows = _rows(session)
        assert [r.control_id for r in rows] == ["SG-1", "SG-2", "SP-1"]
        assert {r.state for r in rows} == {"pending"}
        assert [r.ack for r in rows] == [first.ack, receipts[0].ack, receipts[3].ack]


def test_refused_messages_are_kept_without_their_key_and_may_be_resent(
    feed_db: Database,
) -> None:
    receiver = Receiver(feed_db, apply="deferred")
    test_traffic = adt("A04", "T1", processing="T")
    receipts = receiver.receive_batch([test_traffic, test_traffic, b"garbage"])
    assert [r.code for r in receipts] == [AckCode.AR, AckCode.AR, AckCode.AE]
    assert not any(r.duplicate for r in receipts)
    with feed_db.session() as session:
        rows = _rows(session)
        assert [(r.control_id, r.state) for r in rows] == [(None, "error")] * 3
        assert rows[0].ack_code == "AR"


def test_a_content_error_is_answered_ae_before_the_commit_as_inline_mode_does(
    feed_db: Database,
) -> None:
    deferred = Receiver(feed_db, apply="deferred")
    receipt = deferred.receive(adt("A02", "NOWHERE", location=""))  # A02 without PV1-3
    assert (receipt.code, receipt.state) == (AckCode.AE, "error")
    err = next(s for s in receipt.ack.split(b"\r") if s.startswith(b"ERR"))
    fields = err.split(b"|")
    assert fields[2] == b"PV1^1^3^1"  # ERR-2: segment^sequence^field^repetition
    assert fields[3] == b"101^Required field missing^HL70357"
    assert b"A02 without a new location" in err
    assert deferred.drain() == 0  # nothing left to apply
    assert deferred.receive(adt("A02", "NOWHERE", location="")).ack == receipt.ack
    inline = Receiver(feed_db, apply="inline").receive(adt("A02", "NOWHERE2", location=""))
    inline_err = next(s for s in inline.ack.split(b"\r") if s.startswith(b"ERR"))
    assert inline.code is AckCode.AE
    assert inline_err.split(b"|")[1:] == err.split(b"|")[1:]  # the same ERR, field for field


def test_a_failure_found_after_the_aa_is_recorded_for_a_person(feed_db: Database) -> None:
    receiver = Receiver(feed_db, apply="deferred")
    too_long = "Karev" * 80 + "^Alexander^^^^^L"  # longer than the name column
    receipt = receiver.receive(adt("A04", "LONG", name=too_long))
    assert (receipt.code, receipt.state) == (AckCode.AA, "pending")
    assert receiver.drain() == 1
    with feed_db.session() as session:
        (row,) = _rows(session)
        assert row.state == "error"
        event = session.scalars(select(t.Event).where(t.Event.tag == "hl7:message:error")).one()
        assert event.subject_id == str(row.id)
    assert receiver.receive(adt("A04", "LONG", name=too_long)).ack == receipt.ack


def test_a_chunk_indexes_every_new_person_for_the_matcher(feed_db: Database) -> None:
    receiver = Receiver(feed_db, apply="deferred")
    receiver.receive_batch(
        [adt("A04", f"N{i}", ids=f"N{i}^^^SGMW^MR", name=f"Person^Number{i}^^^^^L")
         for i in range(6)]
    )  # fmt: skip
    assert receiver.apply_some(limit=10) == 6  # one chunk, one transaction
    with feed_db.session() as session:
        people = set(session.scalars(select(t.Person.id)))
        keyed = Counter(session.scalars(select(MatchKey.person_id)))
        assert len(people) == 6
        assert set(keyed) == people


def test_an_open_inquiry_is_matched_when_the_person_arrives_by_hl7(feed_db: Database) -> None:
    with feed_db.session() as session:
        answer = ask(
            session, parse_sought(name="Alexander Karev", date_of_birth="1995-04-12"),
            Seeker(name="Izzie", email="izzie@example.org"),
            raw_sought={"name": "Alexander Karev", "date_of_birth": "1995-04-12"},
        )  # fmt: skip
        assert answer.inquiry.state == "open"  # nobody by that name yet
    receiver = Receiver(feed_db, apply="deferred")
    receiver.receive_batch([adt("A04", "X1", ids="X1^^^SGMW^MR", name="Other^Person^^^^^L"),
                            karev_day()[0]])  # fmt: skip
    assert receiver.drain() == 2
    with feed_db.session() as session:
        inquiry = session.scalars(select(ft.Inquiry)).one()
        karev = session.scalars(
            select(t.PersonName.person_id).where(t.PersonName.folded == "alexander karev")
        ).one()
        assert (inquiry.state, inquiry.person_id) == ("matched", karev)
