"""Ranking: final score first, then the plan's tie-breaks; remaining ties reported, never broken."""

from __future__ import annotations

from decimal import Decimal as D

from evaluator_app.core.aggregate import Aggregate, BidderAggregate, Mean
from evaluator_app.core.plan import AggregationRule, RankingRule, TieBreak
from evaluator_app.core.ranking import rank
from tests.core.builders import make_lot, make_plan, price_item, scored


def lot_and_aggregate(
    rows, tie_breaks=(TieBreak.LOWER_PRICE, TieBreak.HIGHER_TECHNICAL), candidates=3
):
    """rows: bidder id → (price, unrounded final, unrounded technical)."""
    rule = AggregationRule()
    plan = make_plan(
        technical=[scored("t", 70)],
        price=price_item(30),
        ranking=RankingRule(tuple(tie_breaks), candidates),
    )
    lot = make_lot(plan, {b: price for b, (price, _f, _t) in rows.items()})
    bidders = tuple(
        BidderAggregate(b, (), Mean(D(f), rule.round(D(f)), ()), Mean(D(t), rule.round(D(t)), ()))
        for b, (_p, f, t) in sorted(rows.items())
    )
    return lot, Aggregate(("e1",), bidders, False)


def order(ranking):
    return [(e.position, e.bidder_id) for e in ranking.entries]


def test_by_final_score():
    lot, agg = lot_and_aggregate(
        {"A": ("100", "80", "50"), "B": ("90", "90", "50"), "C": ("95", "85", "50")}
    )
    ranking = rank(lot, agg)
    assert order(ranking) == [(1, "B"), (2, "C"), (3, "A")]
    assert ranking.unresolved_ties == () and ranking.candidates == ("B", "C", "A")
    assert all(e.decided_by is None for e in ranking.entries)


def test_tie_resolved_by_lower_price():
    # A and B both 85.00: B bid 95 < A bid 100 → B first
    lot, agg = lot_and_aggregate(
        {"A": ("100", "85", "50"), "B": ("95", "85", "40"), "C": ("90", "80", "60")}
    )
    ranking = rank(lot, agg)
    assert order(ranking) == [(1, "B"), (2, "A"), (3, "C")]
    assert ranking.entry("B").decided_by is TieBreak.LOWER_PRICE
    assert ranking.unresolved_ties == ()


def test_tie_on_price_resolved_by_higher_technical():
    # same final 85.00 and same price 100: technical B 55 > A 50 → B first
    lot, agg = lot_and_aggregate({"A": ("100", "85", "50"), "B": ("100", "85", "55")})
    ranking = rank(lot, agg)
    assert order(ranking) == [(1, "B"), (2, "A")]
    assert ranking.entry("A").decided_by is TieBreak.HIGHER_TECHNICAL


def test_tie_breaks_follow_plan_order():
    # technical first: A 60 beats B 50 although B bid less
    rows = {"A": ("100", "85", "60"), "B": ("90", "85", "50")}
    lot, agg = lot_and_aggregate(rows, tie_breaks=(TieBreak.HIGHER_TECHNICAL, TieBreak.LOWER_PRICE))
    assert order(rank(lot, agg)) == [(1, "A"), (2, "B")]
    lot, agg = lot_and_aggregate(rows)
    assert order(rank(lot, agg)) == [(1, "B"), (2, "A")]


def test_unresolved_tie_shares_a_position_and_is_reported():
    # A and B equal on final, price and technical: both position 1, C is third
    lot, agg = lot_and_aggregate(
        {"B": ("100", "85", "50"), "A": ("100", "85", "50"), "C": ("90", "80", "60")}
    )
    ranking = rank(lot, agg)
    assert order(ranking) == [(1, "A"), (1, "B"), (3, "C")]
    assert ranking.unresolved_ties == (("A", "B"),)


def test_no_tie_breaks_leaves_ties_unresolved():
    lot, agg = lot_and_aggregate({"A": ("100", "85", "50"), "B": ("90", "85", "60")}, tie_breaks=())
    ranking = rank(lot, agg)
    assert order(ranking) == [(1, "A"), (1, "B")]
    assert ranking.unresolved_ties == (("A", "B"),)


def test_published_rounded_scores_are_compared():
    # 85.124 and 85.121 are both published as 85.12: a tie, decided by price (B lower)
    lot, agg = lot_and_aggregate({"A": ("100", "85.124", "50"), "B": ("95", "85.121", "50")})
    ranking = rank(lot, agg)
    assert order(ranking) == [(1, "B"), (2, "A")]
    assert ranking.entry("B").final == D("85.12")


def test_three_way_tie_partly_resolved():
    # all 85.00; price: C 90 alone first; A and B both 100 → technical equal → unresolved at 2
    lot, agg = lot_and_aggregate(
        {"A": ("100", "85", "50"), "B": ("100", "85", "50"), "C": ("90", "85", "50")}
    )
    ranking = rank(lot, agg)
    assert order(ranking) == [(1, "C"), (2, "A"), (2, "B")]
    assert ranking.unresolved_ties == (("A", "B"),)


def test_tie_straddling_the_candidate_cutoff_is_flagged_not_picked():
    # positions 1, 2, 3, 3 with 3 candidates: C and D tie for the third place
    rows = {
        "A": ("90", "95", "50"),
        "B": ("90", "90", "50"),
        "C": ("100", "85", "50"),
        "D": ("100", "85", "50"),
    }
    ranking = rank(*lot_and_aggregate(rows))
    assert ranking.candidates == ("A", "B")
    assert ranking.cutoff_tie == ("C", "D") and ranking.has_cutoff_tie


def test_tie_inside_the_cutoff_is_no_problem():
    # positions 1, 2, 2, 4: A, B, C are candidates; the B/C tie is still reported
    rows = {
        "A": ("90", "95", "50"),
        "B": ("100", "90", "50"),
        "C": ("100", "90", "50"),
        "D": ("80", "85", "50"),
    }
    ranking = rank(*lot_and_aggregate(rows))
    assert ranking.candidates == ("A", "B", "C")
    assert ranking.cutoff_tie == ()
    assert ranking.unresolved_ties == (("B", "C"),)


def test_everyone_tied_for_first():
    rows = {b: ("100", "85", "50") for b in "ABCD"}
    ranking = rank(*lot_and_aggregate(rows))
    assert ranking.candidates == ()
    assert ranking.cutoff_tie == ("A", "B", "C", "D")


def test_fewer_bidders_than_candidates():
    ranking = rank(*lot_and_aggregate({"A": ("90", "95", "50")}))
    assert ranking.candidates == ("A",) and ranking.position_of("A") == 1
