"""A lot end to end: gates → valid bids → price → aggregate → rank → deviations."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from evaluator_app.core.errors import AggregationError, GateError
from evaluator_app.core.evaluation import evaluate_lot
from evaluator_app.core.gates import GateVote
from tests.core.builders import (
    all_pass,
    make_lot,
    make_plan,
    price_item,
    scored,
    sheet,
    uniform_sheet,
)

EXPERTS = ("e1", "e2", "e3", "e4", "e5")
PLAN = make_plan(
    gates=["licence"],
    technical=[scored("t", 40)],
    commercial=[scored("c", 30)],
    price=price_item(30),
)
# D bids above the ceiling 110; C will fail the licence check by 3 of 5
LOT = make_lot(PLAN, {"A": "100", "B": "95", "C": "90", "D": "120"}, ceiling="110")


def votes():
    out = []
    for vote in all_pass(EXPERTS, "ABC", ["licence"]):
        if vote.bidder_id == "C" and vote.expert_id in ("e1", "e2", "e3"):
            vote = GateVote(vote.expert_id, "C", "licence", False, "营业执照已过期")
        out.append(vote)
    return out


def sheets():
    out = [uniform_sheet(e, "A", {"t": 35, "c": 20}) for e in EXPERTS]
    b_scores = {e: {("B", "t"): 30, ("B", "c"): 25} for e in EXPERTS}
    b_scores["e5"][("B", "t")] = "38.5"
    return [
        sheet(
            s.expert_id,
            {**{(x.bidder_id, x.item_id): x.score for x in s.scores}, **b_scores[s.expert_id]},
        )
        for s in out
    ]


def test_worked_lot():
    # gates: C rejected (3 of 5 fail licence), D over the ceiling 110 → valid A, B
    # price (low price first): benchmark 95; A 95 × 30 / 100 = 28.50; B 30.00
    # A: every expert 35 + 20 + 28.50 = 83.50 → final 83.50
    # B: e1–e4 30 + 25 + 30 = 85; e5 38.5 + 25 + 30 = 93.5; (4 × 85 + 93.5) / 5 = 433.5 / 5 = 86.70
    # ranking: B, A; deviation: e5 on B/t, 38.5 − 30 = 8.5 > 0.2 × 40 = 8
    result = evaluate_lot(LOT, EXPERTS, votes(), sheets())
    assert result.valid_bidder_ids == ("A", "B")
    assert result.gates.outcome("C").failures[0].reasons[0] == ("e1", "营业执照已过期")
    assert result.gates.outcome("D").over_ceiling.price == D("120")
    assert result.price_results[0].benchmark == D("95")
    assert result.price_results[0].score_of("A") == D("28.50")
    assert result.aggregate.final_of("A") == D("83.50")
    assert result.aggregate.final_of("B") == D("86.70")
    assert [(e.position, e.bidder_id) for e in result.ranking.entries] == [(1, "B"), (2, "A")]
    assert result.ranking.candidates == ("B", "A")
    assert [(f.expert_id, f.bidder_id, f.item_id, f.difference) for f in result.deviations] == [
        ("e5", "B", "t", D("8.5"))
    ]
    assert not result.failed


def test_sheets_must_come_from_the_committee():
    with pytest.raises(AggregationError, match="do not match the committee"):
        evaluate_lot(LOT, EXPERTS, votes(), sheets()[:4])


def test_scores_for_a_rejected_bidder_are_refused():
    bad = sheets()
    bad[0] = sheet(
        "e1", {**{(x.bidder_id, x.item_id): x.score for x in bad[0].scores}, ("C", "t"): 10}
    )
    with pytest.raises(AggregationError, match="bidder 'C'"):
        evaluate_lot(LOT, EXPERTS, votes(), bad)


def test_incomplete_votes_stop_the_evaluation():
    with pytest.raises(GateError, match="missing gate votes"):
        evaluate_lot(LOT, EXPERTS, votes()[1:], sheets())


def test_every_bid_rejected():
    lot = make_lot(PLAN, {"A": "200", "B": "300"}, ceiling="110")
    result = evaluate_lot(lot, EXPERTS, [], [sheet(e, {}) for e in EXPERTS])
    assert result.failed
    assert (
        result.price_results == ()
        and result.ranking.entries == ()
        and result.ranking.candidates == ()
    )
