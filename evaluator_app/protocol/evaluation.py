"""The evaluation of a lot computed by ``core`` from the signed artefacts alone.

One computation for everyone: the venue's summary, its evaluation report and its archive
publish exactly :meth:`SignedEvaluation.summary_json`, and the offline verifier recomputes it
from an archive and compares. An auditor trusts the published ranking because anyone can
recompute it from the signed sheets. Each artefact is decoded once, by the registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from evaluator_app.core.aggregate import ItemScore, ScoreSheetData
from evaluator_app.core.evaluation import LotEvaluation, evaluate_lot
from evaluator_app.core.gates import GateResult, GateVote, decide_gates
from evaluator_app.core.plan import Lot
from evaluator_app.protocol.artefacts import GateVotes, ScoreSheet
from evaluator_app.protocol.kinds import read_artefact
from evaluator_app.protocol.schema import encode

Explanations = dict[tuple[str, str, str], str]  # (expert, bidder, item) -> text


def sheet_data(sheet: ScoreSheet) -> ScoreSheetData:
    return ScoreSheetData(
        sheet.expert_id, tuple(ItemScore(s.bidder_id, s.item_id, s.score) for s in sheet.scores)
    )


def summary_json(result: LotEvaluation, explanations: Explanations) -> dict[str, Any]:
    """The published summary: core's result with each deviation's written explanation."""
    data: dict[str, Any] = encode(result)
    data["deviations"] = [
        {**encode(f), "explanation": explanations.get((f.expert_id, f.bidder_id, f.item_id), "")}
        for f in result.deviations
    ]
    return data


@lru_cache(maxsize=2048)
def _decoded(content: bytes) -> object:
    """The body of accepted signed content: a pure function of the bytes, kept because a venue
    re-reads a session's every sheet at each upload (a third of the upload transaction's time in
    a profile of benchmarks/bench_venue_pg.py)."""
    return read_artefact(content)[1]


@dataclass(frozen=True)
class SignedEvaluation:
    """The accepted gate votes and score sheets of a lot, decoded, and what core makes of them.

    The results are computed on first use and kept: one evaluation per request.
    """

    lot: Lot
    committee: tuple[str, ...]  # person ids of the experts who count
    gate_votes: tuple[GateVotes, ...]
    sheets: tuple[ScoreSheet, ...]

    @classmethod
    def from_artefacts(
        cls, lot: Lot, committee: Iterable[str], accepted: Iterable[bytes]
    ) -> SignedEvaluation:
        """From the signed content of the accepted artefacts (other kinds are passed over)."""
        votes: list[GateVotes] = []
        sheets: list[ScoreSheet] = []
        for content in accepted:
            body = _decoded(content)
            if isinstance(body, GateVotes):
                votes.append(body)
            elif isinstance(body, ScoreSheet):
                sheets.append(body)
        return cls(lot, tuple(committee), tuple(votes), tuple(sheets))

    @cached_property
    def votes(self) -> list[GateVote]:
        return [
            GateVote(body.expert_id, v.bidder_id, v.item_id, v.passed, v.reason)
            for body in self.gate_votes
            for v in body.votes
        ]

    @cached_property
    def gates(self) -> GateResult:
        """The preliminary review decided (raises core's GateError while votes are missing)."""
        return decide_gates(self.lot, list(self.committee), self.votes)

    @cached_property
    def result(self) -> LotEvaluation:
        """The lot evaluated (raises core's errors while sheets are missing)."""
        return evaluate_lot(
            self.lot, list(self.committee), self.votes, [sheet_data(s) for s in self.sheets]
        )

    @cached_property
    def explanations(self) -> Explanations:
        return {
            (s.expert_id, e.bidder_id, e.item_id): e.text
            for s in self.sheets
            for e in s.explanations
        }

    def summary_json(self) -> dict[str, Any]:
        return summary_json(self.result, self.explanations)
