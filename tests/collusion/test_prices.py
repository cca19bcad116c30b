"""Price patterns, in Decimal: progressions, clusters, the ceiling, identical unit prices."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator_app.venue.collusion import DEFAULTS, BidPackageInfo, BillItem, WarningKind
from evaluator_app.venue.collusion.prices import (
    ceiling_warnings,
    cluster_warnings,
    identical_price_warnings,
    price_warnings,
    progression_warnings,
    unit_price_warnings,
)

D = Decimal


def prices(**kw: str) -> dict[str, Decimal]:
    return {k: D(v) for k, v in kw.items()}


def test_exact_progression_among_irregular_bids_is_found_with_its_bidders():
    bids = prices(A="1000000", B="1020000", C="1040000", D="1060000", E="1200000", F="1370500")
    (w,) = progression_warnings(bids, DEFAULTS)
    assert w.bidders == ("A", "B", "C", "D") and w.strength.value == "strong"
    assert (
        w.threshold.name == "collusion.prices.progression_tolerance"
        and w.threshold.observed == "0.0000"
    )


def test_near_progression_within_tolerance_counts_and_just_outside_does_not():
    inside = prices(
        A="1000000", B="1010000", C="1020019"
    )  # step deviation 19/20000 < 0.002 of the step
    outside = prices(A="1000000", B="1010000", C="1020050")  # 50 / 10025 ≈ 0.0025 > 0.002
    assert [w.bidders for w in progression_warnings(inside, DEFAULTS)] == [("A", "B", "C")]
    assert progression_warnings(outside, DEFAULTS) == []


@settings(max_examples=60, deadline=None)
@given(
    start=st.integers(10_000_000, 50_000_000),
    step=st.integers(10_000, 500_000),
    length=st.integers(3, 6),
    cents=st.integers(0, 99),
)
def test_any_planted_progression_is_found(start, step, length, cents):
    bids = {f"P{i}": D(start + i * step) + D(cents) / 100 for i in range(length)}
    far = D(start + length * step) * D("1.3")  # an honest bid far above
    bids["X"] = far
    found = progression_warnings(bids, DEFAULTS)
    assert [w.bidders for w in found] == [tuple(sorted(f"P{i}" for i in range(length)))]
    assert all(isinstance(v, Decimal) for v in bids.values())


def test_cluster_within_spread_and_identical_bids():
    bids = prices(A="10000000", B="10010000", C="10029000", D="11000000", E="12500000")
    (w,) = cluster_warnings(bids, dataclasses.replace(DEFAULTS, prices_cluster_spread=D("0.003")))
    assert w.bidders == ("A", "B", "C") and w.threshold.observed == "0.0029"
    assert cluster_warnings(bids, DEFAULTS) == []  # 0.1 %
    (w,) = cluster_warnings(
        prices(A="10000000", B="10004000", C="10009999", D="12000000"), DEFAULTS
    )
    assert w.bidders == ("A", "B", "C") and w.threshold.limit == "0.001"
    same = identical_price_warnings(prices(A="5000000.00", B="5000000", C="6000000"))
    assert [(w.kind, w.bidders) for w in same] == [(WarningKind.IDENTICAL_PRICES, ("A", "B"))]


def test_bids_just_below_the_ceiling():
    bids = prices(
        A="9990000", B="9960000", C="9000000", D="10000001"
    )  # D is above: invalid, not "near"
    (w,) = ceiling_warnings(bids, D("10000000"), DEFAULTS)
    assert w.bidders == ("A", "B") and w.threshold.observed == "0.0040"
    assert ceiling_warnings(prices(A="9990000", C="9000000"), D("10000000"), DEFAULTS) == []
    assert ceiling_warnings(bids, None, DEFAULTS) == []


def bill(bidder: str, unit_prices: list[str]) -> BidPackageInfo:
    items = tuple(
        BillItem(f"C{k:03d}", f"item {k}", "m3", D(10), D(p)) for k, p in enumerate(unit_prices)
    )
    return BidPackageInfo(bidder, bill_of_quantities=items)


def test_identical_unit_prices_ignore_items_fixed_by_the_tender():
    fixed = ["100.00"] * 10  # provisional sums: every bidder quotes the same
    a = bill("A", fixed + [f"{200 + k}.10" for k in range(10)])
    b = bill("B", fixed + [f"{200 + k}.10" for k in range(6)] + [f"{300 + k}.55" for k in range(4)])
    c = bill("C", fixed + [f"{400 + k}.30" for k in range(10)])
    (w,) = unit_price_warnings([a, b, c], DEFAULTS)
    assert w.bidders == ("A", "B") and w.summary.startswith("6 of 10")
    assert w.threshold.observed == "0.6000" and w.strength.value == "strong"
    # only the fixed items in common: nothing
    assert unit_price_warnings([a, c, bill("D", fixed)], DEFAULTS) == []


def test_clean_prices_give_nothing():
    bids = prices(
        A="31234567.12", B="32876543.21", C="34567123.45", D="36012345.00", E="38765432.10"
    )
    assert price_warnings(bids, D("40000000"), [], DEFAULTS) == []
