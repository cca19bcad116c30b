"""The expert's score sheet (评标专家评分表) as the PDF the expert signs with PAdES.

The PDF is a rendering of the signed canonical JSON of the sheet; it carries that JSON's
SHA-256 in every page footer and in its Info dictionary (``sheet-sha256:<hex>`` in Subject
and Keywords), so the venue can bind the two signatures to one sheet with
:func:`sheet_hash_of_pdf`. The price score is computed by the venue and is not on the sheet.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table, TableStyle

from evaluator_app.core.canonical import artefact_bytes
from evaluator_app.core.plan import Bidder, Lot, ScoredItem
from evaluator_app.protocol.artefacts import ARTEFACT_VERSION, ScoreSheet, sheet_pdf_unbound
from evaluator_app.protocol.schema import encode
from evaluator_app.reports.fonts import register_fonts
from evaluator_app.reports.pages import DocInfo, build_pdf, frame_width
from evaluator_app.reports.sheet_tables import grade, range_text, score_grid, total
from evaluator_app.reports.signature_fields import (
    Placed,
    SignatureSlot,
    add_signature_fields,
    member_field,
)
from evaluator_app.reports.styles import GRID, beijing, dec, masked_id, para, parse_time, styles
from evaluator_app.reports.tables import grid, key_values

logger = logging.getLogger(__name__)

SHEET_KIND = "score_sheet"
HASH_PREFIX = "sheet-sha256:"
_HASH_RE = re.compile(r"sheet-sha256:([0-9a-f]{64})")


def sheet_hash(sheet: ScoreSheet) -> str:
    """SHA-256 (hex) of the sheet's canonical JSON without its PDF binding (``pdf_sha256``, which
    names this very PDF): the scores, explanations and identity the CMS signature covers."""
    unbound = sheet_pdf_unbound(sheet)
    return hashlib.sha256(artefact_bytes(SHEET_KIND, ARTEFACT_VERSION, encode(unbound))).hexdigest()


def sheet_hash_of_pdf(pdf: bytes) -> str | None:
    """The ``sheet-sha256`` a score sheet PDF declares in its Info dictionary, or None.

    Reads the newest revision's trailer, so it works after PAdES signing (incremental
    updates). Whether anything was added after the signature is for ``verify_pdf`` to say.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        info = reader.trailer_view.get("/Info")
        if info is None:
            return None
        info = info.get_object()
        for key in ("/Subject", "/Keywords"):
            value = info.get(key)
            match = _HASH_RE.search(str(value)) if value is not None else None
            if match:
                return match.group(1)
    except Exception:
        logger.info("no sheet hash readable from the PDF", exc_info=True)
    return None


def _sheet_bidders(sheet: ScoreSheet, lot: Lot) -> list[Bidder]:
    ids = {s.bidder_id for s in sheet.scores} | {e.bidder_id for e in sheet.explanations}
    known = {b.id for b in lot.bidders}
    unknown = sorted(ids - known)
    if unknown:
        raise ValueError(
            f"the sheet scores bidders that are not in lot {lot.id!r}: {', '.join(unknown)}"
        )
    return [b for b in lot.bidders if b.id in ids]


def _items(sheet: ScoreSheet, lot: Lot) -> list[tuple[str, ScoredItem]]:
    items = [(g.name, i) for g, i in lot.plan.items() if isinstance(i, ScoredItem)]
    ids = {i.id for _g, i in items}
    unknown = sorted({s.item_id for s in sheet.scores} - ids)
    if unknown:
        raise ValueError(
            f"the sheet scores items that are not scored items of the plan: {', '.join(unknown)}"
        )
    return items


def render_score_sheet(
    sheet: ScoreSheet,
    lot: Lot,
    *,
    session_title: str,
    expert_name: str,
    venue: str,
    seat: str,
    project_name: str = "",
) -> bytes:
    """The score sheet as an A4 PDF in Chinese; the same input always gives the same bytes."""
    s = styles()
    digest = sheet_hash(sheet)
    bidders = _sheet_bidders(sheet, lot)
    items = _items(sheet, lot)
    scores = {(x.bidder_id, x.item_id): x for x in sheet.scores}
    values = {key: entry.score for key, entry in scores.items()}
    explained = {(e.bidder_id, e.item_id) for e in sheet.explanations}
    width = frame_width(DocInfo("", "", "", (), parse_time(sheet.at), ""))

    placed: list[Placed] = []
    story: list[Flowable] = [para("评标专家评分表", s.title), para(f"{lot.name}", s.subtitle)]
    heading = [
        ("项目名称", project_name or "—"),
        ("标段", lot.name),  # its name: the id is for machines (kept in the keywords)
        ("评标会议", f"{session_title}（{sheet.session_id}）"),
        ("评标办法", lot.plan.name),
        ("评标专家", f"{expert_name}（{masked_id(sheet.expert_id)}）"),
        ("评标场地 / 席位", f"{venue} / {seat}"),
        ("评分表版本", f"第 {sheet.version} 版"),
        ("提交时间", beijing(sheet.at)),
        ("评分表 SHA-256", digest),
    ]
    story += [key_values(heading, [32 * mm, width - 32 * mm]), Spacer(1, 4 * mm)]
    # headings get a conditional page break; long tables split with their header repeated
    story += [CondPageBreak(50 * mm), para("一、评分汇总（详细评审，不含价格分）", s.h1)]
    story += score_grid(bidders, items, values, width)
    story += [CondPageBreak(70 * mm), para("二、逐项评分及评审意见", s.h1)]
    for number, bidder in enumerate(bidders, start=1):
        # one bidder's table on one page when it fits (it splits, header repeated, when not)
        heading = para(f"{number}. {bidder.name}（{bidder.id}）", s.h2)
        story.append(
            KeepTogether([heading, _bidder_table(bidder, items, scores, explained, width)])
        )
    story += [CondPageBreak(40 * mm), para("三、评分偏差说明", s.h1)]
    story += _explanations(sheet, lot, items, width)
    story += [
        para("价格分由评标系统按招标文件规定的公式统一计算，不在本评分表内。", s.note),
        para(
            "本评分表与同一评分数据的电子签名 JSON 一一对应，页脚及文档属性中的 SHA-256 即该 "
            "JSON（不含 PDF 摘要一项）的摘要；所签 JSON 另载本 PDF 的 SHA-256。",
            s.note,
        ),
        Spacer(1, 4 * mm),
        _signature_box(sheet.expert_id, width, placed),
    ]
    info = DocInfo(
        title=f"评标专家评分表 - {expert_name}",
        author=expert_name,
        subject=HASH_PREFIX + digest,
        keywords=(
            HASH_PREFIX + digest,
            f"session:{sheet.session_id}",
            f"lot:{sheet.lot_id}",
            f"expert:{sheet.expert_id}",
        ),
        created=parse_time(sheet.at),
        footer_left=f"评标专家评分表 · {expert_name}（{masked_id(sheet.expert_id)}）"
        f"· {sheet.session_id}"
        f" · 第 {sheet.version} 版",
        footer_right=f"评分表 SHA-256：{digest}",
        header=f"{lot.name} · {expert_name}",
    )
    pdf = add_signature_fields(build_pdf(story, info), placed)
    logger.info(
        "score sheet of %s for %s rendered: %d bytes, sha256 %s",
        sheet.expert_id,
        sheet.session_id,
        len(pdf),
        digest,
    )
    return pdf


def _bidder_table(
    bidder: Bidder,
    items: Sequence[tuple[str, ScoredItem]],
    scores: dict,
    explained: set[tuple[str, str]],
    width: float,
) -> Table:
    """Every scored item for one bidder; rows with a deviation explanation are shaded."""
    s = styles()
    widths = [9 * mm, 50 * mm, 32 * mm, 20 * mm]
    widths.append(width - sum(widths))
    rows: list[list[object]] = []
    for n, (group, item) in enumerate(items, start=1):
        entry = scores.get((bidder.id, item.id))
        score = dec(entry.score) + grade(item, entry.score) if entry else "—"
        comment = entry.comment if entry and entry.comment else ""
        rows.append(
            [
                para(str(n), s.cell_center),
                f"{group}：{item.name}",
                range_text(item),
                para(score, s.cell_center),
                comment,
            ]
        )
    rows.append(
        [
            "",
            "小计",
            "",
            para(total(bidder.id, items, {k: v.score for k, v in scores.items()}), s.cell_center),
            "不含价格分",
        ]
    )
    flagged = [n for n, (_g, item) in enumerate(items) if (bidder.id, item.id) in explained]
    return grid(
        ["序号", "评审项", "分值范围 / 档次", "得分", "评审意见"],
        rows,
        widths,
        total_rows=1,
        shaded=flagged,
    )


def _explanations(
    sheet: ScoreSheet, lot: Lot, items: Sequence[tuple[str, ScoredItem]], width: float
) -> list[Flowable]:
    s = styles()
    if not sheet.explanations:
        return [para("无（本评分表没有被标记为畸高或畸低的评分）。", s.body)]
    names = {i.id: i.name for _g, i in items}
    rows = [
        [
            f"{lot.bidder(e.bidder_id).name}（{e.bidder_id}）",
            names.get(e.item_id, e.item_id),
            e.text,
        ]
        for e in sheet.explanations
    ]
    return [grid(["投标人", "评审项", "说明"], rows, [48 * mm, 40 * mm, width - 88 * mm])]


def _signature_box(expert_id: str, width: float, placed: list[Placed]) -> Flowable:
    """The expert's signature field: once signed it shows the name, CA, certificate serial and
    signing time (Beijing time), so a printed copy shows the signature too."""
    s = styles()
    pad = 6
    table = Table(
        [
            [para("评标专家签名（电子签章）", s.cell_bold)],
            [SignatureSlot(member_field(expert_id), width * 0.6 - 2 * pad, 22 * mm, placed)],
        ],
        colWidths=[width * 0.6],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), register_fonts(), 10),
                ("BOX", (0, 0), (-1, -1), 0.8, GRID),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, GRID),
                ("LEFTPADDING", (0, 1), (-1, 1), pad),
                ("RIGHTPADDING", (0, 1), (-1, 1), pad),
                ("TOPPADDING", (0, 1), (-1, 1), pad),
                ("BOTTOMPADDING", (0, 1), (-1, 1), pad),
            ]
        )
    )
    return KeepTogether([table])
