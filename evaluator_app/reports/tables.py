"""Table helpers: a grid with a shaded header row that repeats on every page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Table, TableStyle

from evaluator_app.reports.fonts import register_fonts
from evaluator_app.reports.styles import FLAG_BG, GRID, HEADER_BG, TOTAL_BG, para, styles


def grid(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    total_rows: int = 0,
    shaded: Sequence[int] = (),
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A table: ``header`` (text) on a shaded row repeated across pages, then ``rows``.

    Cells may be text (wrapped as a paragraph) or flowables. The last ``total_rows`` rows are
    shaded as totals; row indexes in ``shaded`` (0 = first body row) are highlighted.
    """
    s = styles()
    head = [para(h, s.head) for h in header]
    body = [[para(c, s.cell) if isinstance(c, str) else c for c in row] for row in rows]
    table = Table([head, *body], colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), register_fonts(), 10),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if total_rows:
        commands.append(("BACKGROUND", (0, -total_rows), (-1, -1), TOTAL_BG))
    for index in shaded:
        commands.append(("BACKGROUND", (0, index + 1), (-1, index + 1), FLAG_BG))
    commands.extend(extra)
    table.setStyle(TableStyle(commands))
    return table


def key_values(pairs: Sequence[tuple[str, str]], widths: Sequence[float]) -> Table:
    """Two columns, label and value, e.g. the heading block of a form."""
    s = styles()
    rows = [[para(k, s.cell_bold), para(v, s.cell)] for k, v in pairs]
    table = Table(rows, colWidths=list(widths), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), register_fonts(), 10),
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (0, -1), HEADER_BG),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table
