"""Abnormal deviation (评分畸高畸低): strictly more than share × item max from the others' mean."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from evaluator_app.core.deviation import find_deviations, flags_of, unexplained
from evaluator_app.core.plan import DeviationRule
from tests.core.builders import make_plan, price_item, scored, sheet

# item t: max 10, so with share 0.2 the limit is 0.2 × 10 = 2
PLAN = make_plan(
    technical=[scored("t", 10, step="0.01"), scored("u", 20, step="0.01")], price=price_item(30)
)


def sheets_for(scores, item="t", bidder="A"):
    return [sheet(e, {(bidder, item): v}) for e, v in scores.items()]


def test_exactly_at_the_limit_is_not_flagged():
    # e3 7: others' mean (5 + 5) / 2 = 5, difference 2 = limit → not flagged
    assert find_deviations(PLAN, sheets_for({"e1": "5", "e2": "5", "e3": "7"})) == ()


def test_just_above_the_limit_is_flagged():
    # e3 7.01: others' mean 5, difference 2.01 > 2 → flagged (e1: others' mean 6.005, 1.005 → not)
    flags = find_deviations(PLAN, sheets_for({"e1": "5", "e2": "5", "e3": "7.01"}))
    assert len(flags) == 1
    flag = flags[0]
    assert (flag.expert_id, flag.bidder_id, flag.item_id) == ("e3", "A", "t")
    assert (flag.score, flag.others_mean, flag.difference, flag.limit) == (
        D("7.01"),
        D(5),
        D("2.01"),
        D("2.0"),
    )


def test_low_score_is_flagged_with_negative_difference():
    # e1 2.9: others' mean 5, difference −2.1
    flags = find_deviations(PLAN, sheets_for({"e1": "2.9", "e2": "5", "e3": "5"}))
    assert [(f.expert_id, f.difference) for f in flags] == [("e1", D("-2.1"))]


def test_boundary_with_a_repeating_mean_is_exact():
    # others 1, 1, 2: mean 4/3 = 1.333…; the limit is crossed above 4/3 + 2 = 3.333…
    # 3.33 differs by 1.99666… (not flagged); 3.34 by 2.00666… (flagged)
    assert (
        flags_of(
            find_deviations(PLAN, sheets_for({"a": "1", "b": "1", "c": "2", "x": "3.33"})), "x"
        )
        == ()
    )
    flags = flags_of(
        find_deviations(PLAN, sheets_for({"a": "1", "b": "1", "c": "2", "x": "3.34"})), "x"
    )
    assert len(flags) == 1
    assert flags[0].others_mean == D("1.333333333333333333333333333333333")


def test_limit_uses_the_item_max():
    # item u: max 20, limit 4; a difference of 3 is fine there
    assert find_deviations(PLAN, sheets_for({"e1": "10", "e2": "13"}, item="u")) == ()
    assert len(find_deviations(PLAN, sheets_for({"e1": "10", "e2": "14.5"}, item="u"))) == 2


def test_two_experts_flag_each_other():
    flags = find_deviations(PLAN, sheets_for({"e1": "2", "e2": "9"}))
    assert [(f.expert_id, f.difference) for f in flags] == [("e1", D(-7)), ("e2", D(7))]


def test_needs_two_experts():
    assert find_deviations(PLAN, sheets_for({"e1": "0"})) == ()
    assert find_deviations(PLAN, []) == ()


def test_share_from_plan():
    plan = make_plan(
        technical=[scored("t", 10, step="0.01")], deviation=DeviationRule(share=D("0.1"))
    )
    # limit 0.1 × 10 = 1: difference 1.5 flagged here, not under the default 0.2
    assert len(find_deviations(plan, sheets_for({"e1": "5", "e2": "5", "e3": "6.5"}))) == 1
    assert find_deviations(PLAN, sheets_for({"e1": "5", "e2": "5", "e3": "6.5"})) == ()


def test_order_is_by_expert_bidder_item():
    sheets = [
        sheet("e2", {("B", "t"): "9", ("A", "t"): "9"}),
        sheet("e1", {("B", "t"): "1", ("A", "t"): "1"}),
    ]
    assert [(f.expert_id, f.bidder_id) for f in find_deviations(PLAN, sheets)] == [
        ("e1", "A"),
        ("e1", "B"),
        ("e2", "A"),
        ("e2", "B"),
    ]


@pytest.mark.parametrize(
    "text, left", [(None, 1), ("", 1), ("   ", 1), ("该投标人方案有明显缺陷", 0)]
)
def test_unexplained_needs_non_blank_text(text, left):
    flags = flags_of(find_deviations(PLAN, sheets_for({"e1": "5", "e2": "5", "e3": "9"})), "e3")
    explanations = {} if text is None else {("A", "t"): text}
    assert len(unexplained(flags, explanations)) == left


def test_explanation_for_another_cell_does_not_count():
    flags = flags_of(find_deviations(PLAN, sheets_for({"e1": "5", "e2": "5", "e3": "9"})), "e3")
    assert unexplained(flags, {("B", "t"): "理由", ("A", "u"): "理由"}) == flags
