"""One lot evaluated end to end: gates → valid bids → price → aggregate → rank → deviations.

If every bid is rejected the lot has no price scores, no aggregate bidders and an empty
ranking (``failed`` is True): whether the tender fails (流标) or is re-tendered is a matter
for the committee's report, not for this module.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evaluator_app.core.aggregate import Aggregate, ScoreSheetData, aggregate
from evaluator_app.core.deviation import DeviationFlag, find_deviations
from evaluator_app.core.errors import AggregationError
from evaluator_app.core.gates import GateResult, GateVote, decide_gates
from evaluator_app.core.plan import Lot
from evaluator_app.core.price import PriceResult, compute_price_scores
from evaluator_app.core.ranking import Ranking, rank

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LotEvaluation:
    lot_id: str
    gates: GateResult
    price_results: tuple[PriceResult, ...]  # one per price item, in plan order
    aggregate: Aggregate
    ranking: Ranking
    deviations: tuple[DeviationFlag, ...]

    @property
    def valid_bidder_ids(self) -> tuple[str, ...]:
        return self.gates.valid_bidder_ids

    @property
    def failed(self) -> bool:
        """No valid bid is left."""
        return not self.gates.valid_bidder_ids


def evaluate_lot(
    lot: Lot,
    experts: Sequence[str],
    gate_votes: Iterable[GateVote],
    sheets: Sequence[ScoreSheetData],
) -> LotEvaluation:
    gates = decide_gates(lot, experts, gate_votes)
    committee = set(gates.committee)
    from_sheets = [s.expert_id for s in sheets]
    if set(from_sheets) != committee or len(from_sheets) != len(committee):
        raise AggregationError(
            f"score sheets from {sorted(from_sheets)} do not match the "
            f"committee {sorted(committee)}"
        )
    valid_ids = gates.valid_bidder_ids
    bids = {bidder_id: lot.bidder(bidder_id).price for bidder_id in valid_ids}
    rule = lot.plan.aggregation
    prices = (
        tuple(compute_price_scores(item, bids, rule) for item in lot.plan.price_items)
        if bids
        else ()
    )
    totals = aggregate(lot, sheets, prices, valid_ids)
    ranking = rank(lot, totals)
    deviations = find_deviations(lot.plan, sheets)
    logger.info("lot %s: %d valid bids, candidates %s", lot.id, len(valid_ids), ranking.candidates)
    return LotEvaluation(lot.id, gates, prices, totals, ranking, deviations)
