"""``evaluator demo``: for now, the evaluation rules on the bundled example tender.

The whole cross-city demo (PKI, venues, launcher, app windows) arrives with issue #7; until
then this runs the real ``core`` rules on a realistic construction tender with a five-member
committee and prints every figure, so a newcomer sees what the software decides and why.
"""

from __future__ import annotations

import argparse
from importlib import resources

from evaluator_app.cli.plan_text import describe_evaluation, describe_project
from evaluator_app.core.evaluation import evaluate_lot
from evaluator_app.core.plan_file import loads_project
from evaluator_app.core.scores_file import loads_scores


def register(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(func=run)


def run(_args: argparse.Namespace) -> int:
    examples = resources.files("evaluator_app.examples")
    project = loads_project(examples.joinpath("project.json").read_bytes())
    committee = loads_scores(examples.joinpath("scores.json").read_bytes(), project)
    lot = project.lot(committee.lot_id)
    result = evaluate_lot(lot, committee.experts, committee.gate_votes, committee.sheets)
    print("演示（评标规则部分）Demo (evaluation rules only; venues, PKI and windows come later)")
    print("数据 data: `evaluator plan example` writes project.json and scores.json to edit and re-run\n")
    print("\n".join(describe_project(project)))
    print()
    print("\n".join(describe_evaluation(lot, committee, result)))
    return 0
