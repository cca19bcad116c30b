"""The scores file: a lot's committee, gate votes, score sheets and deviation explanations.

It is the input of ``evaluator plan evaluate`` (an auditor recomputing a result by hand, and
the rules-only demo). Gate votes list the fails; every other (expert, bidder, gate item) is a
pass when ``default`` is ``"pass"``. Every score is checked against its item.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from evaluator_app.core.aggregate import ItemScore, ScoreSheetData
from evaluator_app.core.errors import PlanError, PlanProblem, ScoreError
from evaluator_app.core.gates import GateVote
from evaluator_app.core.plan import Lot, Project
from evaluator_app.core.scoring import check_score

SCORES_FORMAT = "evaluator-scores"


@dataclass(frozen=True)
class CommitteeInput:
    lot_id: str
    experts: tuple[str, ...]
    gate_votes: tuple[GateVote, ...]
    sheets: tuple[ScoreSheetData, ...]
    explanations: tuple[tuple[str, str, str, str], ...]  # (expert, bidder, item, text)

    def explanations_of(self, expert_id: str) -> dict[tuple[str, str], str]:
        return {(b, i): t for e, b, i, t in self.explanations if e == expert_id}


def loads_scores(text: str | bytes, project: Project) -> CommitteeInput:
    """Parse and check a scores file against the project; PlanError lists every problem."""
    problems: list[PlanProblem] = []
    try:
        data = json.loads(text, parse_float=Decimal)
    except (ValueError, InvalidOperation) as exc:
        raise PlanError([PlanProblem("$", None, f"not valid JSON: {exc}")]) from exc
    if (
        not isinstance(data, dict)
        or data.get("format") != SCORES_FORMAT
        or data.get("version") != 1
    ):
        raise PlanError(
            [
                PlanProblem(
                    "format",
                    data.get("format") if isinstance(data, dict) else data,
                    f"must be {SCORES_FORMAT!r} version 1",
                )
            ]
        )
    lot = next((x for x in project.lots if x.id == data.get("lot")), None)
    if lot is None:
        raise PlanError([PlanProblem("lot", data.get("lot"), "names no lot of the project")])
    experts = data.get("experts")
    if (
        not isinstance(experts, list)
        or not experts
        or not all(isinstance(e, str) and e for e in experts)
    ):
        raise PlanError([PlanProblem("experts", experts, "must be a non-empty list of expert ids")])
    votes = _votes(lot, experts, data.get("gate_votes"), problems)
    sheets = _sheets(lot, data.get("sheets"), problems)
    explanations = _explanations(data.get("explanations", {}), problems)
    if problems:
        raise PlanError(problems)
    return CommitteeInput(lot.id, tuple(experts), votes, sheets, explanations)


def _votes(
    lot: Lot, experts: list[str], raw: Any, problems: list[PlanProblem]
) -> tuple[GateVote, ...]:
    if not isinstance(raw, dict) or raw.get("default") not in ("pass", None):
        problems.append(
            PlanProblem(
                "gate_votes",
                raw,
                'must be {"default": "pass", "fails": [...]} or list every vote in "votes"',
            )
        )
        return ()
    fails: dict[tuple[str, str, str], str] = {}
    for index, fail in enumerate(raw.get("fails", [])):
        key = (
            tuple(fail.get(k) for k in ("expert", "bidder", "item"))
            if isinstance(fail, dict)
            else None
        )
        if key is None or len(key) != 3 or not all(isinstance(k, str) for k in key):
            problems.append(
                PlanProblem(
                    f"gate_votes.fails[{index}]", fail, "needs expert, bidder, item and reason"
                )
            )
            continue
        expert_id, bidder_id, item_id = (str(k) for k in key)
        fails[(expert_id, bidder_id, item_id)] = str(fail.get("reason", ""))
    votes = []
    for expert in experts:
        for bidder in lot.bidders:
            for item in lot.plan.gate_items:
                reason = fails.pop((expert, bidder.id, item.id), None)
                votes.append(GateVote(expert, bidder.id, item.id, reason is None, reason or ""))
    for key in fails:
        problems.append(
            PlanProblem(
                "gate_votes.fails", list(key), "names an unknown expert, bidder or gate item"
            )
        )
    return tuple(votes)


def _sheets(lot: Lot, raw: Any, problems: list[PlanProblem]) -> tuple[ScoreSheetData, ...]:
    if not isinstance(raw, dict):
        problems.append(
            PlanProblem("sheets", raw, "must map expert id to {bidder id: {item id: score}}")
        )
        return ()
    sheets = []
    scored = {item.id: item for item in lot.plan.scored_items}
    for expert, by_bidder in raw.items():
        scores = []
        for bidder, by_item in (by_bidder or {}).items():
            for item_id, value in (by_item or {}).items():
                field = f"sheets.{expert}.{bidder}.{item_id}"
                if item_id not in scored:
                    problems.append(PlanProblem(field, value, "is not a scored item of the plan"))
                    continue
                try:
                    scores.append(ItemScore(bidder, item_id, check_score(scored[item_id], value)))
                except ScoreError as exc:
                    problems.append(PlanProblem(field, value, str(exc)))
        sheets.append(ScoreSheetData(expert, tuple(scores)))
    return tuple(sheets)


def _explanations(raw: Any, problems: list[PlanProblem]) -> tuple[tuple[str, str, str, str], ...]:
    out = []
    if not isinstance(raw, dict):
        problems.append(
            PlanProblem("explanations", raw, 'must map expert id to {"bidder/item": text}')
        )
        return ()
    for expert, entries in raw.items():
        for key, text in (entries or {}).items():
            bidder, _, item = str(key).partition("/")
            if not item or not isinstance(text, str):
                problems.append(
                    PlanProblem(
                        f"explanations.{expert}.{key}",
                        text,
                        'key must be "bidder/item" and the value a text',
                    )
                )
                continue
            out.append((expert, bidder, item, text))
    return tuple(out)
