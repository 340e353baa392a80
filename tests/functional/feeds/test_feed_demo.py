"""``reunify demo --via-hl7``: the scenario's hospital events go through the HL7 receiver."""

from __future__ import annotations

from sqlalchemy import func, select

from reunify.demo import scenario as s
from reunify.demo.hl7_messages import load_via_hl7, render
from reunify.domain import Identifier, IdentifierKind
from reunify.interop.hl7v2 import AckCode, evaluate, interpret
from reunify.store import Database, people
from reunify.store import hl7_tables as h
from reunify.store import tables as t
from reunify.tracking.service import person_view


def test_the_rendered_messages_are_valid_adt() -> None:
    rendered = render()
    triggers = []
    for raw in rendered.messages:
        _, decision = evaluate(raw, tz=s.TZ)
        assert decision.code is AckCode.AA, decision.issues
        assert decision.event is not None
        assert decision.event.warnings == (), decision.event.warnings
        triggers.append(decision.event.trigger)
        assert interpret(decision.event)
    assert sorted(set(triggers)) == ["A01", "A02", "A03", "A04", "A28"]


def test_the_scenario_via_hl7_ends_where_the_scenario_says(feed_db: Database) -> None:
    result = load_via_hl7(feed_db)
    assert result.people_created == len(s.PEOPLE)
    again = load_via_hl7(feed_db)
    assert (again.people_created, again.movements_created) == (0, 0)
    with feed_db.session() as session:
        assert session.scalar(select(func.count()).select_from(t.Person)) == len(s.PEOPLE)
        states = set(session.scalars(select(h.Hl7Message.state)))
        assert states == {"applied"}
        for dp in s.PEOPLE:
            key = Identifier(IdentifierKind.EXTERNAL, dp.key, s.DEMO_ISSUER)
            row = people.find_by_identifier(session, key)
            assert row is not None, dp.key
            view = person_view(session, row.id)
            last = dp.steps[-1]
            expected = (last.status.value, last.facility, last.location.display)
            assert (view.status, view.facility_code, view.location) == expected, dp.key
            assert len(view.history) == len(dp.steps), dp.key
        karev = people.find_by_identifier(
            session, Identifier(IdentifierKind.MRN, "SP778001", "SPH")
        )
        assert karev is not None
        assert {i.issuer for i in karev.identifiers} >= {"SGMW", "SPH"}
        assert session.scalars(select(t.Event).where(t.Event.tag == "hl7:person:link")).all()
