"""PFIF 1.1-1.4 XML: a safe parser, a serializer, and validation against the PFIF 1.4 schema.

Parsing uses defusedxml: any DTD is refused (so entity expansion, "billion laughs", and external
entities, XXE, are impossible), nothing is fetched from the network, and the document size is
capped before a byte is parsed. The namespace decides the version; prefixed and unprefixed tags
both work, notes may be nested in their person or stand at top level, and PFIF records embedded
in an Atom or RSS feed are found too.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring as defused_fromstring
from lxml import etree  # type: ignore[import-untyped]  # lxml has no stubs (types-lxml absent)

from reunify.interop.pfif.records import (
    NAMESPACE_PREFIX,
    NAMESPACES,
    NOTE_FIELDS,
    PERSON_FIELDS,
    REQUIRED_FIELDS,
    ParseResult,
    PfifError,
    PfifIssue,
    PfifNote,
    PfifPerson,
    Severity,
    current_name,
    to_text,
)
from reunify.interop.pfif.validate import Options, RawRecord, assemble, description_to_other

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_VERSION_OF = {ns: version for version, ns in NAMESPACES.items()}
_NOT_XML_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def parse(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    now: datetime | None = None,
    authorized_domain: str | None = None,
    allow_believed_dead: bool = False,
) -> ParseResult:
    """Read a PFIF 1.1-1.4 document into 1.4 records.

    Raises ``PfifError`` when the document as a whole cannot be read. Otherwise every bad record
    becomes an error in the result and the good ones are returned. ``authorized_domain``: when
    given, records from another domain are refused (only the originating domain may write).
    ``allow_believed_dead``: notes with status ``believed_dead`` are refused unless True.
    ``now`` decides which records have expired (default: the current time).
    """
    root = _read(data, max_bytes)
    version, tops = _records_of(root)
    opts = Options(now or datetime.now(UTC), authorized_domain, allow_believed_dead)
    raws: list[RawRecord] = []
    warnings: list[PfifIssue] = []
    ns = NAMESPACES[version]
    for element in tops:
        element_ns, local = _split(element.tag)
        if element_ns == ns and local == "person":
            person = _raw(element, "person", version, raws)
            for nested in element.iterfind(f"{{{ns}}}note"):
                _raw(nested, "note", version, raws, parent=person)
        elif element_ns == ns and local == "note":
            _raw(element, "note", version, raws)
        elif element_ns == ns or (local and not element_ns):
            where = "pfif:" if element_ns else "element outside the PFIF namespace "
            message = f"unknown {where}<{local}> ignored"
            warnings.append(PfifIssue(None, None, None, message, Severity.WARNING))
    return assemble(raws, version, opts, ([], warnings))


def _read(data: bytes, max_bytes: int) -> Element:
    if len(data) > max_bytes:
        raise PfifError(f"the document is {len(data)} bytes; the limit is {max_bytes} bytes")
    try:
        root: Element = defused_fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DTDForbidden:
        raise PfifError(_why_dtd(data)) from None
    except (EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise PfifError(_entity_message(exc)) from None
    except ParseError as exc:
        raise PfifError(f"not well-formed XML: {exc}") from None
    return root


def _why_dtd(data: bytes) -> str:
    """Name the attack a refused DTD carried: parse again with entities still forbidden."""
    try:
        defused_fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (EntitiesForbidden, ExternalReferenceForbidden) as exc:
        return _entity_message(exc)
    except ParseError:
        pass
    return "document type declarations (DTD) are refused: PFIF has none"


def _entity_message(exc: Exception) -> str:
    name = getattr(exc, "name", None) or "?"
    system_id = getattr(exc, "sysid", None) or getattr(exc, "pubid", None)
    if system_id:
        return (
            f"external entity {name!r} ({system_id}) refused: external entities (XXE) "
            "are not allowed in PFIF documents"
        )
    return (
        f"entity declaration {name!r} refused: entity expansion (billion laughs) "
        "is not allowed in PFIF documents"
    )


def _split(tag: Any) -> tuple[str, str]:
    if not isinstance(tag, str):  # comments and processing instructions
        return "", ""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _version(ns: str) -> str | None:
    return _VERSION_OF.get(ns.rstrip("/"))


def _records_of(root: Element) -> tuple[str, list[Element]]:
    """The PFIF version and the top-level person and note elements."""
    ns, local = _split(root.tag)
    version = _version(ns)
    if local == "pfif":
        if version is None:
            found = f"namespace {ns!r}" if ns else "no namespace"
            raise PfifError(
                f"the pfif element has {found}, so its PFIF version is unknown "
                f"(expected {NAMESPACE_PREFIX}1.1 to 1.4)"
            )
        return version, list(root)
    if version is not None:
        raise PfifError(f"the root element is pfif:{local}; a PFIF document's root is pfif:pfif")
    tops = list(_embedded(root))
    versions = sorted({v for el in tops if (v := _version(_split(el.tag)[0]))})
    if not versions:
        raise PfifError(f"not a PFIF document: no PFIF records in root element {local!r}")
    if len(versions) > 1:
        raise PfifError(f"the feed mixes PFIF versions {', '.join(versions)}")
    return versions[0], tops


def _embedded(root: Element) -> Iterator[Element]:
    """PFIF records inside a feed (Atom or RSS), outermost first, without recursion."""
    stack = [root]
    while stack:
        element = stack.pop()
        for child in reversed(list(element)):
            ns, local = _split(child.tag)
            if _version(ns) and local in ("person", "note"):
                yield child
            else:
                stack.append(child)


def _raw(
    element: Element,
    kind: str,
    version: str,
    raws: list[RawRecord],
    parent: RawRecord | None = None,
) -> RawRecord:
    raw = RawRecord(kind, {}, parent=parent)
    ns = NAMESPACES[version]
    for child in element:
        child_ns, local = _split(child.tag)
        if child_ns != ns or (kind == "person" and local == "note"):
            if not child_ns and local:
                message = f"element <{local}> is not in the PFIF namespace; ignored"
                raw.problems.append((local, message, Severity.WARNING))
            continue  # other namespaces are extensions; nested notes are read by the caller
        name = current_name(version, kind, local)
        if name is None:
            message = f"not a PFIF {version} {kind} field; ignored"
            raw.problems.append((local, message, Severity.WARNING))
        elif name in raw.fields:
            raw.problems.append((local, "appears more than once", Severity.ERROR))
        else:
            raw.fields[name] = "".join(child.itertext()).strip()
    raws.append(raw)
    return raw


def serialize(
    persons: Iterable[PfifPerson], notes: Iterable[PfifNote] = (), version: str = "1.4"
) -> bytes:
    """Write PFIF (1.4 by default; older versions drop the fields they lack).

    A note is nested in its person when the person is among ``persons``, else written at top
    level. Raises ``PfifError`` for a record that cannot be written (a missing required date,
    duplicate ids, or a top-level note in PFIF 1.1, which has none).
    """
    if version not in NAMESPACES:
        raise PfifError(
            f"unknown PFIF version {version!r}; expected one of {', '.join(NAMESPACES)}"
        )
    ns = NAMESPACES[version]
    persons, notes = list(persons), list(notes)
    _no_duplicates([p.person_record_id for p in persons], "person")
    _no_duplicates([n.note_record_id for n in notes], "note")
    nested: dict[str, list[PfifNote]] = {p.person_record_id: [] for p in persons}
    top: list[PfifNote] = []
    for note in notes:
        nested.get(note.person_record_id, top).append(note)
    if version == "1.1" and top:
        raise PfifError(
            f"note {top[0].note_record_id}: PFIF 1.1 has no top-level notes, and its person "
            f"{top[0].person_record_id} is not among the persons written"
        )
    root = etree.Element(f"{{{ns}}}pfif", nsmap={"pfif": ns})
    for person in persons:
        element = etree.SubElement(root, f"{{{ns}}}person")
        _write(element, ns, version, "person", person)
        for note in nested[person.person_record_id]:
            _write(etree.SubElement(element, f"{{{ns}}}note"), ns, version, "note", note)
    for note in top:
        _write(etree.SubElement(root, f"{{{ns}}}note"), ns, version, "note", note)
    etree.indent(root, space="  ")
    body: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=True)
    return body + b"\n"


def _no_duplicates(ids: list[str], kind: str) -> None:
    seen: set[str] = set()
    for record_id in ids:
        if record_id in seen:
            raise PfifError(f"{kind} {record_id}: {kind}_record_id: appears twice in the export")
        seen.add(record_id)


#: Written even when empty (with REQUIRED_FIELDS), as PFIF requires the element.
_ALWAYS = {"person": ("person_record_id",), "note": ("note_record_id", "author_name")}


def _write(element: Any, ns: str, version: str, kind: str, record: PfifPerson | PfifNote) -> None:
    values = {f.name: to_text(getattr(record, f.name)) for f in dataclasses.fields(record)}
    record_id = values[f"{kind}_record_id"]
    if kind == "person" and version != "1.4":
        values["description"] = description_to_other(values["description"])
        if not (values["given_name"] or values["family_name"]) and version in ("1.1", "1.2"):
            values["given_name"] = values["full_name"].split("\n")[0]
    if not values["source_date"] and (kind == "note" or version in ("1.3", "1.4")):
        raise PfifError(f"{kind} {record_id}: source_date: required in PFIF {version}")
    always = _ALWAYS[kind] + REQUIRED_FIELDS[version][kind]
    for name in PERSON_FIELDS[version] if kind == "person" else NOTE_FIELDS[version]:
        current = current_name(version, kind, name) or name
        if values[current] or current in always:
            etree.SubElement(element, f"{{{ns}}}{name}").text = _NOT_XML_CHARS.sub(
                "", values[current]
            )


@cache
def _schema() -> Any:
    text = files("reunify.interop.pfif").joinpath("schema/pfif-1.4.rng").read_bytes()
    return etree.RelaxNG(etree.fromstring(text, _lxml_parser()))


def _lxml_parser() -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def schema_errors(document: bytes) -> list[str]:
    """Problems of a PFIF 1.4 document against the schema in ``schema/pfif-1.4.rng``.

    An empty list means the document is valid. For checking what Reunify exports.
    """
    try:
        tree = etree.fromstring(document, _lxml_parser())
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    schema = _schema()
    if schema.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
