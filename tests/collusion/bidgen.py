"""Generated bid sets with reportlab: Chinese text from a vocabulary, varied per bidder, with
collusion planted where asked. Also used by benchmarks/bench_collusion.py."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from evaluator_app.reports.fonts import register_fonts
from evaluator_app.venue.collusion.model import BidPackageInfo, BillItem, MachineCodes

WORDS = [
    "施工",
    "组织",
    "设计",
    "方案",
    "质量",
    "安全",
    "进度",
    "管理",
    "保证",
    "措施",
    "混凝土",
    "钢筋",
    "模板",
    "工程",
    "项目",
    "人员",
    "机械",
    "设备",
    "材料",
    "验收",
    "检测",
    "环境",
    "保护",
    "文明",
    "现场",
    "协调",
    "计划",
    "控制",
    "技术",
    "交底",
    "监理",
    "业主",
    "合同",
    "工期",
    "成本",
    "风险",
    "应急",
    "预案",
    "培训",
    "考核",
    "土方",
    "开挖",
    "回填",
    "排水",
    "降水",
    "支护",
    "桩基",
    "基础",
    "主体",
    "结构",
    "砌体",
    "抹灰",
    "防水",
    "屋面",
    "装饰",
    "门窗",
    "幕墙",
    "给水",
    "电气",
    "照明",
    "通风",
    "空调",
    "消防",
    "弱电",
    "智能化",
    "道路",
    "桥梁",
    "隧道",
    "绿化",
    "测量",
    "放线",
    "试验",
    "取样",
    "养护",
    "浇筑",
    "振捣",
    "焊接",
    "吊装",
    "运输",
    "仓储",
    "采购",
    "分包",
    "劳务",
    "班组",
    "岗位",
    "职责",
    "制度",
    "流程",
    "记录",
    "检查",
    "整改",
    "复查",
    "评定",
    "资料",
    "归档",
    "图纸",
    "会审",
    "变更",
    "签证",
    "结算",
    "支付",
    "审计",
    "廉政",
    "信用",
    "承诺",
    "服务",
    "维修",
    "保修",
    "回访",
    "节能",
    "降耗",
    "减排",
    "扬尘",
    "噪声",
    "夜间",
    "雨季",
    "冬季",
    "高温",
    "台风",
]
MARKS = "，，，。；、"
CORRECT = "本项目施工组织设计方案编制依据充分"  # the tender and honest bidders spell 设计 right
TYPO = "本项目施工组织设汁方案编制依据充分"  # 设汁: the shared misspelling planted in colluders
LINE_CHARS = 42
LINES_PER_PAGE = 38


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(4, 9))]
    return "".join(w + (rng.choice(MARKS) if rng.random() < 0.15 else "") for w in words) + "。"


def page_text(rng: random.Random, chars: int) -> str:
    out = ""
    while len(out) < chars:
        out += sentence(rng)
    return out[:chars]


@dataclass(frozen=True)
class Meta:
    author: str
    creator: str
    producer: str
    when: datetime


@dataclass
class Bid:
    bidder_id: str
    pages: list[str]
    meta: Meta
    package: BidPackageInfo
    price: Decimal
    doc_id: str = ""
    pdf: bytes = b""
    extra: dict[str, object] = field(default_factory=dict)


def render(pages: list[str], meta: Meta) -> bytes:
    font = register_fonts()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setAuthor(meta.author)
    c.setCreator(meta.creator)
    c.setProducer(meta.producer)
    stamp = meta.when.strftime("D:%Y%m%d%H%M%S+08'00'")
    c._doc.info._dateFormatter = lambda *_: stamp  # reportlab has no public setter for the dates
    for text in pages:
        c.setFont(font, 11)
        y = A4[1] - 60
        for start in range(0, len(text), LINE_CHARS):
            c.drawString(50, y, text[start : start + LINE_CHARS])
            y -= 19
        c.showPage()
    c.save()
    return buffer.getvalue()


def clean_set(
    bidders: int, pages: int, seed: int, chars: int = 600, with_pdf: bool = True
) -> list[Bid]:
    """Independent bidders: own vocabulary draws, tools, authors, machines; times hours apart."""
    rng = random.Random(seed)
    tools = [
        ("Microsoft Word 2016", "Microsoft: Print To PDF"),
        ("WPS 文字", "WPS Office"),
        ("Adobe InDesign 18.0", "Adobe PDF Library 17.0"),
        ("LibreOffice Writer", "LibreOffice 7.6"),
        ("Foxit PhantomPDF", "Foxit PDF Creator"),
        ("新点投标文件制作工具", "iText 5.5.13"),
    ]
    base = datetime(2025, 3, 1, 8, 0)
    bids = []
    ladder = sorted(rng.sample(range(0, 2000), bidders))
    for i in range(bidders):
        brng = random.Random(seed * 1000 + i)
        texts = [page_text(brng, chars) for _ in range(pages)]
        if pages >= 2:  # honest bidders write the usual spelling too
            texts[1] = CORRECT + texts[1][len(CORRECT) :]
        creator, producer = (
            tools[i % len(tools)] if i < len(tools) else (f"Tool {i}", f"Producer {i}")
        )
        meta = Meta(
            f"编制人{i:02d}",
            creator,
            producer,
            base + timedelta(hours=5 * i, minutes=brng.randint(0, 59)),
        )
        machine = MachineCodes(
            mac=f"3C-52-82-{i:02X}-{brng.randint(0, 255):02X}-{brng.randint(0, 255):02X}",
            disk_serial=f"WD-WCC{i:03d}{brng.randint(10000, 99999)}",
            cpu_id=f"BFEBFBFF{i:08X}",
        )
        bill = tuple(
            BillItem(
                f"0101010010{k:02d}",
                f"清单项目{k}",
                "m3",
                Decimal(100 + k),
                Decimal(brng.randint(5000, 90000)) / 100,
            )
            for k in range(30)
        )
        # clean prices: spread over 20 %, irregular steps (one chance in 2000 per triple of an
        # even ladder)
        price = (
            Decimal(30_000_000) + Decimal(ladder[i]) * Decimal(3000) + Decimal(brng.randint(0, 99))
        )
        package = BidPackageInfo(
            f"B{i + 1}", machine, f"116.{i}.{brng.randint(1, 254)}.{brng.randint(1, 254)}", bill
        )
        bids.append(Bid(f"B{i + 1}", texts, meta, package, price, doc_id=f"B{i + 1}-tech"))
    if with_pdf:
        for bid in bids:
            bid.pdf = render(bid.pages, bid.meta)
    return bids


def tender_pdf(seed: int) -> bytes:
    rng = random.Random(seed)
    return render(
        [CORRECT + page_text(rng, 500)],
        Meta("招标代理", "Word", "Word", datetime(2025, 1, 5, 9, 0)),
    )


SHARED_SEED = 424242


def planted_set(seed: int, pages: int = 4) -> tuple[list[Bid], dict[str, object]]:
    """Six bidders with every kind of collusion planted; returns the bids and what was planted."""
    bids = clean_set(6, pages, seed, with_pdf=False)
    by = {b.bidder_id: b for b in bids}
    shared = page_text(random.Random(SHARED_SEED), 160)
    # B2 page 2 and B4 page 3 carry the same passage, B4's with two characters changed
    edited = shared[:50] + "甲" + shared[51:110] + "乙" + shared[111:]
    by["B2"].pages[1] = by["B2"].pages[1][:200] + shared + by["B2"].pages[1][200:]
    by["B4"].pages[2] = by["B4"].pages[2][:120] + edited + by["B4"].pages[2][120:]
    # B3 and B5: same author and tool, documents made three minutes apart
    m3 = by["B3"].meta
    by["B5"].meta = Meta(m3.author, m3.creator, m3.producer, m3.when + timedelta(minutes=3))
    # B3 and B6: the same misspelling where the others and the tender write 设计
    for bidder in ("B3", "B6"):
        text = by[bidder].pages[1]
        by[bidder].pages[1] = TYPO + text[len(TYPO) :]
    # machine codes and upload address
    p = {b.bidder_id: b.package for b in bids}
    p["B6"] = BidPackageInfo(
        "B6",
        MachineCodes(p["B1"].machine.mac, p["B6"].machine.disk_serial, p["B6"].machine.cpu_id),
        p["B6"].upload_ip,
        p["B6"].bill_of_quantities,
    )
    p["B3"] = BidPackageInfo(
        "B3",
        MachineCodes(p["B3"].machine.mac, p["B2"].machine.disk_serial, p["B3"].machine.cpu_id),
        p["B3"].upload_ip,
        p["B3"].bill_of_quantities,
    )
    p["B5"] = BidPackageInfo("B5", p["B5"].machine, p["B4"].upload_ip, p["B5"].bill_of_quantities)
    # B5 copies 20 of B2's 30 unit prices
    copied = tuple(
        BillItem(
            i.code,
            i.description,
            i.unit,
            i.quantity,
            p["B2"].bill_of_quantities[k].unit_price if k < 20 else i.unit_price,
        )
        for k, i in enumerate(p["B5"].bill_of_quantities)
    )
    p["B5"] = BidPackageInfo("B5", p["B5"].machine, p["B5"].upload_ip, copied)
    for bid in bids:
        bid.package = p[bid.bidder_id]
    # B1, B3, B6 in arithmetic progression, the others far and irregular
    prices = {
        "B1": "31000000",
        "B3": "31500000",
        "B6": "32000000",
        "B2": "34123456.78",
        "B4": "36871234.50",
        "B5": "39012345.67",
    }
    for bid in bids:
        bid.price = Decimal(prices[bid.bidder_id])
        bid.pdf = render(bid.pages, bid.meta)
    planted = {
        "passage": (("B2", 2), ("B4", 3)),
        "metadata": ("B3", "B5"),
        "error": ("B3", "B6"),
        "mac": ("B1", "B6"),
        "disk_serial": ("B2", "B3"),
        "upload_ip": ("B4", "B5"),
        "unit_prices": ("B2", "B5"),
        "progression": ("B1", "B3", "B6"),
    }
    return bids, planted
