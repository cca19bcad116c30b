"""Properties: order does not matter, trimmed means stay in range, and every rounded figure
equals the exact rational value (fractions.Fraction) rounded once by an independent rounder."""

from __future__ import annotations

import random
from decimal import Decimal as D
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator_app.core.aggregate import ScoreSheetData, aggregate
from evaluator_app.core.deviation import find_deviations
from evaluator_app.core.plan import AggregationRule, BenchmarkPrice, Lot, Rounding
from evaluator_app.core.price import compute_price_scores
from evaluator_app.core.ranking import rank
from tests.core.builders import make_lot, make_plan, price_item, scored, sheet

SETTINGS = settings(max_examples=120, deadline=None)
ITEMS = (("t", 40), ("c", 20))  # id, max; step 0.25
ROUNDINGS = st.sampled_from(list(Rounding))


def round_fraction(value: Fraction, decimals: int, rounding: Rounding) -> Fraction:
    """Independent reference rounder on exact rationals."""
    sign = -1 if value < 0 else 1
    scaled = abs(value) * 10**decimals
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    rest_fraction = Fraction(rest, scaled.denominator)
    if (rounding is Rounding.HALF_UP and rest_fraction >= Fraction(1, 2)) or (
        rounding is Rounding.HALF_EVEN
        and (rest_fraction > Fraction(1, 2) or (rest_fraction == Fraction(1, 2) and whole % 2 == 1))
    ):
        whole += 1
    return sign * Fraction(whole, 10**decimals)


prices_in_fen = st.integers(min_value=1, max_value=10**9).map(lambda fen: D(fen).scaleb(-2))


@st.composite
def evaluations(draw):
    experts = [f"e{i}" for i in range(draw(st.integers(1, 9)))]
    bidders = [f"b{i}" for i in range(draw(st.integers(1, 5)))]
    rule = AggregationRule(
        trimmed=draw(st.booleans()),
        trim_min_experts=draw(st.integers(3, 9)),
        decimals=draw(st.integers(0, 3)),
        rounding=draw(ROUNDINGS),
    )
    plan = make_plan(
        technical=[scored("t", 40, step="0.25")],
        commercial=[scored("c", 20, step="0.25")],
        price=price_item(30),
        aggregation=rule,
    )
    lot = make_lot(plan, {b: draw(prices_in_fen) for b in bidders})
    sheets = [
        sheet(e, {(b, i): D(draw(st.integers(0, m * 4))) / 4 for b in bidders for i, m in ITEMS})
        for e in experts
    ]
    return lot, sheets


def run(lot: Lot, sheets: list[ScoreSheetData]):
    plan = lot.plan
    bids = {b.id: b.price for b in lot.bidders}
    prices = (compute_price_scores(plan.price_items[0], bids, plan.aggregation),)
    totals = aggregate(lot, sheets, prices, list(bids))
    return prices, totals, rank(lot, totals), find_deviations(plan, sheets)


@SETTINGS
@given(evaluations(), st.randoms(use_true_random=False))
def test_reordering_experts_bidders_and_scores_changes_nothing(case, rnd: random.Random):
    lot, sheets = case
    shuffled_sheets = [
        ScoreSheetData(s.expert_id, tuple(rnd.sample(s.scores, len(s.scores))))
        for s in rnd.sample(sheets, len(sheets))
    ]
    shuffled_lot = Lot(
        lot.id,
        lot.name,
        tuple(rnd.sample(lot.bidders, len(lot.bidders))),
        lot.plan,
        lot.ceiling_price,
    )
    assert run(lot, sheets) == run(shuffled_lot, shuffled_sheets)


@SETTINGS
@given(evaluations())
def test_final_is_the_exact_rational_mean_rounded_once(case):
    lot, sheets = case
    rule = lot.plan.aggregation
    prices, totals, _ranking, _flags = run(lot, sheets)
    for bidder in totals.bidders:
        price = Fraction(prices[0].score_of(bidder.bidder_id))
        values = sorted(
            sum(
                (Fraction(x.score) for x in s.scores if x.bidder_id == bidder.bidder_id),
                Fraction(0),
            )
            + price
            for s in sheets
        )
        if totals.trimmed:
            values = values[1:-1]
        exact_mean = sum(values, Fraction(0)) / len(values)
        assert Fraction(bidder.final) == round_fraction(exact_mean, rule.decimals, rule.rounding)
        assert bidder.final.as_tuple().exponent == -rule.decimals


@SETTINGS
@given(
    st.lists(st.integers(0, 10**6).map(lambda n: D(n).scaleb(-2)), min_size=3, max_size=12),
    ROUNDINGS,
)
def test_trimmed_mean_lies_between_min_and_max(scores, rounding):
    plan = make_plan(
        technical=[scored("t", 10**4, step="0.01")],
        aggregation=AggregationRule(trimmed=True, trim_min_experts=3, rounding=rounding),
    )
    lot = make_lot(plan, {"A": "1"})
    sheets = [sheet(f"e{i:02}", {("A", "t"): v}) for i, v in enumerate(scores)]
    result = aggregate(lot, sheets, (), ["A"]).of("A")
    assert min(scores) <= result.mean <= max(scores)
    assert (
        plan.aggregation.round(min(scores)) <= result.final <= plan.aggregation.round(max(scores))
    )
    assert len(result.dropped_expert_ids) == 2 and len(set(result.dropped_expert_ids)) == 2


@SETTINGS
@given(st.lists(prices_in_fen, min_size=1, max_size=10), ROUNDINGS, st.integers(0, 3))
def test_low_price_first_is_exact_and_within_full(bids, rounding, decimals):
    rule = AggregationRule(decimals=decimals, rounding=rounding)
    full = D(30)
    result = compute_price_scores(price_item(full), {f"b{i}": p for i, p in enumerate(bids)}, rule)
    low = Fraction(min(bids))
    for i, price in enumerate(bids):
        score = result.score_of(f"b{i}")
        assert 0 <= score <= full
        assert Fraction(score) == round_fraction(low * 30 / Fraction(price), decimals, rounding)


@SETTINGS
@given(
    st.lists(prices_in_fen, min_size=1, max_size=10),
    st.integers(0, 10).map(lambda n: D(n) / 100),  # K from 0 to 0.10
    st.sampled_from([D("0.5"), D(1), D(2)]),
    st.sampled_from([D("0.25"), D("0.5"), D(1)]),
    st.sampled_from([None, 3, 5]),
    ROUNDINGS,
)
def test_benchmark_price_is_exact_and_within_full(bids, k, e_above, e_below, trim, rounding):
    rule = AggregationRule(rounding=rounding)
    formula = BenchmarkPrice(k=k, e_above=e_above, e_below=e_below, trim_min_bids=trim)
    result = compute_price_scores(
        price_item(30, formula), {f"b{i}": p for i, p in enumerate(bids)}, rule
    )
    counted = sorted(Fraction(p) for p in bids)
    if trim is not None and len(counted) >= trim:
        counted = counted[1:-1]
    mean = sum(counted, Fraction(0)) / len(counted) * (1 - Fraction(k))
    benchmark = round_fraction(mean, 2, Rounding.HALF_UP)
    assert Fraction(result.benchmark) == benchmark
    for i, price in enumerate(bids):
        p = Fraction(price)
        e = Fraction(e_above if p > benchmark else e_below)
        raw = 30 - abs(p - benchmark) / benchmark * 100 * e
        score = result.score_of(f"b{i}")
        assert 0 <= score <= 30
        assert Fraction(score) == round_fraction(max(raw, Fraction(0)), 2, rounding)


@SETTINGS
@given(evaluations())
def test_deviation_flags_match_exact_rule(case):
    lot, sheets = case
    _prices, _totals, _ranking, flags = run(lot, sheets)
    flagged = {(f.expert_id, f.bidder_id, f.item_id) for f in flags}
    expected = set()
    if len(sheets) >= 2:
        for s in sheets:
            for x in s.scores:
                others = [
                    Fraction(y.score)
                    for o in sheets
                    if o is not s
                    for y in o.scores
                    if (y.bidder_id, y.item_id) == (x.bidder_id, x.item_id)
                ]
                limit = Fraction(lot.plan.deviation.share) * dict(ITEMS)[x.item_id]
                if abs(Fraction(x.score) - sum(others) / len(others)) > limit:
                    expected.add((s.expert_id, x.bidder_id, x.item_id))
    assert flagged == expected


@SETTINGS
@given(evaluations())
def test_ranking_is_consistent_with_finals(case):
    lot, sheets = case
    _prices, _totals, ranking, _flags = run(lot, sheets)
    positions = [e.position for e in ranking.entries]
    assert positions == sorted(positions) and positions[0] == 1
    finals = [e.final for e in ranking.entries]
    assert finals == sorted(finals, reverse=True)
    assert len(ranking.candidates) + len(ranking.cutoff_tie) >= min(3, len(lot.bidders))
    tied = {b for group in ranking.unresolved_ties for b in group}
    assert len(ranking.entries) - len(tied) + len(ranking.unresolved_ties) == len(set(positions))
