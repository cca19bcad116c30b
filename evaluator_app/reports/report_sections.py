"""The body sections of the evaluation report, each from the published summary (``summary_json``).

Numbers arrive as decimal text in the summary and are read with ``Decimal``; nothing here
recomputes a result: the report shows what ``core`` decided, with every reason behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from evaluator_app.core.plan import BenchmarkPrice, Bidder, Lot, LowPriceFirst, PriceItem
from evaluator_app.reports.sheet_tables import GRID_BIDDERS
from evaluator_app.reports.styles import dec, money, para, styles
from evaluator_app.reports.tables import grid

Names = Callable[[str], str]  # person id → "王建国（E1）"

TIE_BREAKS = {"lower_price": "报价较低者优先", "higher_technical": "技术得分较高者优先"}


def item_name(lot: Lot, item_id: str) -> str:
    try:
        return lot.plan.item(item_id).name
    except KeyError:
        return item_id


def bidder_label(lot: Lot, bidder_id: str) -> str:
    try:
        return f"{lot.bidder(bidder_id).name}（{bidder_id}）"
    except KeyError:
        return bidder_id


def _gate_cell(outcome: Mapping[str, Any], item_id: str) -> str:
    for failure in outcome["failures"]:
        if failure["item_id"] == item_id:
            return f"不合格（{failure['fail_votes']}:{failure['pass_votes']}）"
    for failure in outcome.get("minority_fails", []):
        if failure["item_id"] == item_id:
            return f"合格（{failure['pass_votes']}:{failure['fail_votes']}）"
    if outcome.get("over_ceiling"):
        return "—"
    return "合格"


def gate_section(
    lot: Lot, summary: Mapping[str, Any], names: Names, width: float
) -> list[Flowable]:
    """Gate items × bidders, then every fail reason, majority or not."""
    s = styles()
    outcomes = {o["bidder_id"]: o for o in summary["gates"]["outcomes"]}
    bidders = [b for b in lot.bidders if b.id in outcomes]
    out: list[Flowable] = [
        para(
            "初步评审为合格性审查，由评标委员会成员逐项表决，过半数认为不合格的，该投标被否决。"
            "表中括号内为票数（不合格:合格 或 合格:不合格）。超过最高限价的投标直接否决，"
            "不再表决（以“—”表示）。",
            s.lead,
        )
    ]
    for start in range(0, len(bidders), GRID_BIDDERS):
        chunk = bidders[start : start + GRID_BIDDERS]
        col = 25 * mm
        rows: list[list[object]] = [
            [item.name, *[para(_gate_cell(outcomes[b.id], item.id), s.cell_center) for b in chunk]]
            for item in lot.plan.gate_items
        ]
        rows.append(
            [
                "结论",
                *[
                    para("否决" if outcomes[b.id]["rejected"] else "通过", s.cell_center)
                    for b in chunk
                ],
            ]
        )
        header = ["评审项", *[f"{b.name}（{b.id}）" for b in chunk]]
        out += [
            grid(header, rows, [width - col * len(chunk)] + [col] * len(chunk), total_rows=1),
            Spacer(1, 3 * mm),
        ]
    reasons: list[list[object]] = []
    for bidder in bidders:
        outcome = outcomes[bidder.id]
        for failure in outcome["failures"]:
            reasons.append(
                [
                    bidder_label(lot, bidder.id),
                    item_name(lot, failure["item_id"]),
                    "过半数不合格",
                    _reasons(failure, names),
                ]
            )
        for failure in outcome.get("minority_fails", []):
            reasons.append(
                [
                    bidder_label(lot, bidder.id),
                    item_name(lot, failure["item_id"]),
                    "少数意见，未过半数",
                    _reasons(failure, names),
                ]
            )
        if outcome.get("over_ceiling"):
            reasons.append(
                [
                    bidder_label(lot, bidder.id),
                    "最高限价",
                    "超过最高限价",
                    ceiling_reason(outcome["over_ceiling"]),
                ]
            )
    if reasons:
        out += [
            CondPageBreak(40 * mm),
            para("不合格意见及理由：", s.h2),
            grid(
                ["投标人", "评审项", "结果", "专家及理由"],
                reasons,
                [44 * mm, 32 * mm, 26 * mm, width - 102 * mm],
            ),
        ]
    else:
        out.append(para("所有投标人均通过初步评审，无不合格意见。", s.body))
    return out


def _reasons(failure: Mapping[str, Any], names: Names) -> str:
    return "\n".join(f"{names(expert)}：{reason}" for expert, reason in failure["reasons"])


def ceiling_reason(over: Mapping[str, Any]) -> str:
    return f"投标报价 {money(over['price'])} 元超过最高限价 {money(over['ceiling'])} 元"


def _formula_text(item: PriceItem) -> str:
    formula = item.formula
    if isinstance(formula, BenchmarkPrice):
        text = (
            f"评标基准价 = 有效投标报价的算术平均值 ×（1 − K），K = {dec(formula.k)}；"
            f"投标报价每高于基准价 1% 扣 {dec(formula.e_above)} 分，每低于基准价 1% "
            f"扣 {dec(formula.e_below)} 分，满分 {dec(item.max)} 分，扣完为止"
        )
        if formula.trim_min_bids:
            text += (
                f"；有效投标不少于 {formula.trim_min_bids} 家时，去掉一个最高报价和一个最低报价后"
                "平均"
            )
        return text + "。"
    if isinstance(formula, LowPriceFirst):
        return f"评标基准价 = 最低有效投标报价；价格分 = 评标基准价 ÷ 投标报价 × {dec(item.max)}。"
    return ""


def price_section(lot: Lot, summary: Mapping[str, Any], width: float) -> list[Flowable]:
    s = styles()
    results = summary.get("price_results") or []
    if not results:
        return [para("没有有效投标，不计算价格分。", s.body)]
    out: list[Flowable] = []
    for result in results:
        item = lot.plan.item(result["item_id"])
        out += [CondPageBreak(50 * mm), para(f"{item.name}（满分 {dec(item.max)} 分）", s.h2)]
        if isinstance(item, PriceItem):
            out.append(para(_formula_text(item), s.lead))
        out.append(para(f"评标基准价：{money(result['benchmark'])} 元", s.lead))
        if result.get("dropped_bidder_ids"):
            dropped = "、".join(bidder_label(lot, b) for b in result["dropped_bidder_ids"])
            out.append(para(f"计算基准价时去掉的最高、最低报价：{dropped}", s.lead))
        rows = [
            [
                bidder_label(lot, score["bidder_id"]),
                para(money(score["price"]), s.cell_right),
                para(
                    "—"
                    if score.get("deviation_percent") is None
                    else dec(score["deviation_percent"], 2) + "%",
                    s.cell_right,
                ),
                para(dec(score["score"]), s.cell_center),
            ]
            for score in result["scores"]
        ]
        out.append(
            grid(
                ["投标人", "投标报价（元）", "偏差率", "价格分"],
                rows,
                [width - 100 * mm, 42 * mm, 30 * mm, 28 * mm],
            )
        )
    return out


def expert_totals_section(
    lot: Lot, summary: Mapping[str, Any], names: Names, width: float
) -> list[Flowable]:
    """Each expert's total for each valid bidder: detailed score + price score."""
    s = styles()
    aggregate = summary["aggregate"]
    experts: Sequence[str] = aggregate["experts"]
    if not aggregate["bidders"]:
        return [para("没有有效投标，无评分汇总。", s.body)]
    per = 5
    out: list[Flowable] = []
    for start in range(0, len(experts), per):
        chunk = experts[start : start + per]
        col = 24 * mm
        rows = []
        for bidder in aggregate["bidders"]:
            totals = {t["expert_id"]: t for t in bidder["totals"]}
            dropped = set(bidder["overall"]["dropped_expert_ids"])
            cells = [
                para(
                    f"{dec(totals[e]['total'])}{'*' if e in dropped else ''}\n"
                    f"（{dec(totals[e]['scored'])} + {dec(totals[e]['price'])}）",
                    s.cell_center,
                )
                if e in totals
                else "—"
                for e in chunk
            ]
            rows.append([bidder_label(lot, bidder["bidder_id"]), *cells])
        header = ["投标人", *[names(e) for e in chunk]]
        out += [
            grid(header, rows, [width - col * len(chunk)] + [col] * len(chunk)),
            Spacer(1, 2 * mm),
        ]
    note = "单元格为该专家给出的总分（详细评审得分 + 价格分）。"
    if aggregate.get("trimmed"):
        note += "按招标文件规定去掉一个最高分和一个最低分后取平均，被去掉的分数标有 *。"
    out.append(para(note, s.note))
    return out


def final_section(lot: Lot, summary: Mapping[str, Any], width: float) -> list[Flowable]:
    s = styles()
    ranking = summary["ranking"]
    if not ranking["entries"]:
        return [para("所有投标均被否决，本标段无有效投标，无排名。", s.body)]
    aggregate = {b["bidder_id"]: b for b in summary["aggregate"]["bidders"]}
    tied = {b for group in ranking["unresolved_ties"] for b in group}
    rows = []
    for entry in ranking["entries"]:
        bidder_id = entry["bidder_id"]
        note = TIE_BREAKS.get(entry["decided_by"] or "", "")
        if bidder_id in tied:
            note = "得分并列，规则无法区分"
        mean = aggregate[bidder_id]["overall"]["mean"] if bidder_id in aggregate else None
        rows.append(
            [
                para(str(entry["position"]), s.cell_center),
                bidder_label(lot, bidder_id),
                para(dec(entry["final"]), s.cell_center),
                para(dec(mean) if mean is not None else "—", s.cell_center),
                para(dec(entry["technical"]), s.cell_center),
                para(money(entry["price"]), s.cell_right),
                note,
            ]
        )
    widths = [12 * mm, 0.0, 20 * mm, 22 * mm, 18 * mm, 32 * mm, 26 * mm]
    widths[1] = width - sum(widths)
    rule = lot.plan.aggregation
    tie_breaks = lot.plan.ranking.tie_breaks
    return [
        grid(
            [
                "排名",
                "投标人",
                "最终得分",
                "平均分（未修约）",
                "技术得分",
                "投标报价（元）",
                "说明",
            ],
            rows,
            widths,
        ),
        para(
            f"最终得分保留 {rule.decimals} 位小数（{_rounding_zh(rule.rounding.value)}）；"
            f"得分相同时依次按：{'、'.join(TIE_BREAKS.get(t.value, t.value) for t in tie_breaks)}"
            "。",
            s.note,
        ),
    ]


def _rounding_zh(mode: str) -> str:
    return {"half_up": "四舍五入", "half_even": "四舍六入五成双", "down": "舍去"}.get(mode, mode)


def candidates_section(lot: Lot, summary: Mapping[str, Any]) -> list[Flowable]:
    s = styles()
    ranking = summary["ranking"]
    finals = {e["bidder_id"]: e["final"] for e in ranking["entries"]}
    out: list[Flowable] = []
    if not ranking["entries"]:
        return [para("所有投标均被否决，评标委员会不推荐中标候选人。", s.body)]
    ordinal = "一二三四五六七八九十"
    for n, bidder_id in enumerate(ranking["candidates"]):
        label = f"第{ordinal[n]}" if n < len(ordinal) else f"第 {n + 1} "
        out.append(
            para(
                f"{label}中标候选人：{bidder_label(lot, bidder_id)}，"
                f"最终得分 {dec(finals[bidder_id])} 分。",
                s.cell_bold,
            )
        )
    for group in ranking["unresolved_ties"]:
        out.append(
            para(
                f"并列未决：{'、'.join(bidder_label(lot, b) for b in group)} 最终得分相同，"
                "且招标文件规定的排序规则不能区分，名次并列。",
                s.body,
            )
        )
    if ranking["cutoff_tie"]:
        out.append(
            para(
                f"推荐名额处并列：{'、'.join(bidder_label(lot, b) for b in ranking['cutoff_tie'])} "
                "并列且跨越推荐名额，"
                "本报告不在其中推荐，须由评标委员会或招标人按招标文件及有关规定另行确定。",
                s.body,
            )
        )
    if not ranking["candidates"] and not ranking["cutoff_tie"]:
        out.append(para("无中标候选人。", s.body))
    return out


def deviation_section(
    lot: Lot, summary: Mapping[str, Any], names: Names, width: float
) -> list[Flowable]:
    s = styles()
    flags = summary.get("deviations") or []
    if not flags:
        return [para("无评分畸高、畸低情况。", s.body)]
    rows: list[list[object]] = []
    spans: list[tuple[object, ...]] = []
    for flag in flags:
        difference = Decimal(flag["difference"])
        kind = "畸高" if difference > 0 else "畸低"
        rows.append(
            [
                names(flag["expert_id"]),
                bidder_label(lot, flag["bidder_id"]),
                item_name(lot, flag["item_id"]),
                para(f"{dec(flag['score'])} / {dec(flag['others_mean'], 2)}", s.cell_center),
                para(f"{kind} {dec(difference, 2)}（允许 ±{dec(flag['limit'])}）", s.cell_center),
            ]
        )
        # the explanation on a full-width row of its own, so a long text stays readable
        rows.append([f"专家说明：{flag.get('explanation') or '（未说明）'}", "", "", "", ""])
        spans.append(("SPAN", (0, len(rows)), (-1, len(rows))))
    widths = [28 * mm, 52 * mm, 32 * mm, 24 * mm]
    widths.append(width - sum(widths))
    return [
        para(
            "某专家对某投标人某评审项的评分与其他专家平均分之差超过该项满分的规定比例的，标记为畸高或畸低，并由该专家书面说明。",
            s.lead,
        ),
        grid(["专家", "投标人", "评审项", "评分 / 他人均分", "偏差"], rows, widths, extra=spans),
    ]


def rejected_section(
    lot: Lot, summary: Mapping[str, Any], names: Names, width: float
) -> list[Flowable]:
    s = styles()
    rows = []
    for outcome in summary["gates"]["outcomes"]:
        if not outcome["rejected"]:
            continue
        why = [
            f"初步评审“{item_name(lot, f['item_id'])}”不合格（{f['fail_votes']} "
            f"票不合格、{f['pass_votes']} 票合格）："
            + "；".join(f"{names(e)}：{r}" for e, r in f["reasons"])
            for f in outcome["failures"]
        ]
        if outcome.get("over_ceiling"):
            why.append(ceiling_reason(outcome["over_ceiling"]))
        rows.append([bidder_label(lot, outcome["bidder_id"]), "\n".join(why)])
    if not rows:
        return [para("无否决投标。", s.body)]
    return [grid(["投标人", "否决理由"], rows, [52 * mm, width - 52 * mm])]


def bidders_of(lot: Lot, ids: Sequence[str]) -> list[Bidder]:
    wanted = set(ids)
    return [b for b in lot.bidders if b.id in wanted]
