"""What the scoring grid shows about itself, computed here so the widget only renders it.

Its progress line, the live totals of what is typed, the rule a typed score breaks and the
price points the rules give the valid bidders: arithmetic on the lot's plan alone, kept apart
from the expert's session (which holds the state, signs and sends) so that both stay readable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from evaluator_app.client.explain import Explanation
from evaluator_app.core.errors import ScoreError
from evaluator_app.core.plan import Lot, ScoredItem
from evaluator_app.core.price import compute_price_scores
from evaluator_app.core.scoring import check_score


@dataclass(frozen=True)
class GridProgress:
    done: int  # cells holding a valid score
    total: int  # cells to score: scored items × valid bidders
    invalid: int  # cells holding text the rules refuse

    def text(self, language: str) -> str:
        if language == "en":
            return f"Scored {self.done}/{self.total}" + (
                f" · {self.invalid} to correct" if self.invalid else ""
            )
        return f"已评 {self.done}/{self.total}" + (
            f" · {self.invalid} 项待更正" if self.invalid else ""
        )


def grid_progress(
    items: Sequence[ScoredItem],
    bidders: Iterable[str],
    typed: Mapping[tuple[str, str], str],
    validate: Callable[[str, str], Explanation | None],
) -> GridProgress:
    done = invalid = total = 0
    for bidder in bidders:
        for item in items:
            total += 1
            text = typed.get((bidder, item.id), "").strip()
            if not text:
                continue
            if validate(item.id, text) is None:
                done += 1
            else:
                invalid += 1
    return GridProgress(done, total, invalid)


def typed_totals(
    lot: Lot, bidders: list[str], typed: Mapping[tuple[str, str], str]
) -> dict[str, Decimal]:
    """Live totals of the scored items as typed (invalid cells count as nothing yet)."""
    out: dict[str, Decimal] = {}
    for bidder in bidders:
        total = Decimal(0)
        for item in lot.plan.scored_items:
            text = typed.get((bidder, item.id), "")
            if text:
                try:
                    total += check_score(item, text)
                except ScoreError:  # shown as an error in its cell, not added
                    continue
        out[bidder] = total
    return out


def score_problem(items: Sequence[ScoredItem], item_id: str, text: str) -> Explanation | None:
    """The rule a typed score breaks (range, step, grade band), or None if it is fine."""
    item = next(i for i in items if i.id == item_id)
    if not text.strip():
        return None
    try:
        check_score(item, text.strip())
    except ScoreError as exc:
        return Explanation(getattr(exc, "message_zh", str(exc)), str(exc))
    return None


def price_points(lot: Lot, valid_bidders: list[str]) -> dict[str, Decimal]:
    """Price points of each valid bidder, computed by the rules (read only in the grid)."""
    bids = {b: lot.bidder(b).price for b in valid_bidders}
    if not bids:
        return {}
    out = dict.fromkeys(bids, Decimal(0))
    for item in lot.plan.price_items:
        result = compute_price_scores(item, bids, lot.plan.aggregation)
        for entry in result.scores:
            out[entry.bidder_id] += entry.score
    return out
