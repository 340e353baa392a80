"""Acknowledgements: AA, AE with an ERR naming the problem, AR for what this receiver refuses."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from reunify.interop.hl7v2 import (
    AckCode,
    AckDecision,
    AckPolicy,
    ErrorCode,
    Issue,
    Message,
    build_ack,
    evaluate,
    parse_message,
    respond,
    validate,
)

TZ = ZoneInfo("America/Los_Angeles")
NOW = datetime(2024, 6, 6, 5, 0, tzinfo=UTC)
A01 = (
    "MSH|^~\\&|SPH_ADT|SPH|REUNIFY|RFAC|20240605221500||ADT^A01^ADT_A01|CTRL-42|P|2.5.1\r"
    "EVN||20240605221500\r"
    "PID|1||SPH-7781^^^SPH^MR||KAREV^ALEXANDER||19930412|M\r"
    "PV1|1|I|ICU^12^A^SPH\r"
)


def segments(ack: bytes) -> list[list[str]]:
    return [s.split("|") for s in ack.decode().split("\r") if s]


def test_aa_echoes_the_control_id_and_swaps_sender_and_receiver() -> None:
    message, decision = evaluate(A01.encode(), tz=TZ)
    assert decision.code is AckCode.AA
    assert decision.event is not None
    ack = build_ack(message, decision, now=NOW, control_id="ACK1")
    msh, msa = segments(ack)
    assert msh[:12] == [
        "MSH", "^~\\&", "REUNIFY", "RFAC", "SPH_ADT", "SPH", "20240606050000+0000", "",
        "ACK^A01^ACK", "ACK1", "P", "2.5.1",
    ]  # fmt: skip
    assert msa == ["MSA", "AA", "CTRL-42"]
    assert parse_message(ack).message_type == "ACK"


def test_the_ack_uses_the_senders_delimiters() -> None:
    swapped = (
        "MSH^~|\\&^SPH_ADT^SPH^REUNIFY^RFAC^20240605221500^^ADT~A01^CTRL-9^P^2.4\r"
        "EVN^^20240605221500\rPID^1^^SPH-1~~~SPH~MR^^KAREV~ALEX\rPV1^1^I^ICU~12~A~SPH\r"
    )
    message, decision = evaluate(swapped.encode(), tz=TZ)
    assert decision.code is AckCode.AA
    ack = build_ack(message, decision, now=NOW).decode()
    assert ack.startswith("MSH^~|\\&^REUNIFY^RFAC^SPH_ADT^SPH^")
    assert "^ACK~A01~ACK^" in ack
    assert "\rMSA^AA^CTRL-9\r" in ack


def test_ae_names_segment_field_and_problem() -> None:
    raw = A01.replace("ADT^A01^ADT_A01", "ADT^A02").replace("PV1|1|I|ICU^12^A^SPH", "PV1|1|I")
    message, decision = evaluate(raw.encode(), tz=TZ)
    assert decision.code is AckCode.AE
    ack = segments(build_ack(message, decision, now=NOW))
    msa, err = ack[1], ack[2]
    assert msa[:3] == ["MSA", "AE", "CTRL-42"]
    assert "PV1-3" in msa[3]
    assert err[0] == "ERR"
    assert err[1] == ""  # ERR-1 is for versions before 2.5
    assert err[2] == "PV1^1^3^1"  # ERR-2 segment^sequence^field^repetition
    assert err[3] == "101^Required field missing^HL70357"  # ERR-3, table 0357
    assert err[4] == "E"  # ERR-4 severity
    assert err[8] == "A02 without a new location"  # ERR-8 user message


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (("ADT^A01^ADT_A01", "ORU^R01^ORU_R01"), ErrorCode.UNSUPPORTED_MESSAGE_TYPE, "MSH-9"),
        (("|2.5.1", "|3.0"), ErrorCode.UNSUPPORTED_VERSION, "MSH-12"),
        (("|2.5.1", "|"), ErrorCode.UNSUPPORTED_VERSION, "MSH-12"),
        (("|P|", "|D|"), ErrorCode.UNSUPPORTED_PROCESSING_ID, "MSH-11"),
        (("ADT^A01^", "ADT^ZZTOP^"), ErrorCode.UNSUPPORTED_EVENT, "MSH-9"),
    ],
)
def test_ar_for_what_this_receiver_does_not_accept(
    change: tuple[str, str], code: ErrorCode, field: str
) -> None:
    message, decision = evaluate(A01.replace(*change).encode(), tz=TZ)
    assert decision.code is AckCode.AR
    assert decision.event is None
    (issue,) = decision.issues
    assert (issue.code, issue.location) == (code, field)
    ack = segments(build_ack(message, decision, now=NOW))
    assert ack[1][:3] == ["MSA", "AR", "CTRL-42"]
    assert ack[2][3].startswith(f"{int(code)}^")


def test_the_policy_decides_processing_ids_and_versions() -> None:
    raw = A01.replace("|P|", "|T|").replace("|2.5.1", "|2.2")
    message = parse_message(raw)
    assert validate(message, tz=TZ).code is AckCode.AR
    policy = AckPolicy(processing_ids=frozenset({"T"}), versions=((2, 2), (2, 2)))
    assert validate(message, tz=TZ, policy=policy).code is AckCode.AA


def test_old_versions_get_err1() -> None:
    raw = A01.replace("|2.5.1", "|2.3").replace("PID|1||SPH-7781^^^SPH^MR", "PID|1||")
    message, decision = evaluate(raw.encode(), tz=TZ)
    assert decision.code is AckCode.AE
    err = segments(build_ack(message, decision, now=NOW))[2]
    assert err[:2] == ["ERR", "PID^1^3^101&Required field missing&HL70357"]


def test_warnings_ride_along_an_aa() -> None:
    raw = A01.replace("PV1|1|I|", "PV1|1|ff|")
    message, decision = evaluate(raw.encode(), tz=TZ)
    assert decision.code is AckCode.AA
    err = segments(build_ack(message, decision, now=NOW))[2]
    assert (err[2], err[3].split("^")[0], err[4]) == ("PV1^1^2^1", "103", "W")


def test_error_text_is_escaped_in_the_senders_escape_char() -> None:
    issue = Issue("PID", 5, ErrorCode.DATA_TYPE, "name A&E|x^y")
    ack = build_ack(parse_message(A01), AckDecision(AckCode.AE, (issue,)), now=NOW).decode()
    assert "name A\\T\\E\\F\\x\\S\\y" in ack
    assert parse_message(ack).segment("ERR").field(8).text() == "name A&E|x^y"  # type: ignore[union-attr]


def test_garbage_gets_an_ae_with_default_delimiters() -> None:
    message, decision = evaluate(b"hello, this is not HL7", tz=TZ)
    assert message is None
    assert decision.code is AckCode.AE
    ack = segments(build_ack(b"hello, this is not HL7", decision, now=NOW))
    assert ack[0][0] == "MSH"
    assert ack[1][:3] == ["MSA", "AE", ""]


def test_a_message_that_fails_to_parse_still_gets_its_control_id_echoed() -> None:
    raw = A01 + "not a segment\r"
    message, decision = evaluate(raw.encode(), tz=TZ)
    assert message is None
    ack = segments(build_ack(raw.encode(), decision, now=NOW))
    assert ack[1][:3] == ["MSA", "AE", "CTRL-42"]


def test_respond_commits_before_answering_aa() -> None:
    committed: list[tuple[bytes, Message | None, AckCode]] = []

    def commit(raw: bytes, message: Message | None, decision: AckDecision) -> None:
        committed.append((raw, message, decision.code))

    ack = respond(A01.encode(), tz=TZ, commit=commit)
    assert committed[0][0] == A01.encode()
    assert committed[0][2] is AckCode.AA
    assert segments(ack)[1][:2] == ["MSA", "AA"]


def test_respond_answers_ar_when_storage_is_unavailable() -> None:
    def commit(raw: bytes, message: Message | None, decision: AckDecision) -> None:
        raise OSError("disk full")

    ack = segments(respond(A01.encode(), tz=TZ, commit=commit))
    assert ack[1][:3] == ["MSA", "AR", "CTRL-42"]
    assert ack[2][3].startswith("207^")


def test_the_same_message_gets_the_same_decision_and_ack() -> None:
    first = evaluate(A01.encode(), tz=TZ)
    second = evaluate(A01.encode(), tz=TZ)
    assert first[1] == second[1]
    a = build_ack(first[0], first[1], now=NOW, control_id="X")
    b = build_ack(second[0], second[1], now=NOW, control_id="X")
    assert a == b


def test_an_hl7_error_becomes_an_err_segment() -> None:
    from reunify.interop.hl7v2 import Delimiters, Hl7Error, err_segment

    error = Hl7Error("PID", 7, ErrorCode.DATA_TYPE, "not a date", sequence=2)
    assert err_segment(error.issue) == "ERR||PID^2^7^1|102^Data type^HL70357|E||||not a date"
    legacy = err_segment(error.issue, Delimiters(), legacy=True)
    assert legacy == "ERR|PID^2^7^102&Data type&HL70357"
