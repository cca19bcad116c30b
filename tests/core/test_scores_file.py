"""The scores file, and the bundled example evaluated end to end with every figure written out."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources

import pytest

from evaluator_app.core.errors import PlanError
from evaluator_app.core.evaluation import evaluate_lot
from evaluator_app.core.project_file import loads_project
from evaluator_app.core.scores_file import loads_scores

EXAMPLES = resources.files("evaluator_app.examples")


@pytest.fixture
def project():
    return loads_project(EXAMPLES.joinpath("project.json").read_bytes())


def scores_data() -> dict:
    return json.loads(EXAMPLES.joinpath("scores.json").read_text("utf-8"))


def test_bundled_example_result(project):
    committee = loads_scores(json.dumps(scores_data()), project)
    lot = project.lot("lot-1")
    result = evaluate_lot(lot, committee.experts, committee.gate_votes, committee.sheets)
    # B4 failed q-bond by 3 of 5; B5 bid 38,760,000 above the 38,500,000 ceiling.
    assert result.gates.valid_bidder_ids == ("B1", "B2", "B3")
    assert [o.bidder_id for o in result.gates.rejected] == ["B4", "B5"]
    assert result.gates.outcome("B4").failures[0].fail_votes == 3
    # Benchmark: (36218450 + 35876200 + 37102980.50) / 3 = 36399210.1666…;
    # × 0.98 = 35671225.963… → 35671225.96
    price = result.price_results[0]
    assert price.benchmark == Decimal("35671225.96")
    # B2: |35876200 − 35671225.96| / 35671225.96 × 100 = 0.5746 %; 40 − 0.5746 × 1 (above) = 39.43
    assert [(s.bidder_id, s.score) for s in price.scores] == [
        ("B1", Decimal("38.47")),
        ("B2", Decimal("39.43")),
        ("B3", Decimal("35.99")),
    ]
    # Five experts < trim_min_experts 7: plain mean. B2: (91.93+94.43+90.93+90.43+85.43)/5 = 90.63
    assert result.aggregate.final_of("B2") == Decimal("90.63")
    assert [(e.bidder_id, e.final) for e in result.ranking.entries] == [
        ("B2", Decimal("90.63")),
        ("B1", Decimal("88.17")),
        ("B3", Decimal("80.19")),
    ]
    # E5 gave B2 6 on 施工组织设计 while the others' mean is 13.0; limit 0.2 × 15 = 3.
    assert [(f.expert_id, f.bidder_id, f.item_id) for f in result.deviations] == [
        ("E5", "B2", "t-organisation")
    ]
    assert committee.explanations_of("E5")[("B2", "t-organisation")].startswith("施工组织设计")


def test_score_outside_its_rule_is_refused_with_the_field(project):
    data = scores_data()
    data["sheets"]["E2"]["B2"]["c-credit"] = "4.5"
    data["sheets"]["E1"]["B1"]["t-schedule"] = "7.3"
    with pytest.raises(PlanError) as info:
        loads_scores(json.dumps(data), project)
    fields = {p.field for p in info.value.problems}
    assert fields == {"sheets.E2.B2.c-credit", "sheets.E1.B1.t-schedule"}


def test_unknown_lot_and_unknown_fail_are_refused(project):
    data = scores_data()
    data["lot"] = "lot-9"
    with pytest.raises(PlanError, match="names no lot"):
        loads_scores(json.dumps(data), project)
    data = scores_data()
    data["gate_votes"]["fails"].append(
        {"expert": "E9", "bidder": "B1", "item": "q-bond", "reason": "x"}
    )
    with pytest.raises(PlanError, match="unknown expert, bidder or gate item"):
        loads_scores(json.dumps(data), project)
