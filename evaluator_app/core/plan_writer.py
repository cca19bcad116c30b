"""Writing the plan part of a project file: the inverse of :mod:`core.plan_reader`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from evaluator_app.core.collusion_rule import dump_collusion
from evaluator_app.core.plan import BenchmarkPrice, Item, Plan, PriceItem, ScoredItem


def _d(value: Decimal) -> str:
    return format(value, "f")


def dump_item(item: Item) -> dict[str, Any]:
    base: dict[str, Any] = {"id": item.id, "kind": item.kind.value, "name": item.name}
    if item.description:
        base["description"] = item.description
    if isinstance(item, ScoredItem):
        base.update(min=_d(item.min), max=_d(item.max), step=_d(item.step))
        if item.bands:
            base["bands"] = [
                {"grade": b.grade, "min": _d(b.min), "max": _d(b.max)} for b in item.bands
            ]
    elif isinstance(item, PriceItem):
        base["max"] = _d(item.max)
        formula: dict[str, Any] = {"type": item.formula.type}
        if isinstance(item.formula, BenchmarkPrice):
            f = item.formula
            formula.update(k=_d(f.k), e_above=_d(f.e_above), e_below=_d(f.e_below))
            if f.trim_min_bids is not None:
                formula["trim_min_bids"] = f.trim_min_bids
        base["formula"] = formula
    return base


def dump_plan(plan: Plan) -> dict[str, Any]:
    agg, rank = plan.aggregation, plan.ranking
    out: dict[str, Any] = {
        "id": plan.id,
        "name": plan.name,
        "total_points": _d(plan.total_points),
        "aggregation": {
            "trimmed": agg.trimmed,
            "trim_min_experts": agg.trim_min_experts,
            "decimals": agg.decimals,
            "rounding": agg.rounding.value,
        },
        "ranking": {
            "tie_breaks": [t.value for t in rank.tie_breaks],
            "candidates": rank.candidates,
        },
        "deviation": {"share": _d(plan.deviation.share)},
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "category": g.category.value,
                "points": _d(g.points),
                "items": [dump_item(i) for i in g.items],
            }
            for g in plan.groups
        ],
    }
    if plan.witnesses:  # absent when none, so older files dump unchanged
        out["witnesses"] = list(plan.witnesses)
    collusion = dump_collusion(plan.collusion)
    if collusion is not None:  # absent when default, so older files dump unchanged
        out["collusion"] = collusion
    return out
