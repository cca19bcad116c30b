"""``evaluator plan``: check a project file; recompute a lot's result from a scores file."""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

from evaluator_app.cli.plan_text import describe_evaluation, describe_example, describe_project
from evaluator_app.core.errors import CoreError, PlanError
from evaluator_app.core.evaluation import evaluate_lot
from evaluator_app.core.project_file import loads_project
from evaluator_app.core.scores_file import loads_scores

EXAMPLES = ("project.json", "scores.json")


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="validate a project file and describe it")
    check.add_argument("project", type=Path)
    check.set_defaults(func=run_check)
    evaluate = sub.add_parser("evaluate", help="recompute gates, price scores, totals and ranking")
    evaluate.add_argument("project", type=Path)
    evaluate.add_argument("scores", type=Path, help="committee, gate votes and score sheets (JSON)")
    evaluate.set_defaults(func=run_evaluate)
    example = sub.add_parser(
        "example",
        help="print the example (the demo's gate votes and scores to type); --out DIR writes "
        "project.json and scores.json",
    )
    where = example.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, help="write the two files into this directory")
    where.add_argument(
        "--json",
        choices=("project", "scores"),
        help="print one of the files as it is (to redirect into a file)",
    )
    example.set_defaults(func=run_example)


def _report_problems(path: Path, error: PlanError) -> int:
    print(
        (
            f"{path}: 文件有误，共 {len(error.problems)} 处 / invalid, {len(error.problems)} "
            "problem(s):"
        ),
        file=sys.stderr,
    )
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        print(f"{path}: 无法读取 cannot read: {exc.strerror}", file=sys.stderr)
        return None


def run_check(args: argparse.Namespace) -> int:
    data = _read(args.project)
    if data is None:
        return 2
    try:
        project = loads_project(data)
    except PlanError as exc:
        return _report_problems(args.project, exc)
    print("\n".join(describe_project(project)))
    print(f"{args.project}: 有效 valid")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    project_bytes, scores_bytes = _read(args.project), _read(args.scores)
    if project_bytes is None or scores_bytes is None:
        return 2
    try:
        project = loads_project(project_bytes)
    except PlanError as exc:
        return _report_problems(args.project, exc)
    try:
        committee = loads_scores(scores_bytes, project)
    except PlanError as exc:
        return _report_problems(args.scores, exc)
    lot = project.lot(committee.lot_id)
    try:
        result = evaluate_lot(lot, committee.experts, committee.gate_votes, committee.sheets)
    except CoreError as exc:
        print(f"{args.scores}: 无法计算 cannot evaluate: {exc}", file=sys.stderr)
        return 1
    print("\n".join(describe_evaluation(lot, committee, result)))
    return 0


def _example(name: str) -> bytes:
    return resources.files("evaluator_app.examples").joinpath(name).read_bytes()


def run_example(args: argparse.Namespace) -> int:
    if args.json:
        sys.stdout.write(_example(f"{args.json}.json").decode("utf-8"))
        return 0
    if args.out is None:
        project = loads_project(_example("project.json"))
        print("\n".join(describe_example(project, _example("scores.json"))))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLES:
        target = args.out / name
        if target.exists():
            print(f"{target}: 已存在，未覆盖 exists, not overwritten", file=sys.stderr)
            return 1
        target.write_bytes(_example(name))
        print(target)
    return 0
