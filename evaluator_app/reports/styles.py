"""Paragraph styles and number/time formatting shared by the score sheet and the report.

Sizes are chosen for reading on paper by people in their fifties: body 10.5 pt, tables
10 pt, never below 9 pt except the footer's hash line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from evaluator_app.core.beijing import BEIJING, EPOCH, beijing_time, parse_time
from evaluator_app.core.beijing import beijing_date as core_beijing_date
from evaluator_app.reports.fonts import register_fonts

__all__ = ["BEIJING", "EPOCH", "parse_time"]  # re-exported: reports import them from here


HEADER_BG = colors.HexColor("#E4E9F0")
TOTAL_BG = colors.HexColor("#F3F0E0")
FLAG_BG = colors.HexColor("#FBE3E0")
GRID = colors.HexColor("#5A6270")
MUTED = colors.HexColor("#444444")


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    lead: ParagraphStyle  # a body paragraph introducing a table
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    head: ParagraphStyle
    note: ParagraphStyle
    cover: ParagraphStyle


@cache
def styles() -> Styles:
    font = register_fonts()

    def style(name: str, size: float, leading: float, **kw: object) -> ParagraphStyle:
        # wordWrap CJK: Chinese lines break between any two characters
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kw
        )

    return Styles(
        title=style("title", 20, 28, alignment=TA_CENTER, spaceAfter=6),
        subtitle=style("subtitle", 12, 17, alignment=TA_CENTER, textColor=MUTED, spaceAfter=10),
        h1=style("h1", 14, 20, spaceBefore=12, spaceAfter=6),
        h2=style("h2", 12, 17, spaceBefore=8, spaceAfter=4),
        body=style("body", 10.5, 16, alignment=TA_LEFT, spaceAfter=4),
        lead=style("lead", 10.5, 16, alignment=TA_LEFT, spaceAfter=4),
        cell=style("cell", 10, 14),
        cell_bold=style("cell_bold", 10.5, 14),
        cell_center=style("cell_center", 10, 14, alignment=TA_CENTER),
        cell_right=style("cell_right", 10, 14, alignment=TA_RIGHT),
        head=style("head", 10, 14, alignment=TA_CENTER),
        note=style("note", 9.5, 14, textColor=MUTED, spaceAfter=4),
        cover=style("cover", 13, 22),
    )


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: bidder names may hold '&' or '<'); newlines kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def dec(value: Decimal | str | None, places: int | None = None) -> str:
    """A Decimal as plain text (never exponent form), optionally quantized for display."""
    if value is None or value == "":
        return "—"
    number = Decimal(value) if isinstance(value, str) else value
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    return format(number, "f")


_RESIDENT_ID = re.compile(r"\d{17}[\dXx]")


def masked_id(person_id: str) -> str:
    """A resident ID number (身份证号) printed as 370102********0011: the report and the sheets
    are read by many and published in part, and the six digits of the region and the last four
    tell the people of one committee apart. Other ids (the pool's own numbers) print whole; the
    signed data and the archive keep the full id."""
    if _RESIDENT_ID.fullmatch(person_id):
        return person_id[:6] + "*" * 8 + person_id[14:]
    return person_id


def money(value: Decimal | str) -> str:
    """Yuan with thousands separators: 36,218,450.00."""
    number = Decimal(value) if isinstance(value, str) else value
    return f"{number.quantize(Decimal('0.01')):,}"


def beijing(value: str | dt.datetime) -> str:
    """'2026-11-26 22:30:05（北京时间）' — the time people at every venue read."""
    return beijing_time(value)


def beijing_date(value: str | dt.datetime) -> str:
    return core_beijing_date(value)
