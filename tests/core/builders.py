"""Small helpers to build plans, lots, votes and sheets straight from the dataclasses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from evaluator_app.core.aggregate import ItemScore, ScoreSheetData
from evaluator_app.core.gates import GateVote
from evaluator_app.core.plan import (
    AggregationRule,
    Bidder,
    CriteriaGroup,
    DeviationRule,
    GateItem,
    GroupCategory,
    Lot,
    LowPriceFirst,
    Plan,
    PriceFormula,
    PriceItem,
    RankingRule,
    ScoredItem,
)

D = Decimal


def scored(
    item_id: str, max_: str | int, *, step: str = "0.5", min_: str | int = 0, name: str = ""
) -> ScoredItem:
    return ScoredItem(item_id, name or item_id, D(max_), min=D(min_), step=D(step))


def price_item(
    max_: str | int = 30, formula: PriceFormula | None = None, item_id: str = "price"
) -> PriceItem:
    return PriceItem(item_id, "投标报价", D(max_), formula=formula or LowPriceFirst())


def make_plan(
    *,
    technical: Sequence[ScoredItem] = (),
    commercial: Sequence[ScoredItem] = (),
    price: PriceItem | None = None,
    gates: Sequence[str] = (),
    aggregation: AggregationRule = AggregationRule(),
    ranking: RankingRule = RankingRule(),
    deviation: DeviationRule = DeviationRule(),
) -> Plan:
    groups = []
    if gates:
        groups.append(
            CriteriaGroup(
                "qual",
                "资格审查",
                GroupCategory.QUALIFICATION,
                tuple(GateItem(g, g) for g in gates),
            )
        )
    if technical:
        groups.append(
            CriteriaGroup(
                "tech",
                "技术部分",
                GroupCategory.TECHNICAL,
                tuple(technical),
                sum((i.max for i in technical), D(0)),
            )
        )
    if commercial:
        groups.append(
            CriteriaGroup(
                "comm",
                "商务部分",
                GroupCategory.COMMERCIAL,
                tuple(commercial),
                sum((i.max for i in commercial), D(0)),
            )
        )
    if price is not None:
        groups.append(CriteriaGroup("price", "价格部分", GroupCategory.PRICE, (price,), price.max))
    total = sum((i.max for g in groups for i in g.items), D(0))
    return Plan("plan", "评标办法", total, tuple(groups), aggregation, ranking, deviation)


def make_lot(
    plan: Plan, prices: Mapping[str, str | int | Decimal], ceiling: str | None = None
) -> Lot:
    bidders = tuple(Bidder(b, f"投标人{b}", D(p)) for b, p in prices.items())
    return Lot("lot1", "一标段", bidders, plan, D(ceiling) if ceiling is not None else None)


def all_pass(
    experts: Iterable[str], bidders: Iterable[str], items: Iterable[str]
) -> list[GateVote]:
    items, bidders = list(items), list(bidders)
    return [GateVote(e, b, i, True) for e in experts for b in bidders for i in items]


def sheet(expert_id: str, scores: Mapping[tuple[str, str], str | int | Decimal]) -> ScoreSheetData:
    """scores: (bidder id, item id) → score."""
    return ScoreSheetData(expert_id, tuple(ItemScore(b, i, D(v)) for (b, i), v in scores.items()))


def uniform_sheet(
    expert_id: str, bidders: Iterable[str], scores: Mapping[str, str | int]
) -> ScoreSheetData:
    """The same item scores for every bidder: scores is item id → score."""
    return sheet(expert_id, {(b, i): v for b in bidders for i, v in scores.items()})
