"""The printable badge: one A6 page, large type, and a QR code carrying the badge id.

The QR code is drawn as vector squares from segno's matrix, so no image library is needed
and it prints sharp on any desk printer. The patient's name is deliberately not printed:
a badge is worn in corridors, and the room is all a visitor needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import segno
from anyascii import anyascii
from fpdf import FPDF

QR_PREFIX = "REUNIFY-BADGE:"


@dataclass(frozen=True, slots=True)
class BadgePrint:
    code: str
    visitor_name: str
    unit: str
    room: str
    facility: str
    timezone: str
    issued_at: datetime
    expires_at: datetime


def _latin1(text: str) -> str:
    """The PDF core fonts cover Latin-1; anything else is transliterated, not dropped."""
    return "".join(ch if ord(ch) < 256 else anyascii(ch) for ch in text)


def _when(value: datetime, tz: str, fmt: str) -> str:
    local = value.astimezone(ZoneInfo(tz))
    return f"{local.strftime(fmt)} {local.tzname()}"


def _draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    qr = segno.make(data, error="m", micro=False)
    rows = list(qr.matrix_iter(border=2))
    cell = size / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * cell, y + r * cell, cell, cell, style="F")


def render_badge(badge: BadgePrint) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format=(105, 148))  # A6
    pdf.set_title(_latin1(f"Visitor badge {badge.code}"))
    pdf.set_creator("Reunify")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(8, 8, 8)
    pdf.add_page()
    width = pdf.w - 16

    pdf.set_fill_color(20, 60, 110)
    pdf.rect(0, 0, pdf.w, 20, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("helvetica", "B", 22)
    pdf.set_xy(8, 5)
    pdf.cell(width, 10, "VISITOR", align="C")

    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(8, 25)
    pdf.set_font("helvetica", "B", 18)
    pdf.multi_cell(width, 8, _latin1(badge.visitor_name), align="C")

    pdf.ln(2)
    pdf.set_font("helvetica", "", 10)
    pdf.cell(width, 5, "Visiting", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "B", 16)
    place = ", ".join(p for p in (badge.unit, badge.room) if p) or "Ask at the front desk"
    pdf.multi_cell(width, 8, _latin1(place), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 10)
    pdf.multi_cell(width, 5, _latin1(badge.facility), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.ln(2)
    pdf.set_font("helvetica", "", 9)
    issued = _when(badge.issued_at, badge.timezone, "%d %b %Y %H:%M")
    expires = _when(badge.expires_at, badge.timezone, "%d %b %Y %H:%M")
    pdf.cell(width, 5, _latin1(f"Date: {issued}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "B", 9)
    pdf.cell(width, 5, _latin1(f"Valid until: {expires}"), align="C", new_x="LMARGIN", new_y="NEXT")

    size = 34.0
    top = pdf.h - size - 14
    _draw_qr(pdf, QR_PREFIX + badge.code, (pdf.w - size) / 2, top, size)
    pdf.set_xy(8, top + size + 1)
    pdf.set_font("courier", "B", 10)
    pdf.cell(width, 5, f"Badge {badge.code}", align="C")
    return bytes(pdf.output())
