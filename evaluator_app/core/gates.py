"""Preliminary review (初步评审): pass/fail items decided by committee majority.

Rules:
  * every committee member votes on every gate item for every bidder at or below the ceiling
    price; a missing vote, a duplicate vote, or a vote by a stranger / on an unknown bidder or
    item is a :class:`GateError` naming them. Votes on bidders above the ceiling are accepted
    and recorded but not required: those bids are invalid whatever the committee says;
  * a fail vote needs a reason (GateError otherwise);
  * a bidder fails an item when more than half of the committee votes fail on it
    (``2 × fail_votes > committee size``; a tie is not a majority), and is rejected
    (否决投标) when it fails any item;
  * a bidder above the lot's ceiling price (最高限价) is rejected, with the ceiling and price.
Every fail reason is kept, including minority ones, for the evaluation report.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from evaluator_app.core.errors import GateError
from evaluator_app.core.plan import Lot
from evaluator_app.core.price import split_by_ceiling

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GateVote:
    expert_id: str
    bidder_id: str
    item_id: str
    passed: bool
    reason: str = ""


@dataclass(frozen=True)
class ItemFailure:
    """A gate item the majority failed, with every fail reason (expert id, reason)."""

    item_id: str
    fail_votes: int
    pass_votes: int
    reasons: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class OverCeiling:
    ceiling: Decimal
    price: Decimal

    @property
    def reason(self) -> str:
        return f"bid price {_yuan(self.price)} is above the ceiling price {_yuan(self.ceiling)}"

    @property
    def reason_zh(self) -> str:
        return f"投标报价 {_yuan(self.price)} 元超过最高限价 {_yuan(self.ceiling)} 元"


def _yuan(value: Decimal) -> str:
    """36,218,450.00: the way prices are printed everywhere people read them."""
    return f"{value.quantize(Decimal('0.01')):,}"


@dataclass(frozen=True)
class BidderGate:
    bidder_id: str
    rejected: bool
    failures: tuple[ItemFailure, ...]  # items failed by majority, in plan order
    over_ceiling: OverCeiling | None
    minority_fails: tuple[
        ItemFailure, ...
    ] = ()  # fail votes short of a majority, kept for the record


@dataclass(frozen=True)
class GateResult:
    committee: tuple[str, ...]
    outcomes: tuple[BidderGate, ...]  # in the lot's bidder order

    def outcome(self, bidder_id: str) -> BidderGate:
        for outcome in self.outcomes:
            if outcome.bidder_id == bidder_id:
                return outcome
        raise KeyError(bidder_id)

    @property
    def valid_bidder_ids(self) -> tuple[str, ...]:
        return tuple(o.bidder_id for o in self.outcomes if not o.rejected)

    @property
    def rejected(self) -> tuple[BidderGate, ...]:
        return tuple(o for o in self.outcomes if o.rejected)


def check_vote(vote: GateVote) -> GateVote:
    """A fail vote must carry a non-blank reason."""
    if not isinstance(vote.passed, bool):
        raise GateError(
            f"vote of {vote.expert_id!r} on {vote.bidder_id!r}/{vote.item_id!r}: passed must be a "
            "bool"
        )
    if not vote.passed and not (vote.reason or "").strip():
        raise GateError(
            f"expert {vote.expert_id!r} failed bidder {vote.bidder_id!r} on item {vote.item_id!r} "
            "without a reason"
        )
    return vote


def decide_gates(lot: Lot, experts: Sequence[str], votes: Iterable[GateVote]) -> GateResult:
    committee = _committee(experts)
    _valid, over = split_by_ceiling(lot)
    bidder_ids = tuple(b.id for b in lot.bidders)
    item_ids = tuple(i.id for i in lot.plan.gate_items)
    table = _collect(votes, set(committee), set(bidder_ids), set(item_ids))
    _require_complete(table, committee, [b for b in bidder_ids if b not in over], item_ids)

    outcomes = []
    for bidder in lot.bidders:
        failures: list[ItemFailure] = []
        minority: list[ItemFailure] = []
        for item_id in item_ids:
            cast = [
                table[(e, bidder.id, item_id)]
                for e in committee
                if (e, bidder.id, item_id) in table
            ]
            fails = tuple((v.expert_id, (v.reason or "").strip()) for v in cast if not v.passed)
            if not fails:
                continue
            record = ItemFailure(item_id, len(fails), len(cast) - len(fails), fails)
            (failures if 2 * len(fails) > len(committee) else minority).append(record)
        ceiling = (
            OverCeiling(lot.ceiling_price, bidder.price)
            if bidder.id in over and lot.ceiling_price is not None
            else None
        )
        rejected = bool(failures) or ceiling is not None
        outcomes.append(BidderGate(bidder.id, rejected, tuple(failures), ceiling, tuple(minority)))
        if rejected:
            logger.info(
                "lot %s: bidder %s rejected (%d items, over ceiling: %s)",
                lot.id,
                bidder.id,
                len(failures),
                ceiling is not None,
            )
    return GateResult(committee, tuple(outcomes))


def _committee(experts: Sequence[str]) -> tuple[str, ...]:
    committee = tuple(experts)
    if not committee:
        raise GateError("the committee has no expert")
    duplicates = sorted({e for e in committee if committee.count(e) > 1})
    if duplicates:
        raise GateError(f"experts listed twice in the committee: {', '.join(duplicates)}")
    return committee


def _collect(
    votes: Iterable[GateVote], experts: set[str], bidders: set[str], items: set[str]
) -> dict[tuple[str, str, str], GateVote]:
    table: dict[tuple[str, str, str], GateVote] = {}
    for vote in votes:
        check_vote(vote)
        key = (vote.expert_id, vote.bidder_id, vote.item_id)
        if vote.expert_id not in experts:
            raise GateError(f"vote by {vote.expert_id!r}, who is not on the committee")
        if vote.bidder_id not in bidders:
            raise GateError(f"vote by {vote.expert_id!r} on unknown bidder {vote.bidder_id!r}")
        if vote.item_id not in items:
            raise GateError(
                f"vote by {vote.expert_id!r} on {vote.item_id!r}, which is not a gate item"
            )
        if key in table:
            raise GateError(
                f"duplicate vote by {vote.expert_id!r} on bidder {vote.bidder_id!r}, "
                f"item {vote.item_id!r}"
            )
        table[key] = vote
    return table


def _require_complete(
    table: dict[tuple[str, str, str], GateVote],
    committee: tuple[str, ...],
    bidder_ids: Sequence[str],
    item_ids: Sequence[str],
) -> None:
    missing = [
        f"{e}/{b}/{i}"
        for e in committee
        for b in bidder_ids
        for i in item_ids
        if (e, b, i) not in table
    ]
    if missing:
        shown = ", ".join(missing[:20]) + (
            f" and {len(missing) - 20} more" if len(missing) > 20 else ""
        )
        raise GateError(f"missing gate votes (expert/bidder/item): {shown}")
