"""HL7 ADT messages become people and movements through the durable inbox."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hl7_support import adt, karev_day
from reunify.feeds import Receiver
from reunify.interop.hl7v2 import AckCode
from reunify.store import Database
from reunify.store import hl7_tables as h
from reunify.store import tables as t
from reunify.tracking.service import locate, person_view


def _count(session: Session, table: type[t.Base]) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def test_karev_ends_in_7w_room_778_with_his_history(feed_db: Database) -> None:
    receipts = Receiver(feed_db).receive_batch(karev_day())
    assert [r.code for r in receipts] == [AckCode.AA] * 4, [r.text for r in receipts]
    assert [r.state for r in receipts] == ["applied"] * 4
    with feed_db.session() as session:
        (view,) = locate(session, "Alexander Karev", actor="test")
        assert (view.status, view.facility_code, view.location) == (
            "admitted",
            "SPH",
            "7W, room 778",
        )
        assert [(m.status, m.facility_code, m.location) for m in view.history] == [
            ("emergency_department", "SGMW", "ED"),
            ("in_transit", None, ""),
            ("admitted", "SPH", "ICU, room 12, bed A"),
            ("admitted", "SPH", "7W, room 778"),
        ]
        assert {(i.issuer, i.value) for i in view.identifiers} == {
            ("SGMW", "SG100231"), ("SPH", "SP778001"),
        }  # fmt: skip
        assert _count(session, t.Person) == 1


def _karev(session: Session, mrn: tuple[str, str] = ("SGMW", "SG100231")) -> t.Person:
    ident = session.scalars(
        select(t.Identifier).where(t.Identifier.issuer == mrn[0], t.Identifier.value == mrn[1])
    ).one()
    return ident.person


def test_a_repeated_message_gets_the_same_ack_and_changes_nothing(feed_db: Database) -> None:
    receiver = Receiver(feed_db)
    first = receiver.receive(karev_day()[0])
    with feed_db.session() as session:
        before = (
            _count(session, t.Movement),
            _count(session, t.Event),
            _count(session, h.Hl7Message),
        )
    again = receiver.receive(karev_day()[0])
    assert again.duplicate
    assert again.ack == first.ack
    assert again.message_id == first.message_id
    with feed_db.session() as session:
        after = (
            _count(session, t.Movement),
            _count(session, t.Event),
            _count(session, h.Hl7Message),
        )
    assert after == before


def test_a12_after_a_later_a02_is_flagged_not_applied(feed_db: Database) -> None:
    icu = "ICU^12^A^SPH"
    messages = [
        adt("A01", "1", facility="SPH", ids="SP1^^^SPH^MR", location=icu, patient_class="I",
            when="20261120200000"),
        adt("A02", "2", facility="SPH", ids="SP1^^^SPH^MR", location="7W^778^^SPH",
            prior=icu, patient_class="I", when="20261121090000"),
        adt("A02", "3", facility="SPH", ids="SP1^^^SPH^MR", location="5E^501^^SPH",
            prior="7W^778^^SPH", patient_class="I", when="20261121120000"),
        # Cancels the 09:00 transfer (EVN-6 = the cancelled event's time), after the 12:00 one.
        adt("A12", "4", facility="SPH", ids="SP1^^^SPH^MR", location=icu, prior="7W^778^^SPH",
            patient_class="I", when="20261121130000", occurred="20261121090000"),
    ]  # fmt: skip
    receipts = Receiver(feed_db).receive_batch(messages)
    assert [r.code for r in receipts] == [AckCode.AA] * 4
    assert receipts[3].state == "needs_review"
    assert "later movement" in receipts[3].text
    with feed_db.session() as session:
        view = person_view(session, _karev(session, ("SPH", "SP1")).id)
        assert view.location == "5E, room 501"
        assert not any(m.cancelled for m in view.history)
        tags = set(session.scalars(select(t.Event.tag)))
        assert "hl7:message:review" in tags
        row = session.get(h.Hl7Message, receipts[3].message_id)
        assert row is not None
        assert row.state == "needs_review"


def test_a12_of_the_latest_transfer_restores_the_bed_before_it(feed_db: Database) -> None:
    icu = "ICU^12^A^SPH"
    messages = [
        adt("A01", "1", facility="SPH", ids="SP1^^^SPH^MR", location=icu, patient_class="I",
            when="20261120200000"),
        adt("A02", "2", facility="SPH", ids="SP1^^^SPH^MR", location="7W^778^^SPH",
            prior=icu, patient_class="I", when="20261121090000"),
        adt("A12", "3", facility="SPH", ids="SP1^^^SPH^MR", location=icu, prior="7W^778^^SPH",
            patient_class="I", when="20261121093000", occurred="20261121090000"),
    ]  # fmt: skip
    receipts = Receiver(feed_db).receive_batch(messages)
    assert [r.state for r in receipts] == ["applied"] * 3
    with feed_db.session() as session:
        view = person_view(session, _karev(session, ("SPH", "SP1")).id)
        assert view.location == "ICU, room 12, bed A"
        assert [m.cancelled for m in view.history] == [False, True, True]


def test_a40_repoints_identifiers_and_movements_to_the_survivor(feed_db: Database) -> None:
    receiver = Receiver(feed_db)
    receiver.receive_batch([
        adt("A04", "1", ids="TEMP9^^^SGMW^MR", name="Doe^Cedar^^^^^S", dob="", sex="M"),
        adt("A04", "2", ids="SG5^^^SGMW^MR", when="20261120150000"),
    ])  # fmt: skip
    merge = adt(
        "A40", "3", ids="SG5^^^SGMW^MR", when="20261120160000", patient_class="",
        location="", segments=["MRG|TEMP9^^^SGMW^MR"],
    )  # fmt: skip
    receipt = receiver.receive(merge)
    assert (receipt.code, receipt.state) == (AckCode.AA, "applied"), receipt.text
    with feed_db.session() as session:
        survivor = _karev(session, ("SGMW", "SG5"))
        retired = _karev(session, ("SGMW", "TEMP9"))
        assert retired.id == survivor.id  # the identifier now names the survivor
        people = list(session.scalars(select(t.Person)))
        assert len(people) == 2  # nothing deleted
        (old,) = [p for p in people if p.id != survivor.id]
        assert old.merged_into_id == survivor.id
        view = person_view(session, survivor.id)
        assert len(view.history) == 2
        assert person_view(session, old.id).history == []


def test_directory_opt_out_next_of_kin_and_unidentified_flags(feed_db: Database) -> None:
    receiver = Receiver(feed_db)
    nk1 = "NK1|1|Grey^Meredith|SPO^spouse||^PRN^PH^^1^206^5550141"
    receiver.receive(adt("A04", "1", pd1="PD1|||||||||||N", segments=[nk1]))
    with feed_db.session() as session:
        person = _karev(session)
        assert person.directory_opt_out is True
        assert [(c.name, c.relationship_, c.phone) for c in person.contacts] == [
            ("Meredith Grey", "spouse", "+1 206 5550141"),
        ]
        assert person.unidentified is False
    receiver.receive(adt("A08", "2", when="20261120150000", pd1='PD1|||||||||||""|N'))
    receiver.receive(adt("A04", "3", ids="T1^^^SGMW^MR", name="Doe^Juniper^^^^^S", dob=""))
    with feed_db.session() as session:
        assert _karev(session).directory_opt_out is False
        assert _karev(session, ("SGMW", "T1")).unidentified is True


def test_an_older_update_does_not_overwrite_newer_demographics(feed_db: Database) -> None:
    receiver = Receiver(feed_db)
    receiver.receive(adt("A08", "2", when="20261120160000", pd1="PD1|||||||||||N"))
    receiver.receive(adt("A08", "1", when="20261120150000", pd1='PD1|||||||||||""'))
    with feed_db.session() as session:
        assert _karev(session).directory_opt_out is True


def test_a03_expired_is_a_death_and_a13_cancels_a_discharge(feed_db: Database) -> None:
    receiver = Receiver(feed_db)
    receiver.receive_batch([
        adt("A04", "1", ids="SG7^^^SGMW^MR", name="Percy^Charles^^^^^L"),
        adt("A03", "2", ids="SG7^^^SGMW^MR", name="Percy^Charles^^^^^L", disposition="20",
            when="20261120145000"),
        adt("A04", "3", ids="SG8^^^SGMW^MR", name="Hunt^Owen^^^^^L"),
        adt("A03", "4", ids="SG8^^^SGMW^MR", name="Hunt^Owen^^^^^L", when="20261120185000"),
        adt("A13", "5", ids="SG8^^^SGMW^MR", name="Hunt^Owen^^^^^L", when="20261120190000",
            occurred="20261120185000"),
    ])  # fmt: skip
    with feed_db.session() as session:
        assert person_view(session, _karev(session, ("SGMW", "SG7")).id).status == "deceased"
        hunt = person_view(session, _karev(session, ("SGMW", "SG8")).id)
        assert (hunt.status, hunt.location) == ("emergency_department", "ED")


def test_a11_cancels_a_registration(feed_db: Database) -> None:
    receiver = Receiver(feed_db)
    receiver.receive(adt("A04", "1"))
    receipt = receiver.receive(adt("A11", "2", when="20261120150000", occurred="20261120144000"))
    assert receipt.state == "applied"
    with feed_db.session() as session:
        assert person_view(session, _karev(session).id).status == "unknown"


def test_a17_swaps_two_beds(feed_db: Database) -> None:
    receiver = Receiver(feed_db)
    a, b = "ICU^1^A^SPH", "ICU^2^A^SPH"
    receiver.receive_batch([
        adt("A01", "1", facility="SPH", ids="P1^^^SPH^MR", location=a, patient_class="I"),
        adt("A01", "2", facility="SPH", ids="P2^^^SPH^MR", name="Shepherd^Derek^^^^^L",
            location=b, patient_class="I"),
    ])  # fmt: skip
    swap = adt(
        "A17", "3", facility="SPH", ids="P1^^^SPH^MR", location=b, patient_class="I",
        when="20261120210000",
        segments=["PID|2||P2^^^SPH^MR||Shepherd^Derek^^^^^L", f"PV1|2|I|{a}"],
    )  # fmt: skip
    assert receiver.receive(swap).state == "applied"
    with feed_db.session() as session:
        assert (
            person_view(session, _karev(session, ("SPH", "P1")).id).location == "ICU, room 2, bed A"
        )
        assert (
            person_view(session, _karev(session, ("SPH", "P2")).id).location == "ICU, room 1, bed A"
        )


def test_an_unknown_facility_is_an_ae_naming_the_field_and_the_message_is_kept(
    feed_db: Database,
) -> None:
    receiver = Receiver(feed_db)
    receipt = receiver.receive(adt("A04", "1", facility="NOWHERE", location="ED"))
    assert receipt.code is AckCode.AE
    assert "MSH-4" in receipt.text
    assert b"MSA|AE|1" in receipt.ack
    assert b"ERR|" in receipt.ack
    receipt = receiver.receive(adt("A04", "2", location="ED^^^ELSEWHERE"))
    assert receipt.code is AckCode.AE
    assert "PV1-3.4" in receipt.text
    with feed_db.session() as session:
        assert _count(session, t.Person) == 0
        states = set(session.scalars(select(h.Hl7Message.state)))
        assert states == {"error"}
    assert receiver.receive(adt("A04", "1", facility="NOWHERE", location="ED")).duplicate


def test_an_alias_maps_a_sending_facility_name(feed_db: Database) -> None:
    from reunify.feeds import set_alias

    with feed_db.session() as session:
        set_alias(session, "Seattle Presbyterian", "SPH")
    receipt = Receiver(feed_db).receive(
        adt("A01", "1", facility="seattle presbyterian", location="ICU^12^A", patient_class="I")
    )
    assert receipt.state == "applied", receipt.text
    with feed_db.session() as session:
        assert person_view(session, _karev(session).id).facility_code == "SPH"


def test_unsupported_version_and_test_traffic_are_rejected_and_may_be_resent(
    feed_db: Database,
) -> None:
    receiver = Receiver(feed_db)
    first = receiver.receive(adt("A04", "1", processing="T"))
    assert first.code is AckCode.AR
    assert b"MSA|AR|1" in first.ack
    again = receiver.receive(adt("A04", "1", processing="T"))
    assert not again.duplicate  # AR rows keep no key: the sender may resend
    assert receiver.receive(adt("A04", "2", version="3.0")).code is AckCode.AR


def test_a_new_mrn_with_the_same_name_but_not_in_transit_is_a_new_person_for_review(
    feed_db: Database,
) -> None:
    receiver = Receiver(feed_db)
    receiver.receive(adt("A04", "1"))
    receipt = receiver.receive(
        adt(
            "A01",
            "2",
            facility="SPH",
            ids="SP9^^^SPH^MR",
            location="ICU^1^A^SPH",
            patient_class="I",
        )
    )
    assert receipt.state == "applied"
    with feed_db.session() as session:
        assert _count(session, t.Person) == 2
        review = session.scalars(select(t.Event).where(t.Event.tag == "hl7:person:review")).one()
        assert review.subject_id == str(receipt.message_id)


def test_deferred_mode_answers_once_stored_and_applies_in_event_time_order(
    feed_db: Database,
) -> None:
    receiver = Receiver(feed_db, apply="deferred")
    receipts = receiver.receive_batch(list(reversed(karev_day())))  # the latest arrives first
    assert [(r.code, r.state) for r in receipts] == [(AckCode.AA, "pending")] * 4
    assert receiver.receive(karev_day()[0]).duplicate
    assert receiver.drain() == 4
    with feed_db.session() as session:
        (view,) = locate(session, "Alexander Karev", actor="test")
        assert (view.facility_code, view.location) == ("SPH", "7W, room 778")
        assert len(view.history) == 4
        assert set(session.scalars(select(h.Hl7Message.state))) == {"applied"}
    assert receiver.drain() == 0


def test_storage_unavailable_is_answered_ar(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'not-migrated.db'}")  # no tables at all
    try:
        receipts = Receiver(database).receive_batch([karev_day()[0], karev_day()[1]])
    finally:
        database.dispose()
    assert [r.code for r in receipts] == [AckCode.AR, AckCode.AR]
    assert b"MSA|AR|SG-1" in receipts[0].ack
    assert b"MSA|AR|SG-2" in receipts[1].ack
