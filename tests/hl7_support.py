"""Synthetic ADT messages for the feed tests (fictional people only)."""

from __future__ import annotations

from collections.abc import Sequence


def adt(
    trigger: str,
    control: str,
    *,
    app: str = "EPIC",
    facility: str = "SGMW",
    when: str = "20261120144000",
    occurred: str = "",
    ids: str = "SG100231^^^SGMW^MR",
    name: str = "Karev^Alexander^^^^^L",
    dob: str = "19950412",
    sex: str = "M",
    patient_class: str = "E",
    location: str = "ED^^^SGMW",
    prior: str = "",
    disposition: str = "",
    discharged_to: str = "",
    pd1: str | None = None,
    segments: Sequence[str] = (),
    version: str = "2.5",
    processing: str = "P",
) -> bytes:
    """One ADT message; times without an offset are in the sending facility's zone."""
    pv1 = [""] * 46
    pv1[1], pv1[2], pv1[3], pv1[6] = "1", patient_class, location, prior
    pv1[19], pv1[36], pv1[37] = f"V-{ids.split('^')[0]}", disposition, discharged_to
    lines = [
        f"MSH|^~\\&|{app}|{facility}|REUNIFY|REUNIFY|{when}||ADT^{trigger}^ADT_A01|{control}"
        f"|{processing}|{version}",
        f"EVN|{trigger}|{when}||||{occurred or when}",
        f"PID|1||{ids}||{name}||{dob}|{sex}",
    ]
    if pd1 is not None:
        lines.append(pd1)
    lines.append("PV1|" + "|".join(pv1[1:]).rstrip("|"))
    lines.extend(segments)
    return ("\r".join(lines) + "\r").encode()


def karev_day() -> list[bytes]:
    """SGMW registers Alex Karev in the ED, discharges him to SPH, which admits him to the
    ICU under its own MRN and later moves him to 7W room 778."""
    return [
        adt("A04", "SG-1", when="20261120144000"),
        adt(
            "A03", "SG-2", when="20261120193000", location="ED^^^SGMW",
            disposition="02", discharged_to="SPH",
        ),
        adt(
            "A01", "SP-1", facility="SPH", when="20261120200500", ids="SP778001^^^SPH^MR",
            patient_class="I", location="ICU^12^A^SPH",
        ),
        adt(
            "A02", "SP-2", facility="SPH", when="20261121103000", ids="SP778001^^^SPH^MR",
            patient_class="I", location="7W^778^^SPH^^^^7", prior="ICU^12^A^SPH",
        ),
    ]  # fmt: skip
