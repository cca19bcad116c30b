"""Building a PDF deterministically, with "page N / M" and a fixed line in every footer.

Determinism: reportlab's ``invariant`` mode fixes the document ID and object order, and the
creation/modification date is the caller's (the sheet's time, the report's generation time),
never the clock. The same story therefore gives the same bytes, which lets the client show
"the exact PDF that will be signed".
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, PageTemplate
from reportlab.platypus.doctemplate import BaseDocTemplate

from evaluator_app.reports.fonts import RENDER_LOCK, register_fonts
from evaluator_app.reports.styles import GRID, MUTED

logger = logging.getLogger(__name__)

MARGIN = 18 * mm
FOOTER_HEIGHT = 14 * mm


@dataclass(frozen=True)
class DocInfo:
    """What goes in the PDF's Info dictionary and in every page's footer."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    created: dt.datetime  # aware; written as CreationDate and ModDate
    footer_left: str  # e.g. "评标专家评分表 · 会话 S-1"
    footer_right: str = ""  # e.g. "评分表 SHA-256: …" (small print, under the left line)
    landscape: bool = False
    header: str = ""  # a running head, top right of every page but the first
    extra: dict[str, str] = field(default_factory=dict)


def _pdf_date(moment: dt.datetime) -> Callable[..., str]:
    utc = moment.astimezone(dt.UTC)
    text = utc.strftime("D:%Y%m%d%H%M%S+00'00'")
    return lambda *_args: text


def _numbered_canvas(info: DocInfo) -> type[Canvas]:
    """A canvas that holds every page until the end, then writes the footers with the total."""
    font = register_fonts()

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self.setDateFormatter(_pdf_date(info.created))

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(number, total)
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            width, _height = self._pagesize
            self.saveState()
            self.setStrokeColor(GRID)
            self.setLineWidth(0.5)
            self.line(MARGIN, MARGIN - 2 * mm, width - MARGIN, MARGIN - 2 * mm)
            self.setFillColor(MUTED)
            self.setFont(font, 9)
            self.drawString(MARGIN, MARGIN - 6.5 * mm, info.footer_left)
            self.drawRightString(
                width - MARGIN, MARGIN - 6.5 * mm, f"第 {number} 页 / 共 {total} 页"
            )
            if info.footer_right:
                self.setFont(font, 8)
                self.drawString(MARGIN, MARGIN - 10.5 * mm, info.footer_right)
            if info.header and number > 1:
                self.setFont(font, 9)
                self.drawRightString(
                    width - MARGIN, self._pagesize[1] - MARGIN + 4 * mm, info.header
                )
            self.restoreState()

    return NumberedCanvas


def page_size(info: DocInfo) -> tuple[float, float]:
    return landscape(A4) if info.landscape else A4


def frame_width(info: DocInfo) -> float:
    return page_size(info)[0] - 2 * MARGIN


def build_pdf(story: Sequence[Flowable], info: DocInfo) -> bytes:
    """Lay out ``story`` on A4 pages and return the PDF bytes (the same input, the same bytes)."""
    with RENDER_LOCK:  # reportlab's TrueType subsetting shares state between documents
        return _build_pdf(story, info)


def _build_pdf(story: Sequence[Flowable], info: DocInfo) -> bytes:
    register_fonts()
    out = io.BytesIO()
    size = page_size(info)
    doc = BaseDocTemplate(
        out,
        pagesize=size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + FOOTER_HEIGHT - 6 * mm,
        title=info.title,
        author=info.author,
        subject=info.subject,
        keywords=list(info.keywords),
        creator="evaluator_app (远程异地评标)",
        invariant=1,
        initialFontName=register_fonts(),
        lang="zh-CN",
    )
    body = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[body], pagesize=size)])
    doc.build(list(story), canvasmaker=_numbered_canvas(info))
    data = out.getvalue()
    logger.debug("built %s: %d bytes", info.title, len(data))
    return data
