"""The result of a session computed by ``core`` from the signed artefacts alone.

The venue publishes exactly this (``summary_json``), and the offline verifier recomputes it
from an archive and compares: an auditor trusts the published ranking because anyone can
recompute it from the signed sheets.
"""

from __future__ import annotations

import json
import zipfile
from typing import Any

from evaluator_app.core.aggregate import ItemScore, ScoreSheetData
from evaluator_app.core.evaluation import LotEvaluation, evaluate_lot
from evaluator_app.core.gates import GateVote
from evaluator_app.core.project_file import project_from_dict
from evaluator_app.protocol.artefacts import GateVotes, ScoreSheet
from evaluator_app.protocol.kinds import read_artefact
from evaluator_app.protocol.schema import encode


def summary_json(
    result: LotEvaluation, explanations: dict[tuple[str, str, str], str]
) -> dict[str, Any]:
    data: dict[str, Any] = encode(result)
    data["deviations"] = [
        {**encode(f), "explanation": explanations.get((f.expert_id, f.bidder_id, f.item_id), "")}
        for f in result.deviations
    ]
    return data


def recompute_results(archive: zipfile.ZipFile) -> dict[str, Any]:
    project = project_from_dict(json.loads(archive.read("project.json")))
    session = json.loads(archive.read("session.json"))
    lot = project.lot(session["session"]["lot_id"])
    committee = [
        m["person_id"]
        for m in session["members"]
        if m["role"] == "expert" and m["status"] == "assigned"
    ]
    votes: list[GateVote] = []
    sheets: list[ScoreSheet] = []
    for name in sorted(archive.namelist()):
        if not (name.startswith("artefacts/") and name.endswith(".json")):
            continue
        if archive.read(name.replace(".json", ".status")).decode() != "accepted":
            continue
        _kind, body = read_artefact(archive.read(name))
        if isinstance(body, GateVotes):
            votes += [
                GateVote(body.expert_id, v.bidder_id, v.item_id, v.passed, v.reason)
                for v in body.votes
            ]
        elif isinstance(body, ScoreSheet):
            sheets.append(body)
    data = [
        ScoreSheetData(
            s.expert_id, tuple(ItemScore(x.bidder_id, x.item_id, x.score) for x in s.scores)
        )
        for s in sheets
    ]
    result = evaluate_lot(lot, committee, votes, data)
    explanations = {
        (s.expert_id, e.bidder_id, e.item_id): e.text for s in sheets for e in s.explanations
    }
    return summary_json(result, explanations)
