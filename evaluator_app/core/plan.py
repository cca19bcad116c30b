"""The project, its lots and bidders, and the evaluation plan (a criteria tree).

All values are already validated when these objects exist: build them through
:mod:`evaluator_app.core.project_file`, which names the field and value of every mistake.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

from evaluator_app.core.collusion_rule import CollusionRule

DEFAULT_DECIMALS = 2


class ItemKind(enum.StrEnum):
    GATE = "gate"  # pass/fail, preliminary review (初步评审)
    SCORED = "scored"  # points entered by each expert (详细评审)
    PRICE = "price"  # points computed from the bid price by a formula (价格分)


class GroupCategory(enum.StrEnum):
    QUALIFICATION = "qualification"  # gate items
    TECHNICAL = "technical"
    COMMERCIAL = "commercial"
    PRICE = "price"
    OTHER = "other"


class Rounding(enum.StrEnum):
    HALF_UP = "half_up"  # 四舍五入, the default
    HALF_EVEN = "half_even"
    DOWN = "down"  # truncate

    @property
    def decimal_mode(self) -> str:
        """The :mod:`decimal` rounding constant for this rule."""
        return {
            Rounding.HALF_UP: ROUND_HALF_UP,
            Rounding.HALF_EVEN: ROUND_HALF_EVEN,
            Rounding.DOWN: ROUND_DOWN,
        }[self]


class TieBreak(enum.StrEnum):
    LOWER_PRICE = "lower_price"
    HIGHER_TECHNICAL = "higher_technical"


@dataclass(frozen=True)
class GradeBand:
    """A grade such as 优 mapping to a score range (inclusive)."""

    grade: str
    min: Decimal
    max: Decimal


@dataclass(frozen=True)
class GateItem:
    id: str
    name: str
    description: str = ""

    kind = ItemKind.GATE
    max = Decimal(0)


@dataclass(frozen=True)
class ScoredItem:
    """Points from ``min`` to ``max`` in steps of ``step``; with bands, inside one band."""

    id: str
    name: str
    max: Decimal
    min: Decimal = Decimal(0)
    step: Decimal = Decimal("0.01")
    bands: tuple[GradeBand, ...] = ()
    description: str = ""

    kind = ItemKind.SCORED


@dataclass(frozen=True)
class LowPriceFirst:
    """Government procurement rule: benchmark = lowest valid bid; score = benchmark / bid × full."""

    type = "low_price_first"


@dataclass(frozen=True)
class BenchmarkPrice:
    """Benchmark = mean of valid bids (trimmed when enough bids) × (1 − K).

    Score = full − |bid − benchmark| / benchmark × 100 × E, never below 0, where E is the
    points deducted per 1 % of deviation: ``e_above`` for bids above the benchmark,
    ``e_below`` for bids below it.
    """

    k: Decimal = Decimal(0)
    e_above: Decimal = Decimal(1)
    e_below: Decimal = Decimal("0.5")
    trim_min_bids: int | None = None  # drop highest and lowest when at least this many bids

    type = "benchmark_price"


PriceFormula = LowPriceFirst | BenchmarkPrice


@dataclass(frozen=True)
class PriceItem:
    id: str
    name: str
    max: Decimal  # full points
    formula: PriceFormula = field(default_factory=LowPriceFirst)
    description: str = ""

    kind = ItemKind.PRICE
    min = Decimal(0)


Item = GateItem | ScoredItem | PriceItem


@dataclass(frozen=True)
class CriteriaGroup:
    id: str
    name: str
    category: GroupCategory
    items: tuple[Item, ...]
    points: Decimal = Decimal(0)  # declared points; equals the sum of its items' max


@dataclass(frozen=True)
class AggregationRule:
    """Final score = mean of the experts' totals, or the trimmed mean when enough experts."""

    trimmed: bool = False
    trim_min_experts: int = 7  # drop one highest and one lowest total from this many on
    decimals: int = DEFAULT_DECIMALS
    rounding: Rounding = Rounding.HALF_UP

    def round(self, value: Decimal) -> Decimal:
        """``value`` rounded to ``decimals`` places with this rule's rounding (exactly once)."""
        with localcontext(prec=60):  # quantize must never be limited by the ambient precision
            return value.quantize(
                Decimal(1).scaleb(-self.decimals), rounding=self.rounding.decimal_mode
            )


@dataclass(frozen=True)
class RankingRule:
    tie_breaks: tuple[TieBreak, ...] = (TieBreak.LOWER_PRICE, TieBreak.HIGHER_TECHNICAL)
    candidates: int = 3  # recommended candidates (中标候选人)


@dataclass(frozen=True)
class DeviationRule:
    """Flag an item score differing from the others' mean by more than ``share`` × item max."""

    share: Decimal = Decimal("0.2")


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    total_points: Decimal
    groups: tuple[CriteriaGroup, ...]
    aggregation: AggregationRule = AggregationRule()
    ranking: RankingRule = RankingRule()
    deviation: DeviationRule = DeviationRule()
    collusion: CollusionRule = CollusionRule()  # thresholds of the 围标串标 warnings
    # the parties (secondary venues, the centre) that must countersign the main venue's log
    # heads: an archive whose log they did not witness does not verify (issue 12, item 2)
    witnesses: tuple[str, ...] = ()

    def items(self) -> Iterator[tuple[CriteriaGroup, Item]]:
        for group in self.groups:
            for item in group.items:
                yield group, item

    def item(self, item_id: str) -> Item:
        for _group, item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def gate_items(self) -> tuple[GateItem, ...]:
        return tuple(i for _g, i in self.items() if isinstance(i, GateItem))

    @property
    def scored_items(self) -> tuple[ScoredItem, ...]:
        return tuple(i for _g, i in self.items() if isinstance(i, ScoredItem))

    @property
    def price_items(self) -> tuple[PriceItem, ...]:
        return tuple(i for _g, i in self.items() if isinstance(i, PriceItem))

    def technical_item_ids(self) -> frozenset[str]:
        return frozenset(
            i.id for g, i in self.items() if g.category is GroupCategory.TECHNICAL and i.max > 0
        )


@dataclass(frozen=True)
class Bidder:
    id: str
    name: str
    price: Decimal  # bid price (投标报价), in yuan
    organisation: str = ""  # registered organisation, for conflict checks
    city: str = ""


@dataclass(frozen=True)
class Lot:
    """A lot (标段): its bidders and the plan they are evaluated by."""

    id: str
    name: str
    bidders: tuple[Bidder, ...]
    plan: Plan
    ceiling_price: Decimal | None = None  # 最高限价: a bid above it is invalid

    def bidder(self, bidder_id: str) -> Bidder:
        for bidder in self.bidders:
            if bidder.id == bidder_id:
                return bidder
        raise KeyError(bidder_id)


@dataclass(frozen=True)
class Project:
    """A tender (招标项目)."""

    id: str
    name: str
    lots: tuple[Lot, ...]
    tenderer: str = ""  # 招标人
    agency: str = ""  # 招标代理机构

    def lot(self, lot_id: str) -> Lot:
        for lot in self.lots:
            if lot.id == lot_id:
                return lot
        raise KeyError(lot_id)
