"""Price score formulas (价格分) and the ceiling price (最高限价).

Only valid bids take part: those that passed the preliminary review and are not above the
ceiling price (:func:`split_by_ceiling`; a bid equal to the ceiling is valid).

Low price first (最低评标价法 / 低价优先, government procurement)::

    benchmark = lowest valid bid                      (a bid, so never rounded)
    raw       = benchmark × full / bid
    score     = raw rounded with the plan's rule (AggregationRule.decimals / .rounding)

Benchmark price (评标基准价法)::

    bids      = valid bids, minus one highest and one lowest when trim_min_bids is set
                and there are at least trim_min_bids valid bids
    benchmark = sum(bids) × (1 − K) / len(bids)       rounded to the fen (0.01 yuan), half up
    deviation = |bid − benchmark| × 100 / benchmark   (percent; for the record, unrounded)
    raw       = (full × benchmark − |bid − benchmark| × 100 × E) / benchmark
                with E = e_above when bid > benchmark, else e_below
    score     = max(raw, 0) rounded with the plan's rule

Where rounding happens, and only there:
  * the benchmark of the benchmark-price formula is rounded once to 0.01 yuan, ROUND_HALF_UP,
    whatever the plan's rule, because it is a price: it is published in the report and every
    score must be recomputable from the published figure;
  * each price score is rounded once with the plan's rule. ``raw`` keeps the value before
    clamping and rounding (``raw`` may be negative), for the audit.
Every other step is exact or a single division at 34 digits (:mod:`.arithmetic`), so each
published figure equals the correctly rounded exact rational value.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, Inexact, localcontext

from evaluator_app.core.arithmetic import exact, exact_sum, quotient
from evaluator_app.core.errors import PriceError
from evaluator_app.core.plan import AggregationRule, BenchmarkPrice, Lot, LowPriceFirst, PriceItem

logger = logging.getLogger(__name__)

FEN = Decimal("0.01")


@dataclass(frozen=True)
class PriceScore:
    bidder_id: str
    price: Decimal
    deviation_percent: Decimal | None  # benchmark-price formula only
    raw: Decimal  # before clamping at 0 and rounding
    score: Decimal  # the points that count


@dataclass(frozen=True)
class PriceResult:
    item_id: str
    formula: str  # "low_price_first" or "benchmark_price"
    benchmark: Decimal
    dropped_bidder_ids: tuple[str, ...]  # highest and lowest bid, when the mean is trimmed
    scores: tuple[PriceScore, ...]  # in bidder id order

    def score_of(self, bidder_id: str) -> Decimal:
        return self.entry(bidder_id).score

    def entry(self, bidder_id: str) -> PriceScore:
        for entry in self.scores:
            if entry.bidder_id == bidder_id:
                return entry
        raise KeyError(bidder_id)

    @property
    def bidder_ids(self) -> tuple[str, ...]:
        return tuple(entry.bidder_id for entry in self.scores)


def split_by_ceiling(lot: Lot) -> tuple[dict[str, Decimal], tuple[str, ...]]:
    """(valid bids by bidder id, ids of bidders above the ceiling). Equal to it is valid."""
    valid: dict[str, Decimal] = {}
    over: list[str] = []
    for bidder in lot.bidders:
        if lot.ceiling_price is not None and bidder.price > lot.ceiling_price:
            over.append(bidder.id)
        else:
            valid[bidder.id] = bidder.price
    return valid, tuple(over)


def compute_price_scores(
    item: PriceItem, bids: Mapping[str, Decimal], rule: AggregationRule
) -> PriceResult:
    """Price points of every valid bid for one price item (see the module doc for formulas)."""
    _check_bids(item, bids)
    ordered = tuple(sorted(bids.items()))
    try:
        if isinstance(item.formula, LowPriceFirst):
            return _low_price_first(item, ordered, rule)
        if isinstance(item.formula, BenchmarkPrice):
            return _benchmark_price(item, item.formula, ordered, rule)
    except Inexact:
        raise PriceError(
            f"price item {item.id!r}: a bid or parameter has too many digits to compute exactly"
        ) from None
    raise PriceError(f"price item {item.id!r}: unknown formula {item.formula!r}")


def _check_bids(item: PriceItem, bids: Mapping[str, Decimal]) -> None:
    if not bids:
        raise PriceError(f"price item {item.id!r}: no valid bid to score")
    for bidder_id, price in bids.items():
        if not isinstance(price, Decimal) or not price.is_finite():
            raise PriceError(
                f"price item {item.id!r}: bid of {bidder_id!r} is not a finite Decimal: {price!r}"
            )
        if price <= 0:
            raise PriceError(
                f"price item {item.id!r}: bid of {bidder_id!r} is not positive: {price}"
            )


def _low_price_first(
    item: PriceItem, bids: tuple[tuple[str, Decimal], ...], rule: AggregationRule
) -> PriceResult:
    benchmark = min(price for _id, price in bids)
    scores = []
    for bidder_id, price in bids:
        with exact():
            numerator = benchmark * item.max
        raw = quotient(numerator, price)
        scores.append(PriceScore(bidder_id, price, None, raw, rule.round(raw)))
    logger.debug("price %s: low price first, benchmark %s", item.id, benchmark)
    return PriceResult(item.id, LowPriceFirst.type, benchmark, (), tuple(scores))


def _benchmark_price(
    item: PriceItem,
    formula: BenchmarkPrice,
    bids: tuple[tuple[str, Decimal], ...],
    rule: AggregationRule,
) -> PriceResult:
    counted, dropped = _trim_bids(bids, formula.trim_min_bids)
    with exact():
        numerator = exact_sum(price for _id, price in counted) * (1 - formula.k)
    with localcontext(prec=60):  # the quantum, not the context, decides the digits kept
        benchmark = quotient(numerator, len(counted)).quantize(FEN, rounding=ROUND_HALF_UP)
    if benchmark <= 0:
        raise PriceError(
            f"price item {item.id!r}: benchmark price {benchmark} is not positive (K = {formula.k})"
        )
    scores = []
    for bidder_id, price in bids:
        e = formula.e_above if price > benchmark else formula.e_below
        with exact():
            gap_percent = abs(price - benchmark) * 100
            numerator = item.max * benchmark - gap_percent * e
        raw = quotient(numerator, benchmark)
        score = rule.round(max(raw, Decimal(0)))
        scores.append(PriceScore(bidder_id, price, quotient(gap_percent, benchmark), raw, score))
    logger.debug("price %s: benchmark %s, dropped %s", item.id, benchmark, dropped)
    return PriceResult(item.id, BenchmarkPrice.type, benchmark, dropped, tuple(scores))


def _trim_bids(
    bids: tuple[tuple[str, Decimal], ...], trim_min_bids: int | None
) -> tuple[tuple[tuple[str, Decimal], ...], tuple[str, ...]]:
    """Drop one highest and one lowest bid when there are at least ``trim_min_bids``.

    Several bidders may share the highest (or lowest) price; the amount dropped is the same
    whichever of them is named, so the first in bidder id order is named.
    """
    if trim_min_bids is None or len(bids) < trim_min_bids or len(bids) < 3:
        return bids, ()
    lowest = min(bids, key=lambda b: (b[1], b[0]))
    rest = [b for b in bids if b is not lowest]  # all bids equal: still two distinct bidders
    highest = min(rest, key=lambda b: (-b[1], b[0]))
    counted = tuple(b for b in rest if b is not highest)
    return counted, (highest[0], lowest[0])
