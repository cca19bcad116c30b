"""Abnormal deviation of one expert's item score (评分畸高畸低).

An expert's score for a bidder on a scored item is flagged when it differs from the mean of
the OTHER experts' scores for the same bidder and item by strictly more than
``plan.deviation.share × item.max``. Exactly at the limit is not flagged. The comparison is
exact: with n − 1 other experts whose scores sum to S, the test is
``|score × (n − 1) − S| > limit × (n − 1)``, so no division can blur the boundary; the
mean and difference on the flag are for display. It takes at least two experts.
A flagged expert must explain each flag before the sheet is accepted (:func:`unexplained`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from evaluator_app.core.aggregate import ScoreSheetData
from evaluator_app.core.arithmetic import exact, exact_sum, quotient
from evaluator_app.core.plan import Plan

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeviationFlag:
    expert_id: str
    bidder_id: str
    item_id: str
    score: Decimal
    others_mean: Decimal  # 34 significant digits at most; for display
    difference: Decimal  # score − others_mean: positive when high (畸高), negative when low (畸低)
    limit: Decimal  # share × item max

    @property
    def key(self) -> tuple[str, str]:
        return (self.bidder_id, self.item_id)


def find_deviations(plan: Plan, sheets: Sequence[ScoreSheetData]) -> tuple[DeviationFlag, ...]:
    """Every flag, ordered by expert, bidder, item. Fewer than two experts: no flag."""
    if len({s.expert_id for s in sheets}) < 2:
        return ()
    items = {item.id: item for item in plan.scored_items}
    # (bidder, item) → [(expert, score)]
    cells: dict[tuple[str, str], list[tuple[str, Decimal]]] = {}
    for sheet in sheets:
        for entry in sheet.scores:
            if entry.item_id in items:
                cells.setdefault((entry.bidder_id, entry.item_id), []).append(
                    (sheet.expert_id, entry.score)
                )

    flags = []
    for (bidder_id, item_id), scores in cells.items():
        if len(scores) < 2:
            continue
        with exact():
            limit = plan.deviation.share * items[item_id].max
        total = exact_sum(score for _e, score in scores)
        others = len(scores) - 1
        for expert_id, score in scores:
            with exact():
                others_sum = total - score
                signed_gap = score * others - others_sum
                over = abs(signed_gap) > limit * others
            if over:
                others_mean = quotient(others_sum, others)
                flags.append(
                    DeviationFlag(
                        expert_id,
                        bidder_id,
                        item_id,
                        score,
                        others_mean,
                        quotient(signed_gap, others),
                        limit,
                    )
                )
    flags.sort(key=lambda f: (f.expert_id, f.bidder_id, f.item_id))
    logger.info("deviation: %d flags over %d sheets", len(flags), len(sheets))
    return tuple(flags)


def flags_of(flags: Sequence[DeviationFlag], expert_id: str) -> tuple[DeviationFlag, ...]:
    return tuple(f for f in flags if f.expert_id == expert_id)


def unexplained(
    flags: Sequence[DeviationFlag], explanations: Mapping[tuple[str, str], str]
) -> tuple[DeviationFlag, ...]:
    """The flags of one expert's sheet still lacking a non-blank explanation.

    ``explanations`` maps (bidder id, item id) to the expert's text.
    """
    return tuple(f for f in flags if not explanations.get(f.key, "").strip())
