"""What the committee signs, and the rules for accepting it, phase by phase.

Declarations (承诺书/回避) → leader election → gate votes (初步评审) → score sheets (详细评审).
Each acceptance may move the session on by itself (the ``system`` role of the phase machine):
all declared → leader election; a leader elected → preliminary review; all sheets in → summary.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import replace

from evaluator_app.core.phases import Phase, advance
from evaluator_app.core.phases import Role as PhaseRole
from evaluator_app.core.plan import Lot
from evaluator_app.protocol.artefacts import (
    Declaration,
    GateVotes,
    LeaderVote,
    ReportDissent,
    ScoreSheet,
    WarningDecision,
    WitnessNote,
)
from evaluator_app.protocol.messages import Role, SignedReceipt, SignedUpload
from evaluator_app.venue.access.auth import require
from evaluator_app.venue.access.visibility import active_experts
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import Conflict, Forbidden, Unprocessable
from evaluator_app.venue.http import Caller
from evaluator_app.venue.intake.accept import (
    accept,
    existing_receipt,
    new_record,
    record_acceptance,
    verify_upload,
)
from evaluator_app.venue.intake.sheet_pdf import verify_sheet_pdf
from evaluator_app.venue.results import scoring_rules
from evaluator_app.venue.sessions.lifecycle import (
    apply_state,
    checkpoint,
    load,
    project_of,
    state_of,
)
from evaluator_app.venue.store.records import (
    ArtefactRecord,
    EventRecord,
    MemberRecord,
    SessionRecord,
)
from evaluator_app.venue.store.sqlite import SqliteTx

logger = logging.getLogger(__name__)

KINDS = {
    "declaration": Declaration,
    "leader_vote": LeaderVote,
    "gate_votes": GateVotes,
    "score_sheet": ScoreSheet,
    "witness_note": WitnessNote,
    "dissent": ReportDissent,
    "warning_decision": WarningDecision,
}


def _need_phase(session: SessionRecord, phase: Phase, what: str) -> None:
    if session.paused_in is not None:
        raise Conflict(
            f"the session is paused; {what} waits until it resumes",
            "评标已暂停，恢复后再提交",
            code="paused",
        )
    if session.phase != phase.value:
        raise Conflict(
            f"{what} belongs to phase {phase.value}; the session is in {session.phase}",
            f"当前阶段（{session.phase}）不能提交此内容",
            code="wrong_phase",
        )


def _need_member(members: list[MemberRecord], caller: Caller) -> MemberRecord:
    member = next(
        (m for m in members if m.person_id == caller.person_id and m.role == "expert"), None
    )
    if member is None or member.status != "assigned":
        raise Forbidden(
            "you are not an active expert of this session",
            "您不是本会话的在任评标专家",
            code="not_member",
        )
    return member


def _same_session(body_session: str, body_person: str, session_id: str, caller: Caller) -> None:
    if body_session != session_id:
        raise Unprocessable(
            f"the artefact names session {body_session}, not {session_id}",
            "所签内容属于其他评标会话",
            code="wrong_session",
        )
    if body_person != caller.person_id:
        raise Forbidden(
            "the artefact names another person",
            "所签内容中的人员不是您本人",
            code="signer_mismatch",
        )


def _accepted(tx: SqliteTx, session_id: str, kind: str) -> list[ArtefactRecord]:
    return [a for a in tx.artefacts(session_id, kind) if a.status == "accepted"]


def _system_advance(
    tx: SqliteTx, venue: Venue, session: SessionRecord, target: Phase, why: str, why_zh: str
) -> tuple[SessionRecord, EventRecord]:
    state = advance(state_of(session), target, PhaseRole.SYSTEM)
    return apply_state(tx, venue, session, state, "venue", why, why_zh)


async def submit(
    venue: Venue, caller: Caller, session_id: str, kind: str, upload: SignedUpload
) -> tuple[SignedReceipt, bool]:
    """Accept one signed artefact; returns the receipt and whether the phase moved on."""
    retry = await existing_receipt(venue, caller, upload)
    if retry is not None:
        return retry, False
    cls = KINDS[kind]
    if kind == "witness_note":
        require(caller, Role.SUPERVISOR)
    else:
        require(caller, Role.EXPERT)
    body, signed_by = await verify_upload(venue, caller, upload, kind, cls)
    if kind == "score_sheet":
        await verify_sheet_pdf(
            bytes(upload.pdf) if upload.pdf is not None else None, bytes(upload.content), signed_by
        )
    moved = False

    def work(tx: SqliteTx) -> tuple[ArtefactRecord, list[EventRecord]]:
        nonlocal moved
        session, members = load(tx, caller, session_id)
        rule = {
            "declaration": _declaration,
            "leader_vote": _leader_vote,
            "gate_votes": _gate_votes,
            "score_sheet": _score_sheet,
            "witness_note": _witness,
            "dissent": _dissent,
            "warning_decision": _warning_decision,
        }[kind]
        stored, events, session_after = rule(tx, venue, caller, session, members, body, upload)
        moved = session_after.phase != session.phase
        return stored, events

    receipt = await accept(venue, caller, upload, work)
    if moved:
        await checkpoint(venue)
    logger.info(
        "accepted %s from %s in %s (ca %s)", kind, caller.person_id, session_id, signed_by.ca_name
    )
    return receipt, moved


Result = tuple[ArtefactRecord, list[EventRecord], SessionRecord]


def _declaration(
    tx: SqliteTx,
    venue: Venue,
    caller: Caller,
    session: SessionRecord,
    members: list[MemberRecord],
    body: Declaration,
    upload: SignedUpload,
) -> Result:
    _same_session(body.session_id, body.expert_id, session.id, caller)
    _need_phase(session, Phase.DECLARATIONS, "a declaration")
    member = _need_member(members, caller)
    if any(a.person_id == caller.person_id for a in _accepted(tx, session.id, "declaration")):
        raise Conflict(
            "you have already declared; a signed declaration cannot be changed",
            "您已提交承诺书，已签署的内容不能更改",
            code="already_submitted",
        )
    lot = project_of(session).lot(session.lot_id)
    if sorted(body.bidders) != sorted(b.id for b in lot.bidders):
        raise Unprocessable(
            "the declaration must list exactly this lot's bidders",
            "承诺书所列投标人与本标段不一致",
            code="wrong_bidders",
        )
    if body.conflict and not body.reason.strip():
        raise Unprocessable("a recusal needs a reason", "申请回避须说明理由", code="missing_reason")
    stored, event = record_acceptance(
        tx,
        venue,
        new_record(venue, caller, session.id, "declaration", upload),
        extra={"conflict": body.conflict},
    )
    events = [event]
    if body.conflict:
        tx.upsert_member(replace(member, status="recused"))
        events.append(
            tx.append_event(
                session.id,
                "member",
                "all",
                {"person": caller.person_id, "status": "recused", "reason": body.reason},
                venue.now_iso(),
            )
        )
        events.append(
            tx.append_event(
                session.id,
                "alert",
                "staff",
                {"alert": "recusal", "person": caller.person_id, "reason": body.reason},
                venue.now_iso(),
            )
        )
    declared = {a.person_id for a in _accepted(tx, session.id, "declaration")}
    now_members = tx.members(session.id)
    committee = active_experts(now_members)
    # a recusal leaves a seat open until the centre names a substitute (or moves on itself)
    open_seats = any(m.role == "expert" and m.status == "recused" for m in now_members)
    if committee and not open_seats and all(m.person_id in declared for m in committee):
        session, moved = _system_advance(
            tx,
            venue,
            session,
            Phase.LEADER_ELECTION,
            "every expert has declared",
            "全体专家已签署承诺书",
        )
        events.append(moved)
    return stored, events, session


def _leader_vote(
    tx: SqliteTx,
    venue: Venue,
    caller: Caller,
    session: SessionRecord,
    members: list[MemberRecord],
    body: LeaderVote,
    upload: SignedUpload,
) -> Result:
    _same_session(body.session_id, body.expert_id, session.id, caller)
    _need_phase(session, Phase.LEADER_ELECTION, "a leader vote")
    _need_member(members, caller)
    committee = {m.person_id for m in active_experts(members)}
    if body.candidate_id not in committee:
        raise Unprocessable(
            "the candidate is not an active expert of this session",
            "候选人不是本会话的在任专家",
            code="bad_candidate",
        )
    if any(a.person_id == caller.person_id for a in _accepted(tx, session.id, "leader_vote")):
        raise Conflict(
            "you have already voted in this round", "您在本轮已投票", code="already_submitted"
        )
    stored, event = record_acceptance(
        tx, venue, new_record(venue, caller, session.id, "leader_vote", upload), audience="staff"
    )
    events = [event]
    votes = {
        a.person_id: json.loads(a.content)["candidate_id"]
        for a in _accepted(tx, session.id, "leader_vote")
    }
    if set(votes) >= committee:
        counts = Counter(votes.values()).most_common()
        if len(counts) > 1 and counts[0][1] == counts[1][1]:
            for a in _accepted(tx, session.id, "leader_vote"):  # a tie: void the round, vote again
                tx.set_artefact_status(a.id, "void")
            tied = sorted(c for c, n in counts if n == counts[0][1])
            events.append(
                tx.append_event(session.id, "leader.tie", "all", {"tied": tied}, venue.now_iso())
            )
        else:
            leader = counts[0][0]
            tx.set_leader(session.id, leader)
            tx.append_audit(
                venue.now_iso(),
                "venue",
                "leader.elected",
                session.id,
                {"leader": leader, "votes": dict(counts)},
            )
            events.append(
                tx.append_event(
                    session.id,
                    "leader.elected",
                    "all",
                    {"leader": leader, "votes": dict(counts)},
                    venue.now_iso(),
                )
            )
            session, moved = _system_advance(
                tx,
                venue,
                replace(session, leader_id=leader),
                Phase.PRELIMINARY_REVIEW,
                "leader elected",
                "组长已推选产生",
            )
            events.append(moved)
    return stored, events, session


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
    _need_phase(session, Phase.PRELIMINARY_REVIEW, "gate votes")
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
    _need_phase(session, Phase.DETAILED_SCORING, "a score sheet")
    _need_member(members, caller)
    if body.phase != Phase.DETAILED_SCORING.value or body.lot_id != session.lot_id:
        raise Unprocessable(
            "the sheet must name this lot and the detailed-scoring phase",
            "评分表须注明本标段和详细评审阶段",
            code="wrong_session",
        )
    mine = tx.artefacts(session.id, "score_sheet", caller.person_id)
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
    valid = scoring_rules.gate_result(lot, tx, session.id, committee).valid_bidder_ids
    scoring_rules.check_sheet(lot, valid, body)
    others = [
        s for s in scoring_rules.accepted_sheets(tx, session.id) if s.expert_id != body.expert_id
    ]
    all_flags = scoring_rules.flags_for(lot, [*others, body], body.expert_id)
    flags = scoring_rules.unexplained_flags(lot, tx, session.id, body)
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


def _witness(
    tx: SqliteTx,
    venue: Venue,
    caller: Caller,
    session: SessionRecord,
    members: list[MemberRecord],
    body: WitnessNote,
    upload: SignedUpload,
) -> Result:
    if body.session_id != session.id or body.supervisor_id != caller.person_id:
        raise Unprocessable(
            "the note must name this session and you",
            "见证记录须注明本会话和您本人",
            code="wrong_session",
        )
    if not body.text.strip():
        raise Unprocessable("the note is empty", "见证记录不能为空", code="empty")
    stored, event = record_acceptance(
        tx, venue, new_record(venue, caller, session.id, "witness_note", upload), audience="staff"
    )
    return stored, [event], session


def _dissent(
    tx: SqliteTx,
    venue: Venue,
    caller: Caller,
    session: SessionRecord,
    members: list[MemberRecord],
    body: ReportDissent,
    upload: SignedUpload,
) -> Result:
    from evaluator_app.venue.results import (
        report as report_signing,  # it builds on this module's neighbours
    )

    _same_session(body.session_id, body.expert_id, session.id, caller)
    _need_phase(session, Phase.REPORT_SIGNING, "a dissent")
    _need_member(members, caller)
    if caller.person_id not in report_signing.status(tx, session.id, members)["pending"]:
        raise Conflict(
            "you have already signed the report or recorded a dissent",
            "您已签署报告或已提交不同意见",
            code="already_submitted",
        )
    if not body.reasons.strip():
        raise Unprocessable(
            "a dissent needs written reasons", "持不同意见须写明理由", code="missing_reason"
        )
    stored, event = record_acceptance(
        tx, venue, new_record(venue, caller, session.id, "dissent", upload)
    )
    report_signing.generate(
        tx, venue, session, members
    )  # shown in the report while nobody has signed
    events = [event, *report_signing.close_if_done(tx, venue, session, members)]
    return stored, events, session


def _warning_decision(
    tx: SqliteTx,
    venue: Venue,
    caller: Caller,
    session: SessionRecord,
    members: list[MemberRecord],
    body: WarningDecision,
    upload: SignedUpload,
) -> Result:
    from evaluator_app.venue.collusion import service as collusion_service

    _same_session(body.session_id, body.expert_id, session.id, caller)
    if session.leader_id != caller.person_id:
        raise Forbidden(
            "the committee's leader records its decision on a warning",
            "由评标委员会组长记录委员会对预警的处理意见",
            code="not_leader",
        )
    if (
        session.phase
        not in (Phase.PRELIMINARY_REVIEW.value, Phase.DETAILED_SCORING.value, Phase.SUMMARY.value)
        or session.paused_in
    ):
        raise Conflict(
            "warnings are decided between the leader election and report signing",
            "预警须在推选组长之后、签署报告之前处理",
            code="wrong_phase",
        )
    row = tx.collusion(session.id)
    known = (
        {w["id"] for w in json.loads(row["result"])["warnings"]} if row and row["result"] else set()
    )
    if body.warning_id not in known:
        raise Unprocessable(
            "no such warning in this session", "本会话没有这条预警", code="no_warning"
        )
    if body.decision not in collusion_service.DECISIONS or not body.reasons.strip():
        raise Unprocessable(
            "decision must be confirmed, dismissed or noted, with reasons",
            "处理意见须为确认、排除或备注，并写明理由",
            code="invalid_decision",
        )
    stored, event = record_acceptance(
        tx,
        venue,
        new_record(venue, caller, session.id, "warning_decision", upload),
        extra={"warning": body.warning_id, "decision": body.decision},
    )
    return stored, [event], session
