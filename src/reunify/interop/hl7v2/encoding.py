"""Delimiters, escape sequences and character sets: the parts of ER7 python-hl7 leaves to us.

python-hl7 splits on whatever MSH-1/MSH-2 say, but (0.4.5) reads a 3-character MSH-2 by
position only, takes the doubled-backslash artefact ``^~\\\\&`` literally (making ``\\`` the
sub-component separator), maps ``\\H\\``/``\\N\\`` to ``_`` and logs through the deprecated
``Logger.warn``. So the delimiters are read here, and escapes are undone here, per leaf value,
after splitting.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from reunify.interop.hl7v2.errors import ErrorCode, Hl7Error

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Delimiters:
    """MSH-1 and MSH-2. ``escape`` is empty when the sender declared none."""

    field: str = "|"
    component: str = "^"
    repetition: str = "~"
    escape: str = "\\"
    subcomponent: str = "&"
    truncation: str = ""
    declared: str = "^~\\&"  # MSH-2 exactly as it was sent

    @property
    def encoding_characters(self) -> str:
        """MSH-2 as we write it back (an ACK uses the sender's own delimiters)."""
        return self.component + self.repetition + self.escape + self.subcomponent + self.truncation

    @property
    def specials(self) -> str:
        return self.field + self.component + self.repetition + self.escape + self.subcomponent

    @classmethod
    def from_msh(cls, segment_text: str) -> Delimiters:
        """Read MSH-1/MSH-2 from the start of an MSH (or FHS/BHS) segment."""
        if len(segment_text) < 4:
            raise Hl7Error("MSH", 1, ErrorCode.REQUIRED_FIELD_MISSING, "no field separator")
        field = segment_text[3]
        if field.isalnum() or field.isspace():
            raise Hl7Error("MSH", 1, ErrorCode.DATA_TYPE, f"{field!r} cannot be a field separator")
        end = segment_text.find(field, 4)
        declared = segment_text[4:] if end < 0 else segment_text[4:end]
        chars = declared
        if len(chars) == 5 and chars[2:4] == "\\\\":
            # The doubled backslash of a string-escaping bug (``^~\\&``): one escape char.
            chars = chars[:2] + "\\" + chars[4]
        if len(chars) == 3:
            # Three characters: the third is the escape char only if it looks like one;
            # senders that drop one nearly always drop the escape (``^~}`` next to ``^~\}``).
            chars = chars if chars[2] == "\\" else chars[:2] + "\x00" + chars[2]
        if len(chars) < 2:
            raise Hl7Error("MSH", 2, ErrorCode.DATA_TYPE, f"encoding characters {declared!r}")
        component, repetition = chars[0], chars[1]
        escape = chars[2] if len(chars) > 2 and chars[2] != "\x00" else ""
        sub = chars[3] if len(chars) > 3 else "&"
        truncation = chars[4] if len(chars) > 4 else ""
        used = [field, component, repetition, sub] + ([escape] if escape else [])
        if len(set(used)) != len(used) or any(c.isalnum() or c.isspace() for c in used):
            raise Hl7Error(
                "MSH", 2, ErrorCode.DATA_TYPE, f"encoding characters {declared!r} are not distinct"
            )
        return cls(field, component, repetition, escape, sub, truncation, declared)


_FORMATTING = re.compile(r"^\.(sp|sk|in|ti)([+-]?\d*)$")


def unescape(text: str, delims: Delimiters) -> str:
    r"""Undo HL7 escapes in one leaf value (split first, then unescape).

    ``\F\ \S\ \T\ \R\ \E\ \P\`` give back the delimiters, ``\Xhh..\`` the bytes (UTF-8, else
    cp1252), ``\.br\``/``\.sp\`` a line break; highlighting ``\H\ \N\``, local ``\Z..\`` and
    character-set switches ``\C..\ \M..\`` are dropped. An unterminated escape stays literal.
    """
    esc = delims.escape
    if not esc or esc not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        end = text.find(esc, i + 1) if ch == esc else -1
        if end < 0:
            out.append(text[i:] if ch == esc else ch)
            if ch == esc:
                break
            i += 1
            continue
        out.append(_escape_value(text[i + 1 : end], delims))
        i = end + 1
    return "".join(out)


def _escape_value(seq: str, d: Delimiters) -> str:
    simple = {"F": d.field, "S": d.component, "T": d.subcomponent, "R": d.repetition}
    simple |= {"E": d.escape, "P": d.truncation, "H": "", "N": "", ".br": "\n", ".ce": "\n"}
    simple |= {".fi": "", ".nf": ""}
    if seq in simple:
        return simple[seq]
    if not seq:
        return d.escape  # ``\\``: not a sequence; keep the character rather than lose it
    if seq[0] == "X" and len(seq) % 2 == 1:
        try:
            raw = bytes.fromhex(seq[1:])
        except ValueError:
            return d.escape + seq + d.escape
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")
    m = _FORMATTING.match(seq)
    if m:
        count = int(m.group(2)) if m.group(2).lstrip("+-").isdigit() else 1
        return {"sp": "\n" * max(count, 1), "sk": " " * max(count, 1)}.get(m.group(1), "")
    if seq[0] in "ZCM":
        return ""  # locally defined or a character-set switch we do not implement
    return d.escape + seq + d.escape


def escape(text: str, delims: Delimiters) -> str:
    """Escape a value for writing (ACK text). Without an escape char, delimiters become spaces."""
    if not delims.escape:
        return "".join(" " if c in delims.specials else c for c in text).replace("\r", " ")
    table = {
        delims.escape: "E",
        delims.field: "F",
        delims.component: "S",
        delims.subcomponent: "T",
        delims.repetition: "R",
    }
    out = []
    for c in text:
        if c in table:
            out.append(f"{delims.escape}{table[c]}{delims.escape}")
        elif c in "\r\n":
            out.append(f"{delims.escape}.br{delims.escape}")
        else:
            out.append(c)
    return "".join(out)


# MSH-18 values (table 0211) to Python codecs. Unknown names fall back to UTF-8 then cp1252.
_CHARSETS = {
    "ASCII": "ascii",
    "ISO IR6": "ascii",
    "8859/1": "latin-1",
    "ISO IR100": "latin-1",
    "8859/2": "iso8859-2",
    "ISO IR101": "iso8859-2",
    "8859/3": "iso8859-3",
    "8859/4": "iso8859-4",
    "8859/5": "iso8859-5",
    "ISO IR144": "iso8859-5",
    "8859/6": "iso8859-6",
    "ISO IR127": "iso8859-6",
    "8859/7": "iso8859-7",
    "ISO IR126": "iso8859-7",
    "8859/8": "iso8859-8",
    "ISO IR138": "iso8859-8",
    "8859/9": "iso8859-9",
    "ISO IR148": "iso8859-9",
    "8859/15": "iso8859-15",
    "UNICODE": "utf-8",
    "UNICODE UTF-8": "utf-8",
    "ISO IR192": "utf-8",
    "UTF-8": "utf-8",
    "UNICODE UTF-16": "utf-16",
    "UNICODE UTF-32": "utf-32",
    "BIG-5": "big5",
    "GB 18030-2000": "gb18030",
    "KS X 1001": "euc-kr",
    "ISO IR87": "iso2022_jp",
    "WINDOWS-1252": "cp1252",
    "CP1252": "cp1252",
}


def declared_charset(data: bytes) -> str:
    """MSH-18 (first repetition) read from raw bytes, or ``""``."""
    start = data.find(b"MSH")
    if start < 0 or len(data) < start + 4:
        return ""
    line = re.split(rb"[\r\n]", data[start:], maxsplit=1)[0].decode("latin-1")
    fields = line.split(line[3])
    if len(fields) < 18:
        return ""
    rep = Delimiters.from_msh(line).repetition if len(fields[1]) > 1 else "~"
    return fields[17].split(rep)[0].strip()


def decode(data: bytes) -> tuple[str, str]:
    """Bytes to text: BOM, then MSH-18, then UTF-8, then cp1252. Returns (text, codec used)."""
    if data.startswith(BOM):
        return data[len(BOM) :].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        charset = declared_charset(data)
    except Hl7Error:
        charset = ""
    candidates = [_CHARSETS.get(charset.upper(), "")] if charset else []
    for codec in [*candidates, "utf-8", "cp1252"]:
        if not codec:
            continue
        try:
            return data.decode(codec), codecs.lookup(codec).name
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"  # never fails: every byte is a character
