"""Price formulas, with the arithmetic written out beside each expected number."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from evaluator_app.core.errors import PriceError
from evaluator_app.core.plan import AggregationRule, BenchmarkPrice, LowPriceFirst, Rounding
from evaluator_app.core.price import compute_price_scores, split_by_ceiling
from tests.core.builders import make_lot, make_plan, price_item

BIDS = {"A": D("100"), "B": D("95"), "C": D("90"), "D": D("120")}
HALF_UP = AggregationRule()


def scores(result):
    return {s.bidder_id: s.score for s in result.scores}


# --- low price first ---------------------------------------------------------------------


def test_low_price_first_worked_example():
    # benchmark = lowest valid bid = 90; score = 90 × 30 / bid
    #   A: 2700 / 100 = 27            → 27.00
    #   B: 2700 / 95  = 28.42105…     → 28.42
    #   C: 2700 / 90  = 30            → 30.00
    #   D: 2700 / 120 = 22.5          → 22.50
    result = compute_price_scores(price_item(30), BIDS, HALF_UP)
    assert result.formula == "low_price_first"
    assert result.benchmark == D("90")
    assert result.dropped_bidder_ids == ()
    assert scores(result) == {"A": D("27.00"), "B": D("28.42"), "C": D("30.00"), "D": D("22.50")}
    assert result.entry("B").raw == D("28.42105263157894736842105263157894")  # 34 digits, unrounded
    assert result.entry("B").deviation_percent is None
    assert result.score_of("C") == D("30.00")


@pytest.mark.parametrize(
    "rounding, expected",
    [(Rounding.HALF_UP, D("8.41")), (Rounding.HALF_EVEN, D("8.40")), (Rounding.DOWN, D("8.40"))],
)
def test_low_price_first_score_rounded_once_with_plan_rule(rounding, expected):
    # 84.05 × 10 / 100 = 8.405 exactly: the rule decides the last digit
    result = compute_price_scores(
        price_item(10), {"A": D("84.05"), "B": D("100")}, AggregationRule(rounding=rounding)
    )
    assert result.entry("B").raw == D("8.405")
    assert result.score_of("B") == expected


def test_low_price_first_decimals_from_plan():
    # 90 × 30 / 95 = 28.421052… → 28.4 with one decimal, 28 with none
    assert compute_price_scores(price_item(30), BIDS, AggregationRule(decimals=1)).score_of(
        "B"
    ) == D("28.4")
    assert compute_price_scores(price_item(30), BIDS, AggregationRule(decimals=0)).score_of(
        "B"
    ) == D("28")


def test_single_bid_gets_full_points():
    assert compute_price_scores(price_item(30), {"A": D("123.45")}, HALF_UP).score_of("A") == D(
        "30.00"
    )


# --- benchmark price ---------------------------------------------------------------------

FORMULA = BenchmarkPrice(k=D("0.02"), e_above=D("1"), e_below=D("0.5"))


def test_benchmark_price_worked_example():
    # mean = (100 + 95 + 90 + 120) / 4 = 405 / 4 = 101.25
    # benchmark = 101.25 × (1 − 0.02) = 99.225 → 99.23 (fen, half up)
    # A 100 > 99.23: 0.77 / 99.23 × 100 = 0.77598 %, × E_above 1   → 30 − 0.77598 = 29.22402 → 29.22
    # B  95 < 99.23: 4.23 / 99.23 × 100 = 4.26282 %, × E_below 0.5 → 30 − 2.13141 = 27.86859 → 27.87
    # C  90 < 99.23: 9.23 / 99.23 × 100 = 9.30162 %, × 0.5         → 30 − 4.65081 = 25.34919 → 25.35
    # D 120 > 99.23: 20.77 / 99.23 × 100 = 20.93117 %, × 1         → 30 − 20.93117 = 9.06883 → 9.07
    result = compute_price_scores(price_item(30, FORMULA), BIDS, HALF_UP)
    assert result.formula == "benchmark_price"
    assert result.benchmark == D("99.23")
    assert result.dropped_bidder_ids == ()
    assert scores(result) == {"A": D("29.22"), "B": D("27.87"), "C": D("25.35"), "D": D("9.07")}
    assert result.entry("D").deviation_percent.quantize(D("0.00001")) == D("20.93117")


def test_benchmark_is_rounded_to_fen_half_up_whatever_the_plan_rule():
    # 99.225 would be 99.22 under half-even; the benchmark is a price and always goes half up
    result = compute_price_scores(
        price_item(30, FORMULA), BIDS, AggregationRule(rounding=Rounding.HALF_EVEN)
    )
    assert result.benchmark == D("99.23")


def test_trimmed_benchmark_with_enough_bids():
    # trim_min_bids = 4 and 4 bids: drop the highest (D 120) and the lowest (C 90)
    # mean = (100 + 95) / 2 = 97.5; benchmark = 97.5 × 0.98 = 95.55
    # A 100: 4.45 / 95.55 × 100 = 4.65725 %, × 1   → 30 − 4.65725 = 25.34275 → 25.34
    # B  95: 0.55 / 95.55 × 100 = 0.57561 %, × 0.5 → 30 − 0.28781 = 29.71219 → 29.71
    # C  90: 5.55 / 95.55 × 100 = 5.80848 %, × 0.5 → 30 − 2.90424 = 27.09576 → 27.10
    # D 120: 24.45 / 95.55 × 100 = 25.58870 %, × 1 → 30 − 25.58870 = 4.41130 → 4.41
    # dropped bidders are still scored against the benchmark
    formula = BenchmarkPrice(k=D("0.02"), e_above=D("1"), e_below=D("0.5"), trim_min_bids=4)
    result = compute_price_scores(price_item(30, formula), BIDS, HALF_UP)
    assert result.benchmark == D("95.55")
    assert result.dropped_bidder_ids == ("D", "C")  # (highest, lowest)
    assert scores(result) == {"A": D("25.34"), "B": D("29.71"), "C": D("27.10"), "D": D("4.41")}


def test_no_trim_without_enough_bids():
    # trim_min_bids = 5 but only 4 bids: plain mean, as in the worked example (99.23)
    formula = BenchmarkPrice(k=D("0.02"), e_above=D("1"), e_below=D("0.5"), trim_min_bids=5)
    result = compute_price_scores(price_item(30, formula), BIDS, HALF_UP)
    assert result.benchmark == D("99.23")
    assert result.dropped_bidder_ids == ()


def test_trim_with_equal_prices_drops_two_distinct_bidders():
    # all at 100: the amount dropped is the same; the first ids are named, never one bidder twice
    formula = BenchmarkPrice(trim_min_bids=3)
    result = compute_price_scores(
        price_item(30, formula), {"C": D(100), "A": D(100), "B": D(100)}, HALF_UP
    )
    assert result.dropped_bidder_ids == ("B", "A")
    assert result.benchmark == D("100.00")
    assert set(scores(result).values()) == {D("30.00")}


def test_benchmark_score_never_below_zero():
    # K = 0: benchmark = (100 + 200) / 2 = 150.00
    # B 200: 50 / 150 × 100 = 33.333 %, × 1 → 30 − 33.333 = −3.333 → 0 (raw kept: −3.333…)
    # A 100: 33.333 % × 0.5 = 16.667        → 30 − 16.667 = 13.333 → 13.33
    formula = BenchmarkPrice(k=D(0), e_above=D(1), e_below=D("0.5"))
    result = compute_price_scores(price_item(30, formula), {"A": D(100), "B": D(200)}, HALF_UP)
    assert result.benchmark == D("150.00")
    assert result.score_of("B") == D("0.00")
    assert result.entry("B").raw < 0
    assert result.score_of("A") == D("13.33")


def test_bid_equal_to_benchmark_gets_full_points():
    formula = BenchmarkPrice(k=D(0))
    result = compute_price_scores(
        price_item(30, formula), {"A": D(90), "B": D(110), "C": D(100)}, HALF_UP
    )
    assert result.benchmark == D("100.00")
    assert result.score_of("C") == D("30.00")
    # A 90: 10 % × 0.5 = 5 → 25.00; B 110: 10 % × 1 = 10 → 20.00
    assert (result.score_of("A"), result.score_of("B")) == (D("25.00"), D("20.00"))


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize("formula", [LowPriceFirst(), FORMULA])
def test_no_valid_bid_is_an_error(formula):
    with pytest.raises(PriceError, match="no valid bid"):
        compute_price_scores(price_item(30, formula), {}, HALF_UP)


@pytest.mark.parametrize("bad", [D(0), D("-1"), D("NaN"), D("Infinity"), 100.0])
def test_non_positive_or_non_decimal_price_is_an_error(bad):
    with pytest.raises(PriceError, match="'B'"):
        compute_price_scores(price_item(30), {"A": D(100), "B": bad}, HALF_UP)


def test_benchmark_not_positive_is_an_error():
    formula = BenchmarkPrice(k=D(1))  # (1 − 1) × mean = 0
    with pytest.raises(PriceError, match="benchmark"):
        compute_price_scores(price_item(30, formula), {"A": D(100)}, HALF_UP)


# --- ceiling price -----------------------------------------------------------------------


def test_ceiling_equal_is_valid_and_above_is_not():
    lot = make_lot(
        make_plan(price=price_item()), {"A": "100.00", "B": "100.01", "C": "99"}, ceiling="100"
    )
    valid, over = split_by_ceiling(lot)
    assert valid == {"A": D("100.00"), "C": D("99")}
    assert over == ("B",)


def test_no_ceiling_means_all_valid():
    lot = make_lot(make_plan(price=price_item()), {"A": "1000000", "B": "1"})
    assert split_by_ceiling(lot) == ({"A": D("1000000"), "B": D("1")}, ())


def test_result_does_not_depend_on_bid_order():
    forward = compute_price_scores(price_item(30, FORMULA), BIDS, HALF_UP)
    backward = compute_price_scores(
        price_item(30, FORMULA), dict(reversed(list(BIDS.items()))), HALF_UP
    )
    assert forward == backward
