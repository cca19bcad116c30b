"""The venue applying ``core`` rules to the signed artefacts it holds.

The evaluation itself is :mod:`protocol.evaluation`, shared with the offline verifier; this
module reads the store and turns core's refusals into the venue's errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evaluator_app.core.deviation import DeviationFlag, find_deviations
from evaluator_app.core.errors import CoreError, GateError, ScoreError
from evaluator_app.core.gates import GateResult, GateVote, check_vote
from evaluator_app.core.plan import Lot
from evaluator_app.core.scoring import check_score
from evaluator_app.protocol.artefacts import GateVotes, ScoreSheet
from evaluator_app.protocol.evaluation import SignedEvaluation, sheet_data
from evaluator_app.protocol.schema import encode
from evaluator_app.venue.errors import Conflict, Unprocessable
from evaluator_app.venue.store.records import MemberRecord
from evaluator_app.venue.store.sqlite import SqliteTx


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


def evaluation(
    lot: Lot, tx: SqliteTx, session_id: str, committee: Sequence[MemberRecord]
) -> SignedEvaluation:
    """The accepted gate votes and sheets of a session, decoded once for this request."""
    accepted = [
        a.content
        for kind in ("gate_votes", "score_sheet")
        for a in tx.artefacts(session_id, kind, blobs=False)
        if a.status == "accepted"
    ]
    return SignedEvaluation.from_artefacts(lot, [m.person_id for m in committee], accepted)


def decided_gates(evaluation: SignedEvaluation) -> GateResult:
    try:
        return evaluation.gates
    except GateError as exc:
        raise Conflict(
            f"the preliminary review is not complete: {exc}",
            "初步评审尚未完成",
            code="gates_incomplete",
        ) from None


def gate_result(
    lot: Lot, tx: SqliteTx, session_id: str, committee: Sequence[MemberRecord]
) -> GateResult:
    return decided_gates(evaluation(lot, tx, session_id, committee))


def gate_summary(result: GateResult) -> dict[str, Any]:
    return {
        "valid": list(result.valid_bidder_ids),
        "rejected": [
            {
                "bidder": o.bidder_id,
                "over_ceiling": o.over_ceiling.reason_zh if o.over_ceiling else None,
                # the figures, for a reader's own language and format
                "ceiling": {
                    "price": str(o.over_ceiling.price),
                    "ceiling": str(o.over_ceiling.ceiling),
                }
                if o.over_ceiling
                else None,
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


def flags_for(lot: Lot, sheets: Sequence[ScoreSheet], expert_id: str) -> tuple[DeviationFlag, ...]:
    if len(sheets) < 2:
        return ()
    return tuple(
        f
        for f in find_deviations(lot.plan, [sheet_data(s) for s in sheets])
        if f.expert_id == expert_id
    )


def sheet_against(
    evaluation: SignedEvaluation, sheet: ScoreSheet
) -> tuple[tuple[str, ...], tuple[DeviationFlag, ...]]:
    """A sheet checked as the venue accepts it: the valid bidders, and the deviation flags it
    raises against the sheets already accepted (an earlier version of the same expert's aside)."""
    valid = tuple(decided_gates(evaluation).valid_bidder_ids)
    check_sheet(evaluation.lot, valid, sheet)
    others = [s for s in evaluation.sheets if s.expert_id != sheet.expert_id]
    return valid, flags_for(evaluation.lot, [*others, sheet], sheet.expert_id)


def unexplained(flags: Sequence[DeviationFlag], body: ScoreSheet) -> list[DeviationFlag]:
    """The flags of this sheet that lack a written explanation in it."""
    explained = {(e.bidder_id, e.item_id) for e in body.explanations if e.text.strip()}
    return [f for f in flags if (f.bidder_id, f.item_id) not in explained]


def flag_json(flag: DeviationFlag) -> dict[str, Any]:
    return encode(flag)


def published_summary(evaluation: SignedEvaluation) -> dict[str, Any]:
    """The summary as published (results, report, archive): the same bytes everywhere."""
    try:
        return evaluation.summary_json()
    except CoreError as exc:
        raise Conflict(
            f"the result cannot be computed yet: {exc}", "尚不能汇总：评分不完整", code="incomplete"
        ) from None
