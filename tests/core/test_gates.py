"""Preliminary review: majority of the committee, reasons kept, complete votes, ceiling."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from evaluator_app.core.errors import GateError
from evaluator_app.core.gates import GateVote, check_vote, decide_gates
from tests.core.builders import all_pass, make_lot, make_plan, price_item

GATES = ("licence", "bond")
FIVE = ("e1", "e2", "e3", "e4", "e5")
SEVEN = (*FIVE, "e6", "e7")


def lot_of(prices=None, ceiling=None):
    plan = make_plan(price=price_item(), gates=GATES)
    return make_lot(plan, prices or {"A": "100", "B": "95", "C": "90"}, ceiling)


def votes_with_fails(experts, bidders, fails):
    """All pass except fails: {(expert, bidder, item): reason}."""
    votes = []
    for vote in all_pass(experts, bidders, GATES):
        key = (vote.expert_id, vote.bidder_id, vote.item_id)
        votes.append(GateVote(*key, False, fails[key]) if key in fails else vote)
    return votes


def test_all_pass():
    result = decide_gates(lot_of(), FIVE, all_pass(FIVE, "ABC", GATES))
    assert result.valid_bidder_ids == ("A", "B", "C")
    assert result.rejected == ()


@pytest.mark.parametrize("fail_count, rejected", [(2, False), (3, True), (5, True)])
def test_majority_of_five(fail_count, rejected):
    # 5 experts: a majority is more than 2.5, i.e. 3 fail votes
    fails = {(e, "B", "bond"): f"保证金未到账 ({e})" for e in FIVE[:fail_count]}
    result = decide_gates(lot_of(), FIVE, votes_with_fails(FIVE, "ABC", fails))
    outcome = result.outcome("B")
    assert outcome.rejected is rejected
    assert ("B" in result.valid_bidder_ids) is not rejected
    record = (outcome.failures if rejected else outcome.minority_fails)[0]
    assert (record.item_id, record.fail_votes, record.pass_votes) == (
        "bond",
        fail_count,
        5 - fail_count,
    )
    assert record.reasons == tuple((e, f"保证金未到账 ({e})") for e in FIVE[:fail_count])


@pytest.mark.parametrize("fail_count, rejected", [(3, False), (4, True)])
def test_majority_of_seven(fail_count, rejected):
    # 7 experts: more than 3.5, i.e. 4 fail votes
    fails = {(e, "A", "licence"): "资质证书过期" for e in SEVEN[-fail_count:]}
    result = decide_gates(lot_of(), SEVEN, votes_with_fails(SEVEN, "ABC", fails))
    assert result.outcome("A").rejected is rejected


def test_half_of_an_even_committee_is_not_a_majority():
    four = FIVE[:4]
    fails = {(e, "A", "licence"): "资质不符" for e in four[:2]}
    assert (
        not decide_gates(lot_of(), four, votes_with_fails(four, "ABC", fails)).outcome("A").rejected
    )


def test_failing_any_item_rejects_and_every_failed_item_is_kept():
    fails = {(e, "C", item): f"{item} 不合格" for e in FIVE[:3] for item in GATES}
    fails[("e5", "C", "bond")] = "另一个理由"
    outcome = decide_gates(lot_of(), FIVE, votes_with_fails(FIVE, "ABC", fails)).outcome("C")
    assert outcome.rejected
    assert [f.item_id for f in outcome.failures] == ["licence", "bond"]  # plan order
    assert outcome.failures[1].reasons[-1] == ("e5", "另一个理由")
    assert outcome.failures[1].fail_votes == 4


def test_split_fails_across_items_do_not_add_up():
    # 2 fail licence and 2 (other experts) fail bond: no item has a majority
    fails = {
        ("e1", "A", "licence"): "x",
        ("e2", "A", "licence"): "x",
        ("e3", "A", "bond"): "y",
        ("e4", "A", "bond"): "y",
    }
    outcome = decide_gates(lot_of(), FIVE, votes_with_fails(FIVE, "ABC", fails)).outcome("A")
    assert not outcome.rejected
    assert len(outcome.minority_fails) == 2


@pytest.mark.parametrize("reason", ["", "   "])
def test_fail_without_reason_is_refused(reason):
    with pytest.raises(GateError, match="without a reason"):
        check_vote(GateVote("e1", "A", "bond", False, reason))
    votes = votes_with_fails(FIVE, "ABC", {("e1", "A", "bond"): reason})
    with pytest.raises(GateError, match=r"'e1'.*'A'.*'bond'"):
        decide_gates(lot_of(), FIVE, votes)


def test_missing_votes_are_named():
    votes = [
        v for v in all_pass(FIVE, "ABC", GATES) if not (v.expert_id == "e4" and v.bidder_id == "B")
    ]
    with pytest.raises(GateError) as caught:
        decide_gates(lot_of(), FIVE, votes)
    assert "e4/B/licence" in str(caught.value) and "e4/B/bond" in str(caught.value)


def test_duplicate_vote_is_refused():
    votes = [*all_pass(FIVE, "ABC", GATES), GateVote("e2", "A", "bond", True)]
    with pytest.raises(GateError, match="duplicate vote by 'e2'"):
        decide_gates(lot_of(), FIVE, votes)


@pytest.mark.parametrize(
    "stray, words",
    [
        (GateVote("x9", "A", "bond", True), "not on the committee"),
        (GateVote("e1", "Z", "bond", True), "unknown bidder"),
        (GateVote("e1", "A", "price", True), "not a gate item"),
    ],
)
def test_stray_votes_are_refused(stray, words):
    with pytest.raises(GateError, match=words):
        decide_gates(lot_of(), FIVE, [*all_pass(FIVE, "ABC", GATES), stray])


def test_committee_must_be_non_empty_and_distinct():
    with pytest.raises(GateError, match="no expert"):
        decide_gates(lot_of(), (), [])
    with pytest.raises(GateError, match="e1"):
        decide_gates(lot_of(), ("e1", "e1", "e2"), [])


def test_over_ceiling_rejected_with_reason_and_votes_not_required():
    lot = lot_of({"A": "100", "B": "100.01", "C": "90"}, ceiling="100")
    votes = all_pass(FIVE, "AC", GATES)  # nobody voted on B
    result = decide_gates(lot, FIVE, votes)
    assert result.valid_bidder_ids == ("A", "C")  # equal to the ceiling is valid
    outcome = result.outcome("B")
    assert outcome.rejected and outcome.failures == ()
    assert (outcome.over_ceiling.ceiling, outcome.over_ceiling.price) == (D("100"), D("100.01"))
    assert "100.01" in outcome.over_ceiling.reason and "100" in outcome.over_ceiling.reason
    assert outcome.over_ceiling.reason_zh == "投标报价 100.01 元超过最高限价 100.00 元"


def test_votes_on_over_ceiling_bidder_are_recorded():
    lot = lot_of({"A": "100", "B": "120"}, ceiling="100")
    fails = {(e, "B", "licence"): "无资质" for e in FIVE}
    outcome = decide_gates(lot, FIVE, votes_with_fails(FIVE, "AB", fails)).outcome("B")
    assert outcome.over_ceiling is not None
    assert outcome.failures[0].fail_votes == 5


def test_no_gate_items_means_everyone_passes():
    lot = make_lot(make_plan(price=price_item()), {"A": "1", "B": "2"})
    assert decide_gates(lot, FIVE, []).valid_bidder_ids == ("A", "B")


def test_vote_order_does_not_matter():
    fails = {(e, "B", "bond"): "理由" for e in FIVE[:3]}
    votes = votes_with_fails(FIVE, "ABC", fails)
    assert decide_gates(lot_of(), FIVE, votes) == decide_gates(
        lot_of(), FIVE, list(reversed(votes))
    )
