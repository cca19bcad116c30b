"""Realistic tender and bid PDFs for the demo: headings, tables, a drawing, many pages.

Each bid comes with a scoring index (which pages answer which criterion), as the bid
package of a real bid-authoring tool provides it.
"""

from __future__ import annotations

import io
import os
import random
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from evaluator_app.core.plan import Lot
from evaluator_app.reports.fonts import RENDER_LOCK, register_fonts

SECTIONS = [
    (
        "t-organisation",
        "施工组织设计",
        ["总体施工部署", "施工段划分与流水组织", "主要分部分项工程施工方法", "冬季与雨季施工措施"],
    ),
    ("t-schedule", "施工进度计划及保证措施", ["总进度计划", "关键线路分析", "进度保证措施"]),
    ("t-quality", "质量保证体系", ["质量目标", "质量管理组织机构", "质量控制要点"]),
    ("t-safety", "安全文明施工措施", ["安全生产责任制", "文明施工与环境保护"]),
    ("c-experience", "企业类似工程业绩", ["近五年类似工程业绩一览"]),
    ("c-manager", "项目经理资格与业绩", ["项目经理简历", "注册证书与安全考核证"]),
    ("c-credit", "企业信用评价", ["信用评价证明材料"]),
]
WORDS = [
    "施工现场",
    "封闭管理",
    "车辆冲洗",
    "钢筋进场",
    "抽样复试",
    "商品混凝土",
    "泵送入模",
    "分层振捣",
    "覆盖养护",
    "木胶合板",
    "支撑体系",
    "强度验算",
    "安全生产",
    "责任制",
    "排水系统",
    "基坑支护",
    "样板引路",
    "监理验收",
    "测量放线",
    "轴线复核",
    "砌体工程",
    "防水卷材",
    "屋面找坡",
    "外墙保温",
    "门窗安装",
    "脚手架",
    "塔吊基础",
    "临时用电",
    "消防通道",
    "扬尘治理",
    "噪声控制",
    "夜间施工",
    "材料堆放",
    "成品保护",
    "隐蔽验收",
    "技术交底",
    "质量例会",
    "进度纠偏",
    "劳动力计划",
    "机械配置",
    "冬期施工",
    "雨期施工",
    "试块留置",
    "标准养护",
    "同条件养护",
    "模板拆除",
    "钢筋连接",
    "直螺纹",
    "焊接接头",
    "预埋件",
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
        "title": ParagraphStyle(
            "title", fontName=font, fontSize=24, leading=32, alignment=1, spaceAfter=18
        ),
        "h1": ParagraphStyle(
            "h1",
            fontName=font,
            fontSize=16,
            leading=22,
            spaceBefore=6,
            spaceAfter=8,
            textColor=colors.HexColor("#1d3557"),
        ),
        "h2": ParagraphStyle(
            "h2", fontName=font, fontSize=13, leading=18, spaceBefore=4, spaceAfter=4
        ),
        "body": ParagraphStyle(
            "body", fontName=font, fontSize=10.5, leading=17, firstLineIndent=21
        ),
    }


def _drawing(label: str, seed: int) -> Drawing:
    """A small bar chart standing in for a site plan or schedule figure."""
    rng = random.Random(seed)
    drawing = Drawing(160 * mm, 45 * mm)
    drawing.add(Rect(0, 0, 160 * mm, 45 * mm, strokeColor=colors.grey, fillColor=None))
    for i in range(10):
        height = rng.randint(8, 38) * mm
        drawing.add(
            Rect(
                (8 + i * 15) * mm,
                4 * mm,
                10 * mm,
                height,
                fillColor=colors.HexColor("#457b9d"),
                strokeColor=None,
            )
        )
    drawing.add(String(4 * mm, 40 * mm, label, fontName=register_fonts(), fontSize=9))
    return drawing


def _sentence(rng: random.Random) -> str:
    """Each bidder writes its own text: phrases recombined from a vocabulary, not shared
    sentences."""
    words = rng.sample(WORDS, rng.randint(6, 10))
    return "，".join("".join(words[i : i + 2]) for i in range(0, len(words), 2)) + "。"


class _Outline(Flowable):
    """An entry of the PDF's outline (bookmarks) at this point: real bid files have one."""

    def __init__(self, title: str, key: str, level: int = 0):
        super().__init__()
        self.title, self.key, self.level = title, key, level
        self.width = self.height = 0

    def draw(self) -> None:
        # a location (top of the page, zoom unchanged): viewers warn about a bare /Fit
        self.canv.bookmarkPage(self.key, fit="XYZ", left=0, top=A4[1], zoom=0)
        self.canv.addOutlineEntry(self.title, self.key, self.level)


def _pdf(
    title: str,
    subtitle: str,
    pages_per_section: int,
    seed: int,
    author: str = "演示数据",
    tool: str = "Word",
    when: int = 1_700_000_000,
    copied: tuple[int, str] | None = None,
) -> tuple[bytes, dict[str, list[int]]]:
    font = register_fonts()
    s = _styles(font)
    rng = random.Random(seed)
    story: list = [
        _Outline("封面", "cover"),
        Spacer(1, 60 * mm),
        Paragraph(title, s["title"]),
        Paragraph(subtitle, s["h2"]),
        PageBreak(),
    ]
    index: dict[str, list[int]] = {}
    page = 2
    for criterion, heading, subsections in SECTIONS:
        index[criterion] = list(range(page, page + pages_per_section))
        for p in range(pages_per_section):
            sub = subsections[p % len(subsections)]
            if p == 0:
                story.append(_Outline(heading, criterion))
            if p < len(subsections):
                story.append(_Outline(sub, f"{criterion}-{p}", 1))
            story.append(Paragraph(f"{heading}{'（续）' if p else ''}", s["h1"]))
            story.append(Paragraph(sub, s["h2"]))
            for _ in range(4):
                story.append(Paragraph("".join(_sentence(rng) for _ in range(4)), s["body"]))
            if copied is not None and copied[0] == page:
                story.append(Paragraph(copied[1], s["body"]))
            if p % 3 == 0:
                data = [["序号", "项目", "数量", "备注"]] + [
                    [
                        str(i + 1),
                        rng.choice(["钢筋", "混凝土", "模板", "脚手架"]),
                        f"{rng.randint(10, 900)}",
                        "按图施工",
                    ]
                    for i in range(6)
                ]
                table = Table(data, colWidths=[15 * mm, 60 * mm, 30 * mm, 60 * mm])
                table.setStyle(
                    TableStyle(
                        [
                            ("FONT", (0, 0), (-1, -1), font, 10),
                            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                        ]
                    )
                )
                story.append(table)
            else:
                story.append(_drawing(f"图 {page}：{sub}", seed + page))
            story.append(PageBreak())
            page += 1
    buffer = io.BytesIO()
    with (
        RENDER_LOCK
    ):  # SOURCE_DATE_EPOCH is how reportlab takes a document's date: set it for this one only
        before = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(when)
        try:
            SimpleDocTemplate(buffer, pagesize=A4, title=title, author=author, creator=tool).build(
                story
            )
        finally:
            if before is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = before
    return buffer.getvalue(), index


# One planted case, as the centre would meet it: B4 and B5 prepared their bids together. The same
# author and tool three minutes apart, and a paragraph of B4's method statement in B5's bid.
PLANTED = (
    "本工程深基坑支护采用钻孔灌注桩加一道钢筋混凝土内支撑，桩径八百毫米，桩间距一点二米，"
    "冠梁与支撑同时浇筑，坑内降水采用管井井点，基坑监测每日两次并在预警值时立即停止开挖。"
)
TOOLS = [
    "Microsoft Word 2019",
    "WPS 文字 11.1",
    "新点投标文件制作工具 6.2",
    "广联达投标工具 3.0",
    "Microsoft Word 2016",
]


def demo_documents(lot: Lot, pages_per_section: int = 8) -> list[DemoDocument]:
    """The tender and one bid per bidder (7 criteria × pages_per_section + a cover page each)."""
    tender, _ = _pdf(
        f"{lot.name} 招标文件",
        "招标人：济南市历城区教育和体育局",
        max(2, pages_per_section // 2),
        1,
        "历城区教育和体育局",
        "WPS 文字 11.1",
        1_699_000_000,
    )
    documents = [DemoDocument("tender", "招标文件", None, tender, {})]
    for n, bidder in enumerate(lot.bidders):
        author, tool, when, copied = (
            f"{bidder.name}投标部",
            TOOLS[n % len(TOOLS)],
            1_700_000_000 + n * 86_400 * 3,
            None,
        )
        if bidder.id == "B5":  # the planted case (see PLANTED)
            author, tool, when, copied = (
                f"{lot.bidders[3].name}投标部",
                TOOLS[3],
                1_700_000_000 + 3 * 86_400 * 3 + 180,
                (7, PLANTED),
            )
        elif bidder.id == "B4":
            copied = (5, PLANTED)
        pdf, index = _pdf(
            f"{bidder.name} 投标文件",
            f"{lot.name} · 投标报价 {bidder.price} 元",
            pages_per_section,
            100 + n,
            author,
            tool,
            when,
            copied,
        )
        documents.append(
            DemoDocument(
                f"bid-{bidder.id}", f"{bidder.id} {bidder.name} 投标文件", bidder.id, pdf, index
            )
        )
    return documents
