"""Pieces of a score table shared by the score sheet and the report: ranges, totals, grids."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from evaluator_app.core.arithmetic import exact_sum
from evaluator_app.core.plan import Bidder, GradeBand, ScoredItem
from evaluator_app.reports.styles import dec, para, styles
from evaluator_app.reports.tables import grid

GRID_BIDDERS = 5  # bidder columns per grid on a portrait A4 page
Scores = Mapping[tuple[str, str], Decimal]  # (bidder id, item id) → score


def range_text(item: ScoredItem) -> str:
    """'0–10 分（步长 0.5）', or one grade band a line."""
    if item.bands:
        return "\n".join(band_text(b) for b in item.bands)
    text = f"{dec(item.min)}–{dec(item.max)} 分"
    if item.step != Decimal("0.01"):
        text += f"（步长 {dec(item.step)}）"
    return text


def item_cell(group: str, item: ScoredItem) -> Paragraph:
    """The item's name, and its range (bands on one line) in small print under it."""
    s = styles()
    scale = "；".join(band_text(b) for b in item.bands) if item.bands else range_text(item)
    return Paragraph(
        f'{escape(group)}：{escape(item.name)}<br/><font size="9" '
        f'color="#444444">{escape(scale)}</font>',
        s.cell,
    )


def band_text(band: GradeBand) -> str:
    return f"{band.grade} {dec(band.min)}–{dec(band.max)}"


def grade(item: ScoredItem, score: Decimal) -> str:
    """'（良）' when the score falls in a band, else ''."""
    for band in item.bands:
        if band.min <= score <= band.max:
            return f"（{band.grade}）"
    return ""


def total(bidder_id: str, items: Sequence[tuple[str, ScoredItem]], scores: Scores) -> str:
    """Exact sum of a bidder's scored items, marked when some are missing (a draft)."""
    values = [scores[(bidder_id, i.id)] for _g, i in items if (bidder_id, i.id) in scores]
    complete = len(values) == len(items)
    return dec(exact_sum(values)) + ("" if complete else "（未完成）")


def score_grid(
    bidders: Sequence[Bidder],
    items: Sequence[tuple[str, ScoredItem]],
    scores: Scores,
    width: float,
    *,
    label: str = "合计（详细评审）",
) -> list[Flowable]:
    """Criteria × bidders, at most GRID_BIDDERS bidders per grid, with a totals row."""
    s = styles()
    out: list[Flowable] = []
    for start in range(0, len(bidders), GRID_BIDDERS):
        chunk = bidders[start : start + GRID_BIDDERS]
        col = 20 * mm
        widths = [9 * mm, width - 9 * mm - col * len(chunk), *[col] * len(chunk)]
        header = ["序号", "评审项（分值）", *[f"{b.name}（{b.id}）" for b in chunk]]
        rows: list[list[object]] = []
        for n, (group, item) in enumerate(items, start=1):
            cells = [
                para(
                    dec(scores[(b.id, item.id)]) if (b.id, item.id) in scores else "—",
                    s.cell_center,
                )
                for b in chunk
            ]
            rows.append([para(str(n), s.cell_center), item_cell(group, item), *cells])
        total_max = exact_sum(i.max for _g, i in items)
        rows.append(
            [
                "",
                f"{label}（满分 {dec(total_max)}）",
                *[para(total(b.id, items, scores), s.cell_center) for b in chunk],
            ]
        )
        out += [grid(header, rows, widths, total_rows=1), Spacer(1, 3 * mm)]
    return out
