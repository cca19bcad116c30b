"""Ranking of the valid bidders and the recommended candidates (中标候选人).

Bidders are ordered by their final score, highest first. The final score compared is the
rounded, published one: two bidders shown with the same score are tied, whatever digits
the rounding removed. Ties are broken by the plan's tie-breaks, in order:

  * ``lower_price``: the lower bid price first;
  * ``higher_technical``: the higher technical score (rounded like the final) first.

A tie that no tie-break resolves is never broken silently: the bidders share one position
(positions count like 1, 2, 2, 4), the group is listed in ``unresolved_ties``, and bidders
inside it are listed in id order only so that output is stable — that order decides nothing.
Candidates are the bidders whose position is within ``ranking.candidates``; if an unresolved
tie straddles that cutoff, the tied group is reported in ``cutoff_tie`` and none of it is
picked: the committee has to decide, by a rule the plan does not hold (e.g. drawing lots).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from evaluator_app.core.aggregate import Aggregate
from evaluator_app.core.plan import Lot, TieBreak

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RankEntry:
    position: int  # 1-based; tied bidders share one
    bidder_id: str
    final: Decimal
    price: Decimal
    technical: Decimal
    decided_by: TieBreak | None  # the tie-break that separated it from an equal final, if any


@dataclass(frozen=True)
class Ranking:
    entries: tuple[RankEntry, ...]
    unresolved_ties: tuple[tuple[str, ...], ...]  # groups of bidder ids sharing a position
    candidates: tuple[str, ...]  # recommended candidates, in order
    cutoff_tie: tuple[str, ...]  # an unresolved tie straddling the candidate cutoff, or ()

    @property
    def has_cutoff_tie(self) -> bool:
        return bool(self.cutoff_tie)

    def entry(self, bidder_id: str) -> RankEntry:
        for entry in self.entries:
            if entry.bidder_id == bidder_id:
                return entry
        raise KeyError(bidder_id)

    def position_of(self, bidder_id: str) -> int:
        return self.entry(bidder_id).position


@dataclass(frozen=True)
class _Row:
    bidder_id: str
    final: Decimal
    price: Decimal
    technical: Decimal


_KEYS: dict[TieBreak, Callable[[_Row], Decimal]] = {
    TieBreak.LOWER_PRICE: lambda row: row.price,  # ascending: lower first
    TieBreak.HIGHER_TECHNICAL: lambda row: -row.technical,
}


def rank(lot: Lot, aggregate: Aggregate) -> Ranking:
    rows = [
        _Row(b.bidder_id, b.final, lot.bidder(b.bidder_id).price, b.technical.final)
        for b in aggregate.bidders
    ]
    groups: list[tuple[list[_Row], TieBreak | None]] = []
    for final in sorted({r.final for r in rows}, reverse=True):
        tied = [r for r in rows if r.final == final]
        groups.extend(_break(tied, lot.plan.ranking.tie_breaks, None))

    entries: list[RankEntry] = []
    unresolved: list[tuple[str, ...]] = []
    position = 1
    for group, decided_by in groups:
        ids = tuple(sorted(r.bidder_id for r in group))
        for row in sorted(group, key=lambda r: r.bidder_id):
            entries.append(
                RankEntry(position, row.bidder_id, row.final, row.price, row.technical, decided_by)
            )
        if len(group) > 1:
            unresolved.append(ids)
            logger.warning("lot %s: unresolved tie at position %d: %s", lot.id, position, ids)
        position += len(group)

    candidates, cutoff_tie = _candidates(entries, lot.plan.ranking.candidates)
    return Ranking(tuple(entries), tuple(unresolved), candidates, cutoff_tie)


def _break(
    tied: list[_Row], tie_breaks: Sequence[TieBreak], decided_by: TieBreak | None
) -> list[tuple[list[_Row], TieBreak | None]]:
    """Split a group of equal finals into ordered subgroups, by the tie-breaks in order."""
    if len(tied) == 1 or not tie_breaks:
        return [(tied, decided_by)]
    tie_break, rest = tie_breaks[0], tie_breaks[1:]
    key = _KEYS[tie_break]
    values = sorted({key(r) for r in tied})
    if len(values) == 1:  # this tie-break does not separate them: try the next one
        return _break(tied, rest, decided_by)
    out: list[tuple[list[_Row], TieBreak | None]] = []
    for value in values:
        out.extend(_break([r for r in tied if key(r) == value], rest, tie_break))
    return out


def _candidates(entries: list[RankEntry], count: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    chosen: list[str] = []
    cutoff_tie: tuple[str, ...] = ()
    for position in sorted({e.position for e in entries}):
        group = [e.bidder_id for e in entries if e.position == position]
        if position > count:
            break
        if position + len(group) - 1 > count:  # the group runs past the cutoff
            cutoff_tie = tuple(group)
            break
        chosen.extend(group)
    return tuple(chosen), cutoff_tie
