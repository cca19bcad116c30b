"""Experts' totals, the (trimmed) mean, and the single rounding of the final score."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from evaluator_app.core.aggregate import ItemScore, ScoreSheetData, aggregate
from evaluator_app.core.errors import AggregationError
from evaluator_app.core.plan import AggregationRule, Rounding
from evaluator_app.core.price import compute_price_scores
from tests.core.builders import make_lot, make_plan, price_item, scored, sheet, uniform_sheet

SEVEN = ("e1", "e2", "e3", "e4", "e5", "e6", "e7")


def setup(aggregation=AggregationRule(), prices=None, step="1"):
    plan = make_plan(
        technical=[scored("t", 70, step=step)],
        commercial=[scored("c", 20, step=step)],
        price=price_item(30),
        aggregation=aggregation,
    )
    lot = make_lot(plan, prices or {"A": "100"})
    bids = {b.id: b.price for b in lot.bidders}
    return lot, (compute_price_scores(plan.price_items[0], bids, aggregation),)


def test_totals_and_technical_subtotal():
    # bidders A 100 and B 90: price points A 90/100 × 30 = 27.00, B 30.00
    # e1: A t 40 + c 15 + 27 = 82; B t 35 + c 10 + 30 = 75
    # e2: A t 44 + c 16 + 27 = 87; B t 37 + c 12 + 30 = 79
    # A: (82 + 87) / 2 = 84.5 → 84.50, technical (40 + 44) / 2 = 42.00
    # B: (75 + 79) / 2 = 77 → 77.00, technical (35 + 37) / 2 = 36.00
    lot, prices = setup(prices={"A": "100", "B": "90"})
    sheets = [
        sheet("e1", {("A", "t"): 40, ("A", "c"): 15, ("B", "t"): 35, ("B", "c"): 10}),
        sheet("e2", {("A", "t"): 44, ("A", "c"): 16, ("B", "t"): 37, ("B", "c"): 12}),
    ]
    result = aggregate(lot, sheets, prices, ["A", "B"])
    a = result.of("A")
    assert a.total_of("e1").scored == D(55) and a.total_of("e1").price == D("27.00")
    assert a.total_of("e1").total == D("82.00") and a.total_of("e1").technical == D(40)
    assert a.final == D("84.50") and a.technical.final == D("42.00")
    assert a.dropped_expert_ids == ()
    assert result.final_of("B") == D("77.00") and result.of("B").technical.final == D("36.00")
    assert result.experts == ("e1", "e2") and not result.trimmed


def seven_sheets(technical_scores):
    return [
        uniform_sheet(e, "A", {"t": t, "c": 0})
        for e, t in zip(SEVEN, technical_scores, strict=False)
    ]


def test_trimmed_mean_with_seven_experts():
    # single bidder A: price 30.00; totals = t + 30: 80, 82, 84, 86, 88, 90, 99
    # trimmed: drop 99 (e7) and 80 (e1): (82 + 84 + 86 + 88 + 90) / 5 = 430 / 5 = 86.00
    # the plain mean would be 609 / 7 = 87.00
    lot, prices = setup(AggregationRule(trimmed=True, trim_min_experts=7))
    result = aggregate(lot, seven_sheets([50, 52, 54, 56, 58, 60, 69]), prices, ["A"])
    a = result.of("A")
    assert result.trimmed
    assert a.final == D("86.00") and a.mean == D(86)
    assert a.dropped_expert_ids == ("e7", "e1")  # (highest, lowest)
    assert a.technical.final == D("56.00")  # (52 + 54 + 56 + 58 + 60) / 5


def test_not_trimmed_below_trim_min_experts():
    lot, prices = setup(AggregationRule(trimmed=True, trim_min_experts=9))
    result = aggregate(lot, seven_sheets([50, 52, 54, 56, 58, 60, 69]), prices, ["A"])
    assert not result.trimmed
    assert result.final_of("A") == D("87.00")  # 609 / 7
    assert result.of("A").dropped_expert_ids == ()


def test_not_trimmed_when_rule_says_so():
    lot, prices = setup(AggregationRule(trimmed=False))
    assert aggregate(lot, seven_sheets([50, 52, 54, 56, 58, 60, 69]), prices, ["A"]).final_of(
        "A"
    ) == D("87.00")


def test_trimmed_with_equal_totals_drops_two_experts():
    lot, prices = setup(AggregationRule(trimmed=True, trim_min_experts=3))
    sheets = [uniform_sheet(e, "A", {"t": 40, "c": 10}) for e in ("e3", "e1", "e2")]
    a = aggregate(lot, sheets, prices, ["A"]).of("A")
    assert a.dropped_expert_ids == ("e2", "e1")
    assert a.final == D("80.00")


@pytest.mark.parametrize(
    "rounding, expected",
    [
        (Rounding.HALF_UP, D("85.13")),
        (Rounding.HALF_EVEN, D("85.12")),
        (Rounding.DOWN, D("85.12")),
    ],
)
def test_final_rounded_once_with_plan_rule(rounding, expected):
    # totals 55 + 30 = 85.00 and 55.25 + 30 = 85.25: mean 170.25 / 2 = 85.125 exactly
    lot, prices = setup(AggregationRule(rounding=rounding), step="0.25")
    sheets = [
        uniform_sheet("e1", "A", {"t": "45", "c": "10"}),
        uniform_sheet("e2", "A", {"t": "45.25", "c": "10"}),
    ]
    a = aggregate(lot, sheets, prices, ["A"]).of("A")
    assert a.mean == D("85.125")
    assert a.final == expected


def test_repeating_mean_kept_unrounded_for_audit():
    # totals 85, 85, 86: 256 / 3 = 85.333… → 85.33; one decimal → 85.3
    sheets = [
        uniform_sheet(e, "A", {"t": t, "c": 0}) for e, t in (("e1", 55), ("e2", 55), ("e3", 56))
    ]
    lot, prices = setup()
    a = aggregate(lot, sheets, prices, ["A"]).of("A")
    assert a.mean == D("85.33333333333333333333333333333333")
    assert a.final == D("85.33")
    lot, prices = setup(AggregationRule(decimals=1))
    assert aggregate(lot, sheets, prices, ["A"]).final_of("A") == D("85.3")


def test_missing_score_is_named():
    lot, prices = setup(prices={"A": "100", "B": "90"})
    sheets = [sheet("e1", {("A", "t"): 40, ("A", "c"): 15, ("B", "t"): 35})]
    with pytest.raises(AggregationError, match=r"expert 'e1'.*B/c"):
        aggregate(lot, sheets, prices, ["A", "B"])


@pytest.mark.parametrize(
    "extra, words",
    [
        (ItemScore("C", "t", D(1)), "not a valid bidder"),
        (ItemScore("A", "price", D(1)), "not a scored item"),
        (ItemScore("A", "t", D(1)), "two scores"),
        (ItemScore("A", "zzz", D(1)), "not a scored item"),
    ],
)
def test_unknown_or_duplicate_scores_are_refused(extra, words):
    lot, prices = setup(prices={"A": "100", "B": "90", "C": "80"})
    good = uniform_sheet("e1", "AB", {"t": 40, "c": 10})
    bad = ScoreSheetData("e1", (*good.scores, extra))
    with pytest.raises(AggregationError, match=words):
        aggregate(lot, [bad], prices, ["A", "B"])  # C was rejected at the gates


def test_invalid_score_is_refused():
    lot, prices = setup()
    with pytest.raises(AggregationError, match=r"'e1'.*'t'.*out of range"):
        aggregate(lot, [uniform_sheet("e1", "A", {"t": 71, "c": 10})], prices, ["A"])


def test_two_sheets_from_one_expert_and_no_sheet():
    lot, prices = setup()
    one = uniform_sheet("e1", "A", {"t": 40, "c": 10})
    with pytest.raises(AggregationError, match="two score sheets from expert 'e1'"):
        aggregate(lot, [one, one], prices, ["A"])
    with pytest.raises(AggregationError, match="no score sheet"):
        aggregate(lot, [], prices, ["A"])


def test_price_results_must_match_plan_and_bidders():
    lot, _prices = setup()
    good = [uniform_sheet("e1", "A", {"t": 40, "c": 10})]
    with pytest.raises(AggregationError, match="price results"):
        aggregate(lot, good, (), ["A"])
    _other_lot, other_prices = setup(prices={"B": "100"})
    with pytest.raises(AggregationError, match="valid bidders not in lot"):
        aggregate(lot, good, other_prices, ["B"])


def test_no_valid_bidder_gives_empty_aggregate():
    lot, _prices = setup()
    result = aggregate(lot, [ScoreSheetData("e1", ())], (), [])
    assert result.bidders == ()
