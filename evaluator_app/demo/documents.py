"""Realistic tender and bid PDFs for the demo: headings, tables, a drawing, many pages.

Each bid comes with a scoring index (which pages answer which criterion), as the bid
package of a real bid-authoring tool provides it.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from evaluator_app.core.plan import Lot
from evaluator_app.reports.fonts import RENDER_LOCK, register_fonts

SECTIONS = [
    ("t-organisation", "施工组织设计", ["总体施工部署", "施工段划分与流水组织", "主要分部分项工程施工方法", "冬季与雨季施工措施"]),
    ("t-schedule", "施工进度计划及保证措施", ["总进度计划", "关键线路分析", "进度保证措施"]),
    ("t-quality", "质量保证体系", ["质量目标", "质量管理组织机构", "质量控制要点"]),
    ("t-safety", "安全文明施工措施", ["安全生产责任制", "文明施工与环境保护"]),
    ("c-experience", "企业类似工程业绩", ["近五年类似工程业绩一览"]),
    ("c-manager", "项目经理资格与业绩", ["项目经理简历", "注册证书与安全考核证"]),
    ("c-credit", "企业信用评价", ["信用评价证明材料"]),
]
PHRASES = [
    "本工程位于济南市历城区，建筑面积约一万八千平方米，框架结构，地上五层。",
    "施工现场实行封闭管理，主要出入口设置车辆冲洗设施和门卫值班室。",
    "钢筋进场后按批次抽样复试，合格后方可使用，严禁不合格材料进入施工现场。",
    "混凝土浇筑采用商品混凝土，泵送入模，分层振捣密实，及时覆盖养护。",
    "模板工程采用木胶合板，支撑体系经计算满足强度、刚度和稳定性要求。",
    "建立以项目经理为第一责任人的安全生产管理体系，落实全员安全生产责任制。",
    "雨季施工前对现场排水系统进行检查疏通，确保基坑及场地排水通畅。",
    "关键工序实行样板引路制度，经监理单位验收合格后方可大面积施工。",
]


@dataclass(frozen=True)
class DemoDocument:
    doc_id: str
    title: str
    bidder_id: str | None
    pdf: bytes
    index: dict[str, list[int]]  # criterion id -> pages (1-based) that answer it


def _styles(font: str) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=24, leading=32, alignment=1, spaceAfter=18),
        "h1": ParagraphStyle("h1", fontName=font, fontSize=16, leading=22, spaceBefore=6, spaceAfter=8, textColor=colors.HexColor("#1d3557")),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=13, leading=18, spaceBefore=4, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17, firstLineIndent=21),
    }


def _drawing(label: str, seed: int) -> Drawing:
    """A small bar chart standing in for a site plan or schedule figure."""
    rng = random.Random(seed)
    drawing = Drawing(160 * mm, 45 * mm)
    drawing.add(Rect(0, 0, 160 * mm, 45 * mm, strokeColor=colors.grey, fillColor=None))
    for i in range(10):
        height = rng.randint(8, 38) * mm
        drawing.add(Rect((8 + i * 15) * mm, 4 * mm, 10 * mm, height, fillColor=colors.HexColor("#457b9d"), strokeColor=None))
    drawing.add(String(4 * mm, 40 * mm, label, fontName=register_fonts(), fontSize=9))
    return drawing


def _pdf(title: str, subtitle: str, pages_per_section: int, seed: int) -> tuple[bytes, dict[str, list[int]]]:
    font = register_fonts()
    s = _styles(font)
    rng = random.Random(seed)
    story: list = [Spacer(1, 60 * mm), Paragraph(title, s["title"]), Paragraph(subtitle, s["h2"]), PageBreak()]
    index: dict[str, list[int]] = {}
    page = 2
    for criterion, heading, subsections in SECTIONS:
        index[criterion] = list(range(page, page + pages_per_section))
        for p in range(pages_per_section):
            story.append(Paragraph(f"{heading}{'（续）' if p else ''}", s["h1"]))
            sub = subsections[p % len(subsections)]
            story.append(Paragraph(sub, s["h2"]))
            for _ in range(4):
                story.append(Paragraph("".join(rng.sample(PHRASES, 3)), s["body"]))
            if p % 3 == 0:
                data = [["序号", "项目", "数量", "备注"]] + [[str(i + 1), rng.choice(["钢筋", "混凝土", "模板", "脚手架"]), f"{rng.randint(10, 900)}", "按图施工"] for i in range(6)]
                table = Table(data, colWidths=[15 * mm, 60 * mm, 30 * mm, 60 * mm])
                table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 10), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5"))]))
                story.append(table)
            else:
                story.append(_drawing(f"图 {page}：{sub}", seed + page))
            story.append(PageBreak())
            page += 1
    buffer = io.BytesIO()
    with RENDER_LOCK:
        SimpleDocTemplate(buffer, pagesize=A4, title=title, author="演示数据", invariant=1).build(story)
    return buffer.getvalue(), index


def demo_documents(lot: Lot, pages_per_section: int = 8) -> list[DemoDocument]:
    """The tender and one bid per bidder (7 criteria × pages_per_section + a cover page each)."""
    tender, _ = _pdf(f"{lot.name} 招标文件", "招标人：济南市历城区教育和体育局", max(2, pages_per_section // 2), 1)
    documents = [DemoDocument("tender", "招标文件", None, tender, {})]
    for n, bidder in enumerate(lot.bidders):
        pdf, index = _pdf(f"{bidder.name} 投标文件", f"{lot.name} · 投标报价 {bidder.price} 元", pages_per_section, 100 + n)
        documents.append(DemoDocument(f"bid-{bidder.id}", f"{bidder.id} {bidder.name} 投标文件", bidder.id, pdf, index))
    return documents
