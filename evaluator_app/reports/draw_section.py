"""The report's 专家抽取记录: how the committee was drawn, and who replaced whom."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.platypus import Flowable

from evaluator_app.core.draw.model import CAUSE_LABELS, RULE_LABELS, Cause, Rule
from evaluator_app.reports.styles import para, styles
from evaluator_app.reports.tables import grid


def _rules(rules: Mapping[str, Any]) -> str:
    parts = ["招标人及投标人单位人员回避", "申报利害关系回避"]
    if rules.get("recent_days"):
        parts.append(f"近 {rules['recent_days']} 日内已被抽取者回避")
    if rules.get("one_per_employer"):
        parts.append("同一单位至多一人")
    if rules.get("related_experts"):
        parts.append("申报有关系的专家不同时抽取")
    if rules.get("min_other_city"):
        parts.append(f"招标人所在市以外的专家不少于 {rules['min_other_city']} 人")
    return "；".join(parts)


def draw_section(summary: Mapping[str, Any] | None, width: float) -> list[Flowable]:
    s = styles()
    if not summary:
        return [para("本项目评标委员会名单由交易中心录入，未使用专家抽取。", s.body)]
    names: Mapping[str, str] = summary.get("names", {})
    venues: Mapping[str, str] = summary.get("venue_names", {})  # 济南, not jinan
    out: list[Flowable] = []
    for draw in summary["draws"]:
        title = f"抽取 {draw['draw_id']}（{draw['draw_date']}）"
        if draw["supplement"]:
            title += f"：补充抽取，替补 {names.get(draw['supplement'], draw['supplement'])}"
        out.append(para(title, s.h2))
        out.append(
            para(
                f"专家库快照 {draw['pool_count']} 人，SHA-256 {draw['pool_sha256']}；"
                f"承诺与揭示：{'、'.join(draw['parties'])}；"
                f"随机种子 {draw['seed']}（由各方承诺值揭示后合成，任何人可复算）。",
                s.note,
            )
        )
        out.append(para(f"回避规则：{_rules(draw['rules'])}。", s.body))
        excluded = "；".join(
            f"{RULE_LABELS[Rule(rule)][0]} {count} 人" for rule, count in draw["excluded"].items()
        )
        skipped = draw["passed_over"]
        out.append(para(f"按规则排除：{excluded or '无'}；抽取中依规则跳过 {skipped} 人。", s.body))
        seats = {
            x["id"]: f"{venues.get(x['venue'], x['venue'])} {x['seat']}" for x in draw["seats"]
        }
        rows = []
        for need in draw["needs"]:
            drawn = "、".join(
                f"{names.get(i, i)}（{seats.get(i, '')}）" for i in need["principals"]
            )
            reserves = "、".join(names.get(i, i) for i in need["reserves"]) or "无"
            rows.append(
                [
                    need["specialty"],
                    f"{len(need['principals'])}/{need['wanted']}",
                    str(need["candidates"]),
                    drawn,
                    f"{reserves}（需 {need['wanted_reserves']}）",
                ]
            )
        header = ["评标专业", "抽中/需要", "符合条件", "抽中专家（场地 席位）", "备选"]
        out.append(grid(header, rows, [width * f for f in (0.14, 0.1, 0.1, 0.4, 0.26)]))
    if summary["replacements"]:
        rows = []
        for r in summary["replacements"]:
            cause = CAUSE_LABELS[Cause(r["cause"])][0]
            by = f"补充抽取 {r['supplementary_draw']}" if r["supplementary_draw"] else "备选专家"
            who = names.get(r["replacement"], r["replacement"]) or "无人可替补"
            leaving = names.get(r["leaving"], r["leaving"])
            seat = f"{venues.get(r['venue'], r['venue'])} {r['seat']}".strip()
            rows.append(
                [str(r["sequence"]), leaving, f"{cause}：{r['reason']}", f"{who}（{by}，{seat}）"]
            )
        out.append(para("替补记录", s.h2))
        widths = [width * f for f in (0.08, 0.2, 0.36, 0.36)]
        out.append(grid(["序号", "离开的专家", "原因", "替补专家"], rows, widths))
    out.append(para("本记录可由 evaluator draw verify 对评标存档离线复算核验。", s.note))
    return out
