"""Parsing: delimiters, line endings, escapes, repetitions, null vs empty, charsets, batches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import hl7
import pytest

from reunify.interop.hl7v2 import (
    NULL,
    UNCHANGED,
    Delimiters,
    ErrorCode,
    Hl7Error,
    Precision,
    Severity,
    escape,
    parse_message,
    parse_timestamp,
    split_messages,
    timestamp_precision,
    to_hl7,
    unescape,
)
from reunify.interop.hl7v2.timestamps import parse_birth_date

DATA = Path(__file__).parents[3] / "data" / "hl7"
SAMPLES = sorted(p for p in DATA.glob("*/*") if p.suffix in (".hl7", ".txt"))
SEATTLE = ZoneInfo("America/Los_Angeles")

MSG = (
    "MSH|^~\\&|SPH_ADT|SPH|REUNIFY|REUNIFY|20240605221500||ADT^A01^ADT_A01|C1|P|2.5.1\r"
    "EVN||20240605221500\r"
    "PID|1||SPH100^^^SPH^MR~T-123^^^KC_EMS^TAG||KAREV^ALEXANDER||19930101|M\r"
    "PV1|1|I|ICU^12^A^SPH\r"
)


# --- delimiters (gotcha 1) -------------------------------------------------------------


def test_swapped_field_and_repetition_separators_from_the_hapi_sample() -> None:
    m = parse_message((DATA / "hapi" / "segmentfinder_a24.hl7").read_bytes())
    assert (m.delims.field, m.delims.component, m.delims.repetition) == ("^", "~", "|")
    assert (m.message_type, m.trigger) == ("ADT", "A24")
    pid = m.all("PID")[1]
    assert pid.field(3).text(1) == "22222"
    assert pid.field(3).rep(1).subcomponents(4) == ("FOO", "", "0363")
    assert pid.field(5).text(1) == "SMITH"
    assert pid.field(5).text(2) == "JOHN"


def test_dollar_and_percent_separators() -> None:
    m = parse_message("MSH$%~\\&$A$B$$$20240101$$ADT%A01$1$P$2.5\rPID$1$$X1%%%H%MR~X2$$DOE%JO\r")
    pid = m.segment("PID")
    assert pid is not None
    assert [r.text(1) for r in pid.field(3)] == ["X1", "X2"]
    assert pid.field(3).text(4) == "H"
    assert pid.field(5).text(2) == "JO"


def test_nonstandard_subcomponent_brace_from_the_hapi_batch_file() -> None:
    m = parse_message("MSH|^~\\}|ADMISSION|ADT1|||19930502||ADT^A01|9|P|2.4\rPV1||I|W^1^2^H}X\r")
    assert m.delims.subcomponent == "}"
    assert m.delims.escape == "\\"
    pv1 = m.segment("PV1")
    assert pv1 is not None
    assert pv1.field(3).rep().subcomponents(4) == ("H", "X")


@pytest.mark.parametrize(
    ("msh2", "escape_char", "sub", "written"),
    [("^~}", "", "}", "^~}"), ("^~&", "", "&", "^~&"), ("^~\\", "\\", "&", "^~\\&")],
)
def test_three_character_msh2(msh2: str, escape_char: str, sub: str, written: str) -> None:
    m = parse_message(f"MSH|{msh2}|A|F|||20240101||ADT^A01|1|P|2.4\rPID|||X{sub}Y\r")
    assert (m.delims.escape, m.delims.subcomponent) == (escape_char, sub)
    assert m.delims.encoding_characters == written  # what an ACK writes back
    pid = m.segment("PID")
    assert pid is not None
    assert pid.field(3).rep().subcomponents(1) == ("X", "Y")


def test_doubled_backslash_artefact_means_one_escape_char() -> None:
    m = parse_message((DATA / "linuxforhealth" / "sample_unix.hl7").read_bytes())
    assert m.delims == Delimiters(declared="^~\\\\&")
    assert m.delims.subcomponent == "&"
    assert m.msh.field(2).text() == "^~\\\\&"  # MSH-2 is kept as sent
    assert m.trigger == "A01"


def test_truncation_character_of_v27_is_not_a_separator() -> None:
    m = parse_message("MSH|^~\\&#|A|F|||20240101||ADT^A01|1|P|2.7\rPID|||X#1\r")
    assert m.delims.truncation == "#"
    pid = m.segment("PID")
    assert pid is not None
    assert pid.field(3).text() == "X#1"


def test_duplicate_encoding_characters_are_rejected() -> None:
    with pytest.raises(Hl7Error) as exc:
        parse_message("MSH|^&&^|A|F|||20240101||ADT^A01|1|P|2.5\r")
    assert (exc.value.segment, exc.value.field_index) == ("MSH", 2)
    assert exc.value.code is ErrorCode.DATA_TYPE


# --- segment terminators (gotcha 2) -----------------------------------------------------


@pytest.mark.parametrize("eol", ["\r", "\n", "\r\n", "\r\n\r\n", "\n\n  \n"])
def test_any_line_ending_and_blank_lines(eol: str) -> None:
    m = parse_message(MSG.replace("\r", eol))
    assert [s.name for s in m.segments] == ["MSH", "EVN", "PID", "PV1"]
    assert m.text == MSG


def test_unix_and_windows_samples_parse_the_same_segments() -> None:
    unix = parse_message((DATA / "linuxforhealth" / "sample_unix.hl7").read_bytes())
    win = parse_message((DATA / "linuxforhealth" / "sample_win.hl7").read_bytes())
    assert [s.name for s in unix.segments] == [s.name for s in win.segments]
    assert unix.segment("PID").raw == win.segment("PID").raw  # type: ignore[union-attr]


def test_a_line_that_is_not_a_segment_is_a_precise_error() -> None:
    with pytest.raises(Hl7Error) as exc:
        parse_message(MSG + "this is not a segment\r")
    assert exc.value.code is ErrorCode.SEGMENT_SEQUENCE
    assert "line 5" in exc.value.text


# --- escapes (gotcha 3) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("A\\T\\E", "A&E"),
        ("a\\F\\b\\S\\c\\R\\d\\E\\e", "a|b^c~d\\e"),
        ("caf\\XC3A9\\", "café"),
        ("Jos\\XE9\\", "José"),  # a cp1252 byte in a hex escape
        ("\\H\\bold\\N\\ text", "bold text"),
        ("line1\\.br\\line2", "line1\nline2"),
        ("two\\.sp2\\lines", "two\n\nlines"),
        ("local\\Zxyz\\code", "localcode"),
        ("dangling \\ escape", "dangling \\ escape"),
        ("no escapes", "no escapes"),
    ],
)
def test_unescape(raw: str, text: str) -> None:
    assert unescape(raw, Delimiters()) == text


def test_unescape_happens_after_splitting() -> None:
    m = parse_message(MSG.replace("KAREV^ALEXANDER", "O\\S\\BRIEN\\F\\X^A\\T\\E"))
    pid = m.segment("PID")
    assert pid is not None
    assert pid.field(5).text(1) == "O^BRIEN|X"
    assert pid.field(5).text(2) == "A&E"
    assert len(pid.field(5).rep().components) == 2


def test_escape_uses_the_message_escape_char_and_round_trips() -> None:
    d = Delimiters()
    assert escape("A&E | ward^2 ~ x\\y", d) == "A\\T\\E \\F\\ ward\\S\\2 \\R\\ x\\E\\y"
    assert unescape(escape("A&E|^~\\\nnext", d), d) == "A&E|^~\\\nnext"
    assert escape("a|b", Delimiters(escape="")) == "a b"


# --- repetitions and null vs empty (gotchas 4 and 5) -------------------------------------


def test_empty_first_repetition_is_kept() -> None:
    m = parse_message(MSG.replace("SPH100^^^SPH^MR~T-123", "~SPH100^^^SPH^MR~T-123"))
    reps = m.segment("PID").field(3).repetitions  # type: ignore[union-attr]
    assert len(reps) == 3
    assert reps[0].is_empty
    assert reps[1].text(1) == "SPH100"


def test_null_is_not_empty() -> None:
    m = parse_message(MSG.replace("19930101|M", '""|'))
    pid = m.segment("PID")
    assert pid is not None
    assert pid.field(7).is_null
    assert pid.field(7).get() is NULL
    assert pid.field(8).get() is UNCHANGED
    assert pid.field(30).get() is UNCHANGED  # beyond the last field
    assert pid.field(5).get(2) == "ALEXANDER"
    comp = parse_message(MSG.replace("KAREV^ALEXANDER", 'KAREV^""')).segment("PID")
    assert comp is not None
    assert comp.field(5).get(2) is NULL


# --- Z-segments (gotcha 6) -----------------------------------------------------------------


def test_z_segments_are_kept_wherever_they_are() -> None:
    m = parse_message(MSG.replace("EVN|", "ZLC|7W^778|x\rEVN|") + "ZPU|N\r")
    assert [z.raw for z in m.z_segments] == ["ZLC|7W^778|x", "ZPU|N"]


# --- encodings (gotcha 14) -----------------------------------------------------------------


def test_utf8_bom_before_msh() -> None:
    m = parse_message((DATA / "microsoft-fhir-converter" / "ADT04-251.hl7").read_bytes())
    assert m.encoding == "utf-8-sig"
    assert m.msh.raw.startswith("MSH|")


def test_msh18_latin1_is_honoured() -> None:
    raw = MSG.replace("2.5.1", "2.5.1||||||8859/1").replace("KAREV", "MÜLLER").encode("latin-1")
    m = parse_message(raw)
    assert m.segment("PID").field(5).text() == "MÜLLER"  # type: ignore[union-attr]
    assert m.encoding == "iso8859-1"
    assert not m.warnings


def test_cp1252_bytes_without_charset_fall_back_with_a_warning() -> None:
    raw = MSG.replace("KAREV", "O’NEIL").encode("cp1252")
    m = parse_message(raw)
    assert m.segment("PID").field(5).text() == "O’NEIL"  # type: ignore[union-attr]
    assert m.encoding == "cp1252"
    assert m.warnings[0].severity is Severity.WARNING
    assert (m.warnings[0].segment, m.warnings[0].field_index) == ("MSH", 18)


def test_utf8_is_read_when_msh18_says_ascii_but_lies() -> None:
    raw = MSG.replace("2.5.1", "2.5.1||||||ASCII").replace("KAREV", "KARÉV").encode("utf-8")
    assert parse_message(raw).segment("PID").field(5).text() == "KARÉV"  # type: ignore[union-attr]


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [
        (b"", ErrorCode.SEGMENT_SEQUENCE, "empty"),
        (b"PID|1||X\r", ErrorCode.SEGMENT_SEQUENCE, "does not start with MSH"),
        (b"<ADT_A01 xmlns='urn:hl7-org:v2xml'/>", ErrorCode.UNSUPPORTED_MESSAGE_TYPE, "XML"),
        (b"FHS|^~\\&\rMSH|^~\\&|A\r", ErrorCode.SEGMENT_SEQUENCE, "envelope"),
        ((MSG + MSG).encode(), ErrorCode.SEGMENT_SEQUENCE, "more than one message"),
    ],
)
def test_not_a_message(raw: bytes, code: ErrorCode, words: str) -> None:
    with pytest.raises(Hl7Error) as exc:
        parse_message(raw)
    assert exc.value.code is code
    assert words in exc.value.text


# --- timestamps (gotcha 8) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("2024", datetime(2024, 1, 1, tzinfo=SEATTLE), Precision.YEAR),
        ("202406", datetime(2024, 6, 1, tzinfo=SEATTLE), Precision.MONTH),
        ("20240605", datetime(2024, 6, 5, tzinfo=SEATTLE), Precision.DAY),
        ("2024060522", datetime(2024, 6, 5, 22, tzinfo=SEATTLE), Precision.HOUR),
        ("202406052215", datetime(2024, 6, 5, 22, 15, tzinfo=SEATTLE), Precision.MINUTE),
        ("20240605221530", datetime(2024, 6, 5, 22, 15, 30, tzinfo=SEATTLE), Precision.SECOND),
        (
            "20210817151943.4+0200",
            datetime(2021, 8, 17, 15, 19, 43, 400000, tzinfo=timezone(timedelta(hours=2))),
            Precision.FRACTION,
        ),
        (
            "20120918173931-0500",
            datetime(2012, 9, 18, 22, 39, 31, tzinfo=UTC),
            Precision.SECOND,
        ),
        (
            "202406052215-0030",
            datetime(2024, 6, 5, 22, 45, tzinfo=UTC),
            Precision.MINUTE,
        ),
        (
            "20240605221530.1234+0000",
            datetime(2024, 6, 5, 22, 15, 30, 123400, tzinfo=UTC),
            Precision.FRACTION,
        ),
    ],
)
def test_timestamps(text: str, expected: datetime, precision: Precision) -> None:
    value = parse_timestamp(text, SEATTLE)
    assert value == expected
    assert value.utcoffset() is not None
    assert timestamp_precision(text) is precision


def test_missing_offset_uses_the_facility_zone_including_summer_time() -> None:
    summer = parse_timestamp("20240605221500", SEATTLE)
    winter = parse_timestamp("20240105221500", SEATTLE)
    assert summer.utcoffset() == timedelta(hours=-7)
    assert winter.utcoffset() == timedelta(hours=-8)
    assert parse_timestamp("20240605221500", ZoneInfo("Europe/Rome")) != summer


def test_negative_offset_under_an_hour_is_not_python_hl7s_bug() -> None:
    ours = parse_timestamp("202406052215-0030", SEATTLE)
    theirs = hl7.parse_datetime("202406052215-0030")
    assert ours.utcoffset() == timedelta(minutes=-30)
    assert theirs.utcoffset() != ours.utcoffset()  # the reason we do not use it


@pytest.mark.parametrize("text", ["", "24", "2024-06-05", "20241305", "20240605+2500", "abc"])
def test_bad_timestamps(text: str) -> None:
    with pytest.raises(ValueError, match=r"timestamp|month|offset|must be"):
        parse_timestamp(text, SEATTLE)


def test_birth_date_keeps_its_precision_and_ignores_time() -> None:
    assert parse_birth_date("1993").isoformat() == "1993"
    assert parse_birth_date("199301").isoformat() == "1993-01"
    assert parse_birth_date("198808181126+0215").isoformat() == "1988-08-18"


# --- batches and files (gotcha 13) ---------------------------------------------------------


def test_batch_envelope_is_split_into_messages() -> None:
    batch = "FHS|^~\\&|SPH\rBHS|^~\\&|SPH\r" + MSG + MSG.replace("C1", "C2") + "BTS|2\rFTS|1\r"
    parts = split_messages(batch.replace("\r", "\r\n"))
    assert [parse_message(p).control_id for p in parts] == ["C1", "C2"]


def test_hapi_file_with_comment_lines_gives_its_18_messages() -> None:
    parts = split_messages((DATA / "hapi" / "messages.txt").read_bytes())
    assert len(parts) == 18
    types = [parse_message(p).message_type for p in parts]
    assert types.count("BAR") == 11
    assert types.count("ORM") == 3
    assert types.count("QRY") == 2
    assert types.count("ORU") == 1
    assert types.count("ACK") == 1
    assert all(not p.startswith((b"/", b"//")) for p in parts)


def test_text_before_the_first_msh_is_not_lost_silently() -> None:
    parts = split_messages("garbage line\r" + MSG)
    assert len(parts) == 2
    with pytest.raises(Hl7Error):
        parse_message(parts[0])
    assert parse_message(parts[1]).control_id == "C1"


def test_xml_file_is_returned_whole_for_a_precise_rejection() -> None:
    raw = (DATA / "hapi" / "adt_a17.xml").read_bytes()
    assert split_messages(raw) == [raw]


# --- python-hl7 as the reference splitter --------------------------------------------------


def _ours(m: object) -> list[list[list[list[str]]]]:
    from reunify.interop.hl7v2 import Message

    assert isinstance(m, Message)
    out = []
    for seg in m.segments:
        first = 3 if seg.name == "MSH" else 1
        out.append(
            [[list(r.components[0]) for r in seg.field(n)] for n in range(first, len(seg) + 1)]
        )
    return out


def _theirs(m: hl7.Message) -> list[list[list[list[str]]]]:
    out = []
    for seg in m:
        first = 3 if str(seg[0][0]) == "MSH" else 1
        fields = []
        for f in seg[first:]:
            reps = []
            for rep in f:
                comp = rep if isinstance(rep, str) else rep[0]
                reps.append([comp] if isinstance(comp, str) else [str(s) for s in comp])
            fields.append(reps)
        out.append(fields)
    return out


def test_the_sample_files_are_there() -> None:
    assert len(SAMPLES) == 65


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_our_split_matches_python_hl7(path: Path) -> None:
    for raw in split_messages(path.read_bytes()):
        ours = parse_message(raw)
        assert _ours(ours) == _theirs(to_hl7(ours))


def test_sample_bytes_are_kept_as_published() -> None:
    # The line-ending and BOM tests mean nothing if a checkout normalised these files.
    assert b"\n" not in (DATA / "hapi" / "ADT_A01.txt").read_bytes()
    assert b"\r\n" in (DATA / "linuxforhealth" / "sample_win.hl7").read_bytes()
    assert b"\r" not in (DATA / "linuxforhealth" / "sample_unix.hl7").read_bytes()
    assert (
        (DATA / "microsoft-fhir-converter" / "ADT01-23.hl7")
        .read_bytes()
        .startswith(b"\xef\xbb\xbf")
    )
