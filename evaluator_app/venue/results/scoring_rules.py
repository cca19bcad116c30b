"""The venue applying ``core`` rules to the signed artefacts it holds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from evaluator_app.core.aggregate import ItemScore, ScoreSheetData
from evaluator_app.core.deviation import DeviationFlag, find_deviations
from evaluator_app.core.errors import CoreError, GateError, ScoreError
from evaluator_app.core.evaluation import LotEvaluation, evaluate_lot
from evaluator_app.core.gates import GateResult, GateVote, check_vote, decide_gates
from evaluator_app.core.plan import Lot
from evaluator_app.core.scoring import check_score
from evaluator_app.protocol.artefacts import GateVotes, ScoreSheet
from evaluator_app.protocol.schema import decode, encode
from evaluator_app.venue.errors import Conflict, Unprocessable
from evaluator_app.venue.store.records import MemberRecord
from evaluator_app.venue.store.sqlite import SqliteTx


def _body(content: bytes, cls: type) -> Any:
    data = json.loads(content)
    data.pop("schema", None)
    return decode(cls, data)


def check_gate_votes(lot: Lot, body: GateVotes) -> None:
    expected = {(b.id, i.id) for b in lot.bidders for i in lot.plan.gate_items}
    seen: set[tuple[str, str]] = set()
    for index, vote in enumerate(body.votes):
        key = (vote.bidder_id, vote.item_id)
        if key not in expected:
            raise Unprocessable(
                f"votes[{index}]: {key} is not a bidder and gate item of this lot",
                f"第 {index + 1} 条意见的投标人或评审项不存在",
                code="invalid_vote",
            )
        if key in seen:
            raise Unprocessable(
                f"votes[{index}]: {key} voted twice",
                f"第 {index + 1} 条意见重复",
                code="invalid_vote",
            )
        seen.add(key)
        try:
            check_vote(GateVote(body.expert_id, *key, vote.passed, vote.reason))
        except GateError as exc:
            raise Unprocessable(str(exc), "判定不合格须说明理由", code="missing_reason") from None
    missing = sorted(expected - seen)
    if missing:
        raise Unprocessable(
            f"votes missing for {missing[:5]}",
            f"尚有 {len(missing)} 项未评审",
            {"missing": [list(m) for m in missing]},
            code="incomplete",
        )


def gate_votes_of(tx: SqliteTx, session_id: str) -> list[GateVote]:
    votes = []
    for artefact in tx.artefacts(session_id, "gate_votes"):
        if artefact.status != "accepted":
            continue
        body: GateVotes = _body(artefact.content, GateVotes)
        votes += [
            GateVote(body.expert_id, v.bidder_id, v.item_id, v.passed, v.reason) for v in body.votes
        ]
    return votes


def gate_result(
    lot: Lot, tx: SqliteTx, session_id: str, committee: Sequence[MemberRecord]
) -> GateResult:
    experts = [m.person_id for m in committee]
    try:
        return decide_gates(lot, experts, gate_votes_of(tx, session_id))
    except GateError as exc:
        raise Conflict(
            f"the preliminary review is not complete: {exc}",
            "初步评审尚未完成",
            code="gates_incomplete",
        ) from None


def gate_summary(result: GateResult) -> dict[str, Any]:
    return {
        "valid": list(result.valid_bidder_ids),
        "rejected": [
            {
                "bidder": o.bidder_id,
                "over_ceiling": o.over_ceiling.reason_zh if o.over_ceiling else None,
                "failures": [
                    {
                        "item": f.item_id,
                        "fail": f.fail_votes,
                        "pass": f.pass_votes,
                        "reasons": [list(r) for r in f.reasons],
                    }
                    for f in o.failures
                ],
            }
            for o in result.rejected
        ],
    }


def check_sheet(lot: Lot, valid_bidders: Sequence[str], body: ScoreSheet) -> None:
    items = {i.id: i for i in lot.plan.scored_items}
    expected = {(b, i) for b in valid_bidders for i in items}
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(body.scores):
        key = (entry.bidder_id, entry.item_id)
        if key not in expected:
            raise Unprocessable(
                f"scores[{index}]: {key} is not a valid bidder and scored item",
                f"第 {index + 1} 项评分的投标人或评分项不存在（或已被否决）",
                code="invalid_score",
            )
        if key in seen:
            raise Unprocessable(
                f"scores[{index}]: {key} scored twice",
                f"第 {index + 1} 项评分重复",
                code="invalid_score",
            )
        seen.add(key)
        try:
            check_score(items[entry.item_id], entry.score)
        except ScoreError as exc:
            raise Unprocessable(
                f"scores[{index}]: {exc}",
                getattr(exc, "message_zh", str(exc)),
                {"field": f"scores[{index}].score", "code": exc.code},
                code="invalid_score",
            ) from None
    missing = sorted(expected - seen)
    if missing:
        raise Unprocessable(
            f"scores missing for {missing[:5]}",
            f"尚有 {len(missing)} 项未评分",
            {"missing": [list(m) for m in missing]},
            code="incomplete",
        )


def sheet_data(body: ScoreSheet) -> ScoreSheetData:
    return ScoreSheetData(
        body.expert_id, tuple(ItemScore(s.bidder_id, s.item_id, s.score) for s in body.scores)
    )


def accepted_sheets(tx: SqliteTx, session_id: str) -> list[ScoreSheet]:
    return [
        _body(a.content, ScoreSheet)
        for a in tx.artefacts(session_id, "score_sheet")
        if a.status == "accepted"
    ]


def flags_for(lot: Lot, sheets: Sequence[ScoreSheet], expert_id: str) -> tuple[DeviationFlag, ...]:
    if len(sheets) < 2:
        return ()
    return tuple(
        f
        for f in find_deviations(lot.plan, [sheet_data(s) for s in sheets])
        if f.expert_id == expert_id
    )


def unexplained_flags(
    lot: Lot, tx: SqliteTx, session_id: str, body: ScoreSheet
) -> list[DeviationFlag]:
    """Flags of this sheet against the sheets already accepted, lacking an explanation."""
    others = [s for s in accepted_sheets(tx, session_id) if s.expert_id != body.expert_id]
    explained = {(e.bidder_id, e.item_id) for e in body.explanations if e.text.strip()}
    return [
        f
        for f in flags_for(lot, [*others, body], body.expert_id)
        if (f.bidder_id, f.item_id) not in explained
    ]


def flag_json(flag: DeviationFlag) -> dict[str, Any]:
    return encode(flag)  # type: ignore[no-any-return]


def evaluate(
    lot: Lot, tx: SqliteTx, session_id: str, committee: Sequence[MemberRecord]
) -> LotEvaluation:
    sheets = accepted_sheets(tx, session_id)
    try:
        return evaluate_lot(
            lot,
            [m.person_id for m in committee],
            gate_votes_of(tx, session_id),
            [sheet_data(s) for s in sheets],
        )
    except CoreError as exc:
        raise Conflict(
            f"the result cannot be computed yet: {exc}", "尚不能汇总：评分不完整", code="incomplete"
        ) from None


def explanations(tx: SqliteTx, session_id: str) -> dict[tuple[str, str, str], str]:
    return {
        (s.expert_id, e.bidder_id, e.item_id): e.text
        for s in accepted_sheets(tx, session_id)
        for e in s.explanations
    }
