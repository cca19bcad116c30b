"""Plain-text rendering of a plan and of a lot's evaluation, for the terminal (中文 first)."""

from __future__ import annotations

from decimal import Decimal

from evaluator_app.core.evaluation import LotEvaluation
from evaluator_app.core.plan import GateItem, Lot, PriceItem, Project, ScoredItem
from evaluator_app.core.price import split_by_ceiling
from evaluator_app.core.scores_file import CommitteeInput


def _d(value: Decimal) -> str:
    return format(value, "f")


def describe_project(project: Project) -> list[str]:
    lines = [f"项目 Project {project.id}: {project.name}"]
    for lot in project.lots:
        lines += describe_lot(lot)
    return lines


def describe_lot(lot: Lot) -> list[str]:
    plan = lot.plan
    ceiling = _d(lot.ceiling_price) if lot.ceiling_price is not None else "无 none"
    lines = [
        f"  标段 Lot {lot.id}: {lot.name}",
        (
            f"    评标办法 Plan {plan.id}: {plan.name}, 总分 total {_d(plan.total_points)}; "
            f"最高限价 ceiling {ceiling}"
        ),
    ]
    for group in plan.groups:
        lines.append(f"    [{group.category.value}] {group.name} ({_d(group.points)})")
        for item in group.items:
            lines.append(f"      - {item.id} {item.name}: {_item_rule(item)}")
    _valid, over = split_by_ceiling(lot)
    lines.append(f"    投标人 Bidders ({len(lot.bidders)}):")
    for bidder in lot.bidders:
        mark = "  超过最高限价 above ceiling" if bidder.id in over else ""
        lines.append(f"      {bidder.id} {bidder.name}  {_d(bidder.price)} 元{mark}")
    return lines


def _item_rule(item: GateItem | ScoredItem | PriceItem) -> str:
    if isinstance(item, GateItem):
        return "合格/不合格 pass/fail"
    if isinstance(item, PriceItem):
        return f"价格分 price, full {_d(item.max)}, {item.formula.type}"
    if item.bands:
        bands = ", ".join(f"{b.grade} {_d(b.min)}–{_d(b.max)}" for b in item.bands)
        return f"{bands}; step {_d(item.step)}"
    return f"{_d(item.min)}–{_d(item.max)}, step {_d(item.step)}"


def describe_evaluation(lot: Lot, committee: CommitteeInput, result: LotEvaluation) -> list[str]:
    names = {b.id: b.name for b in lot.bidders}
    return [
        (
            f"评标结果 Evaluation of lot {lot.id} by {len(committee.experts)} "
            f"experts: {', '.join(committee.experts)}"
        ),
        *_gates(result, names),
        *_prices(result),
        *_totals(result),
        *_ranking(result, names),
        *_deviations(committee, result),
    ]


def _gates(result: LotEvaluation, names: dict[str, str]) -> list[str]:
    lines = ["  初步评审 Preliminary review:"]
    for outcome in result.gates.outcomes:
        verdict = "否决 rejected" if outcome.rejected else "通过 passed"
        lines.append(f"    {outcome.bidder_id} {names[outcome.bidder_id]}: {verdict}")
        if outcome.over_ceiling:
            lines.append(f"      {outcome.over_ceiling.reason_zh}")
        for failure in outcome.failures:
            lines.append(
                f"      {failure.item_id}: {failure.fail_votes} 票不合格 "
                f"fail, {failure.pass_votes} 票合格 pass"
            )
            lines += [f"        {expert}: {reason}" for expert, reason in failure.reasons]
        for failure in outcome.minority_fails:
            lines.append(
                f"      {failure.item_id}: 少数不合格意见，不构成否决 minority fail, not a "
                f"rejection ({failure.fail_votes}:{failure.pass_votes})"
            )
            lines += [f"        {expert}: {reason}" for expert, reason in failure.reasons]
    return lines


def _prices(result: LotEvaluation) -> list[str]:
    lines = []
    for price in result.price_results:
        dropped = (
            f", 去掉 dropped {', '.join(price.dropped_bidder_ids)}"
            if price.dropped_bidder_ids
            else ""
        )
        lines.append(
            f"  价格分 Price scores ({price.formula}), 评标基准价 "
            f"benchmark {_d(price.benchmark)}{dropped}:"
        )
        for entry in price.scores:
            deviation = (
                f", 偏差 deviation {entry.deviation_percent:.4f}%"
                if entry.deviation_percent is not None
                else ""
            )
            lines.append(
                f"    {entry.bidder_id}: {_d(entry.price)} 元 → {_d(entry.score)}{deviation}"
            )
    return lines


def _totals(result: LotEvaluation) -> list[str]:
    agg = result.aggregate
    rule = "去掉一个最高分和一个最低分 trimmed mean" if agg.trimmed else "算术平均 mean"
    lines = [f"  汇总 Totals ({rule}):"]
    for bidder in agg.bidders:
        totals = ", ".join(f"{t.expert_id} {_d(t.total)}" for t in bidder.totals)
        lines.append(f"    {bidder.bidder_id}: {totals} → {_d(bidder.final)}")
    return lines


def _ranking(result: LotEvaluation, names: dict[str, str]) -> list[str]:
    lines = ["  排名 Ranking:"]
    for ranked in result.ranking.entries:
        by = f" (tie-break: {ranked.decided_by.value})" if ranked.decided_by else ""
        lines.append(
            f"    {ranked.position}. {ranked.bidder_id} {names[ranked.bidder_id]}"
            f"  {_d(ranked.final)}{by}"
        )
    for group in result.ranking.unresolved_ties:
        lines.append(
            f"    并列，须由评标委员会决定 tie for the committee to decide: {', '.join(group)}"
        )
    lines.append(
        f"  中标候选人 Recommended candidates: {', '.join(result.ranking.candidates) or '无 none'}"
    )
    return lines


def _deviations(committee: CommitteeInput, result: LotEvaluation) -> list[str]:
    if not result.deviations:
        return []
    lines = ["  评分畸高畸低 Deviation flags:"]
    for flag in result.deviations:
        explained = committee.explanations_of(flag.expert_id).get(
            (flag.bidder_id, flag.item_id), ""
        )
        note = f"说明 explained: {explained}" if explained.strip() else "未说明 NOT EXPLAINED"
        lines.append(
            f"    {flag.expert_id} {flag.bidder_id}/{flag.item_id}: {_d(flag.score)} vs "
            f"others' mean {_d(flag.others_mean)} (limit ±{_d(flag.limit)}); {note}"
        )
    return lines


def describe_example(project: Project, scores_json: bytes) -> list[str]:
    """The example's gate votes, scores and explanations as a person types them in the demo:
    by expert, bidder and item, with names (``--out`` writes the files themselves)."""
    import json

    raw = json.loads(scores_json)
    lot = project.lot(raw["lot"])
    items = {item.id: item.name for _group, item in lot.plan.items()}

    def bidder(bidder_id: str) -> str:
        return f"{bidder_id} {lot.bidder(bidder_id).name}"

    lines = [
        f"示例 Example: {project.name} · {lot.name}",
        "",
        "初步评审 Preliminary review — 以下之外全部通过 every item passes except:",
    ]
    for fail in raw["gate_votes"].get("fails", []):
        lines.append(
            f"  {fail['expert']} · {bidder(fail['bidder'])} · {items[fail['item']]}："
            f"不通过 fail — {fail['reason']}"
        )
    lines += ["", "详细评审 Detailed scoring — 每位专家在评分表中录入 each expert types:"]
    for expert, sheet in raw["sheets"].items():
        lines.append(f"  专家 Expert {expert}")
        for bidder_id, scores in sheet.items():
            typed = " · ".join(f"{items[i]} {v}" for i, v in scores.items())
            lines.append(f"    {bidder(bidder_id)}：{typed}")
    explanations = raw.get("explanations", {})
    if explanations:
        lines += ["", "偏差说明 Written explanations of deviating scores:"]
        for expert, texts in explanations.items():
            for key, text in texts.items():
                bidder_id, item_id = key.split("/", 1)
                lines.append(f"  {expert} · {bidder(bidder_id)} · {items[item_id]}：{text}")
    lines += [
        "",
        "--out DIR 写出 project.json 与 scores.json writes the two files; "
        "--json project|scores 原样输出 prints one as it is.",
    ]
    return lines
