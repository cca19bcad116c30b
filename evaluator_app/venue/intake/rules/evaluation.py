"""The evaluation itself: gate votes (初步评审), then score sheets (详细评审).

All gate votes in → the gates are decided; all sheets in → summary.
"""

from __future__ import annotations

from evaluator_app.core.phases import Phase
from evaluator_app.core.plan import Lot
from evaluator_app.protocol.artefacts import (
    GateVotes,
    ScoreSheet,
)
from evaluator_app.protocol.messages import SignedUpload
from evaluator_app.venue.access.visibility import active_experts
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import Conflict, Unprocessable
from evaluator_app.venue.http import Caller
from evaluator_app.venue.intake.accept import (
    new_record,
    record_acceptance,
)
from evaluator_app.venue.intake.rules.common import (
    Result,
    _accepted,
    _need_member,
    _same_session,
    _system_advance,
    rule,
)
from evaluator_app.venue.results import scoring_rules
from evaluator_app.venue.sessions.access import project_of
from evaluator_app.venue.store.records import (
    MemberRecord,
    SessionRecord,
)
from evaluator_app.venue.store.sqlite import SqliteTx


@rule("gate_votes")
def _gate_votes(
    tx: SqliteTx,
    venue: Venue,
    caller: Caller,
    session: SessionRecord,
    members: list[MemberRecord],
    body: GateVotes,
    upload: SignedUpload,
) -> Result:
    _same_session(body.session_id, body.expert_id, session.id, caller)
    _need_member(members, caller)
    if any(a.person_id == caller.person_id for a in _accepted(tx, session.id, "gate_votes")):
        raise Conflict(
            "you have already submitted your preliminary review",
            "您已提交初步评审意见",
            code="already_submitted",
        )
    lot: Lot = project_of(session).lot(session.lot_id)
    scoring_rules.check_gate_votes(lot, body)
    stored, event = record_acceptance(
        tx, venue, new_record(venue, caller, session.id, "gate_votes", upload), audience="staff"
    )
    events = [event]
    submitted = {a.person_id for a in _accepted(tx, session.id, "gate_votes")}
    if {m.person_id for m in active_experts(members)} <= submitted:
        result = scoring_rules.gate_result(lot, tx, session.id, active_experts(members))
        events.append(
            tx.append_event(
                session.id,
                "gates.decided",
                "all",
                scoring_rules.gate_summary(result),
                venue.now_iso(),
            )
        )
    return stored, events, session


@rule("score_sheet")
def _score_sheet(
    tx: SqliteTx,
    venue: Venue,
    caller: Caller,
    session: SessionRecord,
    members: list[MemberRecord],
    body: ScoreSheet,
    upload: SignedUpload,
) -> Result:
    _same_session(body.session_id, body.expert_id, session.id, caller)
    _need_member(members, caller)
    if body.phase != Phase.DETAILED_SCORING.value or body.lot_id != session.lot_id:
        raise Unprocessable(
            "the sheet must name this lot and the detailed-scoring phase",
            "评分表须注明本标段和详细评审阶段",
            code="wrong_session",
        )
    mine = tx.artefacts(session.id, "score_sheet", caller.person_id, blobs=False)
    if any(a.status == "accepted" for a in mine):
        raise Conflict(
            "your sheet was accepted; it can be replaced only after the leader returns it",
            "评分表已被接收，只有组长退回后才能重新提交",
            code="already_submitted",
        )
    version = len(mine) + 1
    if body.version != version:
        raise Unprocessable(
            f"this is version {version} of your sheet, not {body.version}",
            f"本次应为第 {version} 版评分表",
            code="wrong_version",
        )
    lot = project_of(session).lot(session.lot_id)
    committee = active_experts(members)
    evaluation = scoring_rules.evaluation(lot, tx, session.id, committee)
    _valid, all_flags = scoring_rules.sheet_against(evaluation, body)
    flags = scoring_rules.unexplained(all_flags, body)
    if flags:
        raise Unprocessable(
            "deviation flags need a written explanation: "
            + ", ".join(f"{f.bidder_id}/{f.item_id}" for f in flags),
            "以下评分偏差较大，须填写书面说明："
            + "、".join(f"{f.bidder_id}/{f.item_id}" for f in flags),
            {"flags": [scoring_rules.flag_json(f) for f in flags]},
            code="deviation_unexplained",
        )
    stored, event = record_acceptance(
        tx,
        venue,
        new_record(venue, caller, session.id, "score_sheet", upload, version),
        audience="staff",
    )
    events = [event]
    if (
        all_flags
    ):  # supervisors learn that a deviation was flagged (and explained), never the scores
        items = [f"{f.bidder_id}/{f.item_id}" for f in all_flags]
        events.append(
            tx.append_event(
                session.id,
                "alert",
                "staff",
                {"alert": "deviation", "person": caller.person_id, "items": items},
                venue.now_iso(),
            )
        )
    in_hand = {a.person_id for a in _accepted(tx, session.id, "score_sheet")}
    if {m.person_id for m in committee} <= in_hand:
        session, moved = _system_advance(
            tx, venue, session, Phase.SUMMARY, "every sheet is in", "全部评分表已提交"
        )
        events.append(moved)
    return stored, events, session
