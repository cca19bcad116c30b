"""Experts' totals and the final score of each valid bidder (评标汇总).

For each expert and valid bidder::

    total     = sum of the expert's scored-item scores + the price points (same for all experts)
    technical = the part of ``total`` from items in TECHNICAL groups

For each bidder::

    final = mean of the experts' totals, or, with ``rule.trimmed`` and at least
            ``rule.trim_min_experts`` experts (and at least 3), the mean after dropping one
            highest and one lowest total
    final is rounded ONCE with the plan's rule; ``mean`` keeps the unrounded value (34 digits,
    see :mod:`.arithmetic`) and ``dropped_expert_ids`` the experts left out, for the audit.

The technical score (a tie-break) is aggregated by the same rule from the technical
subtotals, independently trimmed. Price points arrive already rounded (:mod:`.price`); the
entered scores are exact. A sheet must hold exactly one valid score per valid bidder and
scored item: anything missing, duplicated, unknown or invalid is an :class:`AggregationError`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from evaluator_app.core.arithmetic import exact_sum, quotient
from evaluator_app.core.errors import AggregationError, ScoreError
from evaluator_app.core.plan import AggregationRule, Lot, PriceItem
from evaluator_app.core.price import PriceResult
from evaluator_app.core.scoring import check_score

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ItemScore:
    bidder_id: str
    item_id: str
    score: Decimal


@dataclass(frozen=True)
class ScoreSheetData:
    """One expert's scores for the scored items (price points are computed, not entered)."""

    expert_id: str
    scores: tuple[ItemScore, ...]


@dataclass(frozen=True)
class ExpertTotal:
    expert_id: str
    scored: Decimal  # sum of the expert's scored-item scores
    price: Decimal  # price points
    technical: Decimal  # points from items in TECHNICAL groups
    total: Decimal  # scored + price


@dataclass(frozen=True)
class Mean:
    """A (possibly trimmed) mean: the values behind it, what was dropped, and its rounding."""

    mean: Decimal  # unrounded
    final: Decimal  # rounded once with the plan's rule
    dropped_expert_ids: tuple[str, ...]  # (highest, lowest) when trimmed


@dataclass(frozen=True)
class BidderAggregate:
    bidder_id: str
    totals: tuple[ExpertTotal, ...]  # in expert id order
    overall: Mean
    technical: Mean

    @property
    def final(self) -> Decimal:
        return self.overall.final

    @property
    def mean(self) -> Decimal:
        return self.overall.mean

    @property
    def dropped_expert_ids(self) -> tuple[str, ...]:
        return self.overall.dropped_expert_ids

    def total_of(self, expert_id: str) -> ExpertTotal:
        for total in self.totals:
            if total.expert_id == expert_id:
                return total
        raise KeyError(expert_id)


@dataclass(frozen=True)
class Aggregate:
    experts: tuple[str, ...]  # sorted
    bidders: tuple[BidderAggregate, ...]  # in bidder id order
    trimmed: bool  # whether the trimmed mean applied

    def of(self, bidder_id: str) -> BidderAggregate:
        for bidder in self.bidders:
            if bidder.bidder_id == bidder_id:
                return bidder
        raise KeyError(bidder_id)

    def final_of(self, bidder_id: str) -> Decimal:
        return self.of(bidder_id).final


def aggregate(
    lot: Lot,
    sheets: Sequence[ScoreSheetData],
    price_results: Sequence[PriceResult],
    valid_bidder_ids: Iterable[str],
) -> Aggregate:
    plan = lot.plan
    rule = plan.aggregation
    bidders = _known_bidders(lot, valid_bidder_ids)
    by_expert = _sheets_by_expert(sheets)
    experts = tuple(sorted(by_expert))
    price_points = _price_points(plan.price_items, price_results, bidders)
    technical_ids = plan.technical_item_ids()
    table = {e: _sheet_table(lot, by_expert[e], bidders) for e in experts}
    trimmed = rule.trimmed and len(experts) >= max(rule.trim_min_experts, 3)

    results = []
    for bidder_id in bidders:
        totals = []
        for expert_id in experts:
            scores = table[expert_id][bidder_id]
            price = exact_sum(price_points[bidder_id].values())
            scored = exact_sum(scores.values())
            technical = exact_sum(
                [v for i, v in scores.items() if i in technical_ids]
                + [v for i, v in price_points[bidder_id].items() if i in technical_ids]
            )
            totals.append(
                ExpertTotal(expert_id, scored, price, technical, exact_sum([scored, price]))
            )
        overall = mean_of([(t.expert_id, t.total) for t in totals], rule, trimmed)
        technical_mean = mean_of([(t.expert_id, t.technical) for t in totals], rule, trimmed)
        results.append(BidderAggregate(bidder_id, tuple(totals), overall, technical_mean))
    logger.info(
        "lot %s: aggregated %d bidders over %d experts (trimmed: %s)",
        lot.id,
        len(results),
        len(experts),
        trimmed,
    )
    return Aggregate(experts, tuple(results), trimmed)


def mean_of(values: Sequence[tuple[str, Decimal]], rule: AggregationRule, trimmed: bool) -> Mean:
    """Mean of (expert id, value) pairs, trimming one highest and one lowest when ``trimmed``.

    When several experts share the highest (or lowest) value the amount dropped is the same;
    the first in expert id order is named.
    """
    if not values:
        raise AggregationError("no expert score to aggregate")
    kept = sorted(values)  # by expert id
    dropped: tuple[str, ...] = ()
    if trimmed:
        lowest = min(kept, key=lambda p: (p[1], p[0]))
        kept.remove(lowest)
        highest = min(kept, key=lambda p: (-p[1], p[0]))
        kept.remove(highest)
        dropped = (highest[0], lowest[0])
    mean = quotient(exact_sum(v for _e, v in kept), len(kept))
    return Mean(mean, rule.round(mean), dropped)


def _known_bidders(lot: Lot, valid_bidder_ids: Iterable[str]) -> tuple[str, ...]:
    ids = tuple(sorted(set(valid_bidder_ids)))
    lot_ids = {b.id for b in lot.bidders}
    unknown = [b for b in ids if b not in lot_ids]
    if unknown:
        raise AggregationError(f"valid bidders not in lot {lot.id!r}: {', '.join(unknown)}")
    return ids


def _sheets_by_expert(sheets: Sequence[ScoreSheetData]) -> dict[str, ScoreSheetData]:
    if not sheets:
        raise AggregationError("no score sheet to aggregate")
    by_expert: dict[str, ScoreSheetData] = {}
    for sheet in sheets:
        if sheet.expert_id in by_expert:
            raise AggregationError(f"two score sheets from expert {sheet.expert_id!r}")
        by_expert[sheet.expert_id] = sheet
    return by_expert


def _price_points(
    price_items: Sequence[PriceItem], price_results: Sequence[PriceResult], bidders: tuple[str, ...]
) -> dict[str, dict[str, Decimal]]:
    """bidder id → price item id → points; every price item needs a result for every bidder."""
    if not bidders:
        return {}  # every bid rejected: there is nothing to price
    results = {r.item_id: r for r in price_results}
    expected = {item.id for item in price_items}
    if len(results) != len(price_results) or set(results) != expected:
        raise AggregationError(
            f"price results for items {sorted(r.item_id for r in price_results)}, "
            f"plan has price items {sorted(expected)}"
        )
    points: dict[str, dict[str, Decimal]] = {b: {} for b in bidders}
    for item_id, result in sorted(results.items()):
        for bidder_id in bidders:
            try:
                points[bidder_id][item_id] = result.score_of(bidder_id)
            except KeyError:
                raise AggregationError(
                    f"no price score for bidder {bidder_id!r} on item {item_id!r}"
                ) from None
    return points


def _sheet_table(
    lot: Lot, sheet: ScoreSheetData, bidders: tuple[str, ...]
) -> dict[str, dict[str, Decimal]]:
    """bidder id → scored item id → checked score, for one expert; complete or an error."""
    items = {item.id: item for item in lot.plan.scored_items}
    expert = sheet.expert_id
    table: dict[str, dict[str, Decimal]] = {b: {} for b in bidders}
    for entry in sheet.scores:
        where = f"expert {expert!r}, bidder {entry.bidder_id!r}, item {entry.item_id!r}"
        if entry.bidder_id not in table:
            raise AggregationError(f"score for a bidder that is not a valid bidder: {where}")
        if entry.item_id not in items:
            raise AggregationError(f"score for an item that is not a scored item: {where}")
        if entry.item_id in table[entry.bidder_id]:
            raise AggregationError(f"two scores for {where}")
        try:
            table[entry.bidder_id][entry.item_id] = check_score(items[entry.item_id], entry.score)
        except ScoreError as exc:
            raise AggregationError(f"invalid score for {where}: {exc}") from exc
    missing = [f"{b}/{i}" for b in bidders for i in items if i not in table[b]]
    if missing:
        raise AggregationError(
            f"expert {expert!r} has no score for (bidder/item): {', '.join(missing)}"
        )
    return table
