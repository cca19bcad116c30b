"""The report's section on collusion and fraud warnings (围标串标预警) and the committee's
decisions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from evaluator_app.core.beijing import beijing_time
from evaluator_app.reports.styles import para, styles
from evaluator_app.reports.tables import grid

KIND_ZH = {
    "document_metadata": "文件属性雷同（作者、制作工具、时间）",
    "machine_code": "编制投标文件的机器码相同",
    "upload_address": "上传投标文件的网络地址相同",
    "shared_passage": "不同投标文件内容雷同",
    "shared_error": "不同投标文件出现相同的错误",
    "identical_prices": "报价相同",
    "price_progression": "报价呈等差数列",
    "price_cluster": "报价异常接近",
    "price_near_ceiling": "报价集中贴近最高限价",
    "identical_unit_prices": "工程量清单单价雷同",
}
STRENGTH_ZH = {"weak": "弱", "moderate": "中", "strong": "强"}
DECISION_ZH = {"confirmed": "确认存在问题", "dismissed": "排除", "noted": "记录备查"}
# what an observed value is, where its bare value would not say (a PDF's own properties)
VALUE_ZH = {
    "author": "作者",
    "creator": "制作工具",
    "producer": "PDF 生成工具",
    "created": "创建时间",
    "modified": "修改时间",
    "upload_ip": "上传地址",
}
TIMES = frozenset({"created", "modified"})


def evidence(warning: Mapping[str, Any], most: int = 3, quote: int = 0) -> str:
    """A warning's evidence as people read it, in the report and on the screens alike: a bid by
    its bidder and page (not the document's id), a time in Beijing time (not ISO 8601);
    ``quote``: the first characters of each shared passage."""

    def where(side: Mapping[str, Any]) -> str:
        bidder = side.get("bidder_id")
        return f"{bidder} 投标文件第 {side['page']} 页" if bidder else f"第 {side['page']} 页"

    passages = "；".join(
        f"{where(p['a'])} 与 {where(p['b'])}" + (f"：{p['a']['text'][:quote]}…" if quote else "")
        for p in warning.get("passages", [])[:most]
    )
    if passages:
        return passages
    by_bidder: dict[str, list[str]] = {}  # "B3：作者 编制人02，制作工具 …；B5：…"
    for v in warning.get("values", [])[:8]:  # both bidders' four PDF properties
        name = v.get("name", "")
        shown = beijing_time(v["value"]) if name in TIMES else v["value"]
        label = VALUE_ZH.get(name)
        by_bidder.setdefault(v["bidder_id"], []).append(f"{label} {shown}" if label else shown)
    return "；".join(
        f"{bidder}：{'，'.join(parts)}" if bidder else "，".join(parts)
        for bidder, parts in by_bidder.items()
    )


def warnings_section(warnings: Sequence[Mapping[str, Any]], width: float) -> list[Flowable]:
    s = styles()
    if not warnings:
        return [para("系统未发现围标串标预警线索。", s.body)]
    rows = []
    for n, warning in enumerate(warnings, start=1):
        decision = warning.get("decision")
        decided = (
            f"{DECISION_ZH.get(decision['decision'], decision['decision'])}：{decision['reasons']}"
            if decision
            else "未处理"
        )
        rows.append(
            [
                str(n),
                KIND_ZH.get(warning["kind"], warning["kind"]),
                "、".join(warning["bidders"]),
                STRENGTH_ZH.get(warning["strength"], warning["strength"]),
                evidence(warning),
                decided,
            ]
        )
    widths = [8 * mm, 34 * mm, 22 * mm, 10 * mm, 0.0, 40 * mm]
    widths[4] = width - sum(widths)
    intro = para(
        "以下线索由系统自动发现，仅供评标委员会判断；是否构成围标串标由评标委员会认定，处理意见由组长签名记录。",
        s.body,
    )
    return [intro, grid(["序号", "类型", "投标人", "强度", "证据", "委员会处理意见"], rows, widths)]
