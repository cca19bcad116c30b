"""The rejection reasons people read, in the session's language, prices with separators."""

from __future__ import annotations

import json
from importlib import resources

from evaluator_app.client.results_rows import gate_rejections, results_from_summary
from evaluator_app.core.evaluation import LotEvaluation, evaluate_lot
from evaluator_app.core.project_file import loads_project
from evaluator_app.core.scores_file import loads_scores
from evaluator_app.protocol.evaluation import summary_json
from evaluator_app.venue.results.scoring_rules import gate_summary

EXAMPLES = resources.files("evaluator_app.examples")


def _example() -> tuple[LotEvaluation, tuple[dict[str, str], dict[str, str], dict[str, str]]]:
    project = loads_project(EXAMPLES.joinpath("project.json").read_bytes())
    committee = loads_scores(EXAMPLES.joinpath("scores.json").read_text("utf-8"), project)
    lot = project.lot("lot-1")
    result = evaluate_lot(lot, committee.experts, committee.gate_votes, committee.sheets)
    names = (
        {b.id: b.name for b in lot.bidders},
        {"E1": "张伟"},
        {i.id: i.name for _g, i in lot.plan.items()},
    )
    return result, names


def test_the_gate_page_reasons_follow_the_language() -> None:
    result, names = _example()
    gates = json.loads(json.dumps(gate_summary(result.gates)))
    b4, b5 = names[0]["B4"], names[0]["B5"]
    zh = dict(gate_rejections(gates, names))
    en = dict(gate_rejections(gates, names, "en"))
    assert zh[b5] == "超过最高限价：报价 38,760,000.00 元，最高限价 38,500,000.00 元"
    assert en[b5] == "Above the ceiling price: bid CNY 38,760,000.00, ceiling CNY 38,500,000.00"
    assert "「投标保证金按时足额提交」未通过（" in zh[b4] and "张伟：" in zh[b4]
    assert "“投标保证金按时足额提交” failed (" in en[b4] and "张伟: " in en[b4]
    assert "票" not in en[b4] and "：" not in en[b4].split("张伟")[0]
    # a venue that sends only its sentence still shows it, now with separators
    del gates["rejected"][-1]["ceiling"]
    assert "38,760,000.00" in dict(gate_rejections(gates, names, "en"))[b5]


def test_the_summary_reasons_follow_the_language() -> None:
    result, (bidders, people, items) = _example()
    summary = json.loads(json.dumps(summary_json(result, {})))
    en = results_from_summary(summary, bidders, people, items, "en")
    reasons = {r.bidder_id: r.reasons for r in en.bidders if r.rejected}
    assert reasons["B5"] == (
        "Above the ceiling price: bid CNY 38,760,000.00, ceiling CNY 38,500,000.00",
    )
    assert reasons["B4"][0].startswith("“投标保证金按时足额提交” failed")
    zh = results_from_summary(summary, bidders, people, items)
    assert [r.reasons for r in zh.bidders if r.bidder_id == "B5"] == [
        ("超过最高限价：报价 38,760,000.00 元，最高限价 38,500,000.00 元",)
    ]
