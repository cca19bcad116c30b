"""The bundled example (project, scores) turned into the inputs of the two PDFs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from typing import Any

from evaluator_app.core.evaluation import evaluate_lot
from evaluator_app.core.plan import Lot, Project
from evaluator_app.core.project_file import loads_project
from evaluator_app.core.scores_file import CommitteeInput, loads_scores
from evaluator_app.protocol.artefacts import ScoreSheet, SheetExplanation, SheetScore
from evaluator_app.protocol.evaluation import summary_json

COMMENTS = {
    "t-organisation": "施工组织设计内容完整，针对性较强",
    "c-experience": "近三年类似工程业绩满足要求",
}
NAMES = {"E1": "王建国", "E2": "李淑芬", "E3": "张卫东", "E4": "刘海燕", "E5": "陈志强"}
VENUES = {"E1": "济南主场", "E2": "济南主场", "E3": "青岛副场", "E4": "淄博副场", "E5": "潍坊副场"}


@dataclass(frozen=True)
class Example:
    project: Project
    lot: Lot
    committee: CommitteeInput
    summary: dict[str, Any]
    sheets: tuple[ScoreSheet, ...]


def example() -> Example:
    base = resources.files("evaluator_app.examples")
    project = loads_project(base.joinpath("project.json").read_text(encoding="utf-8"))
    committee = loads_scores(base.joinpath("scores.json").read_text(encoding="utf-8"), project)
    lot = project.lot(committee.lot_id)
    result = evaluate_lot(lot, committee.experts, committee.gate_votes, committee.sheets)
    summary = summary_json(result, {(e, b, i): t for e, b, i, t in committee.explanations})
    sheets = tuple(
        ScoreSheet(
            session_id="S-2026-1126-01",
            lot_id=lot.id,
            expert_id=data.expert_id,
            phase="detailed_scoring",
            version=1,
            scores=tuple(
                SheetScore(x.bidder_id, x.item_id, x.score, COMMENTS.get(x.item_id, ""))
                for x in data.scores
            ),
            explanations=tuple(
                SheetExplanation(b, i, t)
                for e, b, i, t in committee.explanations
                if e == data.expert_id
            ),
            at="2026-11-26T06:30:00Z",
        )
        for data in committee.sheets
    )
    return Example(project, lot, committee, summary, sheets)


GENERATED_AT = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)
